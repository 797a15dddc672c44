/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal declarations shared by the library's files; never installed. */
#ifndef LIBVMDEV_PRIVATE_H
#define LIBVMDEV_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "libvmdev.h"

#define VMDEV_EXPORT __attribute__((visibility("default")))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _must_check_ __attribute__((warn_unused_result))

#define VMDEV_DEFAULT_TIMEOUT_MS 5000
#define VMDEV_ATTR_MAX 4096

struct udev;
struct udev_hwdb;
struct udev_monitor;
struct kmod_ctx;

/* One open file descriptor of a process that points into /dev/vfio. */
struct vfio_fd_user {
	int pid;
	char comm[64];
	char *target; /* the link target, e.g. "/dev/vfio/12" */
};

struct vmdev_ctx {
	int refcount;
	char *root;   /* "/" or an absolute directory */
	int root_fd;  /* O_PATH directory fd of root */
	vmdev_log_fn log_fn;
	int log_priority;
	void *userdata;
	unsigned int timeout_ms;

	bool pci_scanned;
	struct vmdev_pci **pci; /* sorted by address */
	size_t n_pci;

	bool mdev_scanned;
	struct vmdev_parent **parents; /* sorted by name */
	size_t n_parents;
	struct vmdev_mdev **mdevs; /* by parent, type, uuid */
	size_t n_mdevs;

	bool groups_scanned;
	struct vmdev_group **groups; /* sorted by number */
	size_t n_groups;

	/* read path (bench) */
	struct vmdev_mdev **mdevs_by_uuid; /* built on the first lookup */
	/* the mdevs' drivers, one bulk read of /sys/bus/mdev/drivers (snapshot) */
	bool mdev_drivers_read;       /* made, on the first request after the scan */
	bool mdev_drivers_complete;   /* every driver's directory was listed */
	char **mdev_driver_names;     /* interned: the mdevs point at these */
	size_t n_mdev_driver_names;

	bool users_scanned;
	struct vfio_fd_user *users;
	size_t n_users;

	bool dry_run;
	vmdev_action_fn action_fn;
	void *action_data;
	struct kmod_ctx *kmod;

	bool hwdb_tried;
	struct udev *udev;
	struct udev_hwdb *hwdb;
};

struct vmdev_pci {
	struct vmdev_ctx *ctx;
	struct vmdev_pci *next;
	char address[VMDEV_PCI_ADDR_LEN];
	char *path;
	unsigned int vendor, device, subsystem_vendor, subsystem_device;
	unsigned int class_code, revision;
	bool bridge;
	bool mdev_parent;
	int iommu_group;
	bool names_looked_up;
	char *vendor_name, *device_name;
};

struct vmdev_member {
	struct vmdev_group *group;
	struct vmdev_member *next;
	enum vmdev_member_kind kind;
	char *name;
	struct vmdev_pci *pci;
	struct vmdev_mdev *mdev;
};

struct vmdev_group {
	struct vmdev_ctx *ctx;
	struct vmdev_group *next;
	unsigned int number;
	char vfio_node[32];
	bool members_scanned;
	struct vmdev_member *members;
};

struct vmdev_parent {
	struct vmdev_ctx *ctx;
	struct vmdev_parent *next;
	char *name;
	char *bus;
	char *path;
	int iommu_group;
	struct vmdev_pci *pci;
	struct vmdev_type *types;
	/* read path (bench) */
	int fd;           /* the parent's directory, for every read below it */
	bool bus_scanned; /* bus and pci are looked up on first use */
};

struct vmdev_type {
	struct vmdev_parent *parent;
	struct vmdev_type *next;
	char *id;
	char *name;
	char *description;
	char *device_api;
	struct vmdev_mdev *mdevs;
	/* read path (bench) */
	unsigned int attrs_read; /* TYPE_ATTR_* bits: read once, on first use */
};

struct vmdev_mdev {
	struct vmdev_ctx *ctx;
	struct vmdev_mdev *next;      /* in the context's list */
	struct vmdev_mdev *type_next; /* among its type's mdevs */
	char uuid[VMDEV_UUID_LEN];
	struct vmdev_type *type;
	char *path;
	int iommu_group;
	/* snapshot: interned in ctx->mdev_driver_names, NULL when unbound */
	const char *scanned_driver;
	bool scanned_driver_known; /* set by the bulk read or the first live read */
};

/* libvmdev.c: logging */
void vmdev_log(struct vmdev_ctx *ctx, int priority, const char *file, int line,
	       const char *fn, const char *format, ...) _printf_(6, 7);
#define log_cond(ctx, prio, ...)                                              \
	do {                                                                  \
		if ((ctx)->log_fn && (ctx)->log_priority >= (prio))           \
			vmdev_log(ctx, prio, __FILE__, __LINE__, __func__,    \
				  __VA_ARGS__);                               \
	} while (0)
#define dbg(ctx, ...) log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define info(ctx, ...) log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define err(ctx, ...) log_cond(ctx, LOG_ERR, __VA_ARGS__)

/* sysfs.c: root-relative attribute access; paths are host paths */
int sysfs_open_dir(struct vmdev_ctx *ctx, const char *path) _must_check_;
int sysfs_read_at(int dir_fd, const char *name, char *buf, size_t size);
int sysfs_read(struct vmdev_ctx *ctx, const char *path, char *buf, size_t size);
int sysfs_read_hex_at(int dir_fd, const char *name, unsigned int *value);
int sysfs_read_string_at(int dir_fd, const char *name, char **value);
int sysfs_link_name_at(int dir_fd, const char *name, char **value);
int sysfs_link_name(struct vmdev_ctx *ctx, const char *path, char **value);
int sysfs_link_group_at(int dir_fd, const char *name);
int sysfs_canonical_link(struct vmdev_ctx *ctx, const char *dir,
			 const char *name, char **path);
int sysfs_list_dir_at(int dir_fd, const char *name,
		      int (*cmp)(const void *, const void *), char ***names,
		      size_t *count);
int sysfs_list_dir(struct vmdev_ctx *ctx, const char *path,
		   int (*cmp)(const void *, const void *), char ***names,
		   size_t *count);
bool sysfs_exists_at(int dir_fd, const char *name);
/* the mdev read path: no allocation per call or per entry */
int sysfs_read_link_at(int dir_fd, const char *name, char *buf, size_t size);
int sysfs_link_group_fast_at(int dir_fd, const char *name);
bool sysfs_is_dir_at(int dir_fd, const char *name);
int sysfs_each_entry_at(int dir_fd, const char *name,
			int (*fn)(const char *entry, unsigned char d_type,
				  void *data),
			void *data);
void free_names(char **names, size_t count);
char *path_normalize(const char *dir, const char *relative);
int cmp_names(const void *a, const void *b);
int cmp_names_version(const void *a, const void *b);
int cmp_names_numeric(const void *a, const void *b);
int format_path(char *buf, size_t size, const char *format, ...) _printf_(3, 4);

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* parse.c */
int parse_hex_attr(const char *text, unsigned int *value);

/* model: scans and lookups, each in its own file */
int pci_scan(struct vmdev_ctx *ctx);
void pci_free_all(struct vmdev_ctx *ctx);
void hwdb_lookup(struct vmdev_pci *pci);
void hwdb_free(struct vmdev_ctx *ctx);
int mdev_scan(struct vmdev_ctx *ctx);
void mdev_free_all(struct vmdev_ctx *ctx);
int group_scan(struct vmdev_ctx *ctx);
void group_free_all(struct vmdev_ctx *ctx);
int vfio_users_scan(struct vmdev_ctx *ctx);
void vfio_users_free(struct vmdev_ctx *ctx);
enum vmdev_verdict verdict_for_pci(const char *driver, bool bridge);

/* write.c: the one door for every change to the system */
int sysfs_write(struct vmdev_ctx *ctx, const char *path, const char *value);
bool ctx_is_host(struct vmdev_ctx *ctx);

/* wait.c: wait for the kernel (and udev where udevd runs) */
struct udev_monitor *waiter_open(struct vmdev_ctx *ctx);
void waiter_close(struct udev_monitor *monitor);
struct udev_device;
int wait_until(struct vmdev_ctx *ctx, struct udev_monitor *monitor,
	       int (*done)(struct vmdev_ctx *ctx, void *data),
	       void (*seen)(struct udev_device *dev, void *data), void *data);
bool udevd_running(struct vmdev_ctx *ctx);
struct udev *ctx_udev(struct vmdev_ctx *ctx);

/* bind.c, used by create.c: who holds a group open */
int group_check_held(struct vmdev_ctx *ctx, int group, const char *dev_path,
		     enum vmdev_refusal *refusal,
		     char **detail);
void kmod_free(struct vmdev_ctx *ctx);
struct kmod_module;
int driver_module(struct vmdev_ctx *ctx, const char *driver,
		  struct kmod_module **module);

/* mdev-pci.c: config byte 0x0e without the multi-function bit */
int pci_header_type(struct vmdev_pci *pci, unsigned int *header);

#endif
