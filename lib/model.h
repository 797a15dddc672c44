/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The model: PCI devices, IOMMU groups and their members, mdev parents,
 * types and mdevs, who holds what open, drivers and what the host uses a
 * device for. Read through the sysfs door (sysfs.h); facts only: what to
 * refuse is policy.h's, what to change is action.h's.
 */
#ifndef LIBVMDEV_MODEL_H
#define LIBVMDEV_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "context.h"

struct kmod_module;

/* One open file descriptor of a process that points into /dev/vfio. */
struct vfio_fd_user {
	int pid;
	char comm[64];
	char *target;   /* the link's text, as the holder's mount namespace names it */
	dev_t rdev;     /* the character device it is; 0: none known (a recorded tree) */
	bool device_fd; /* anon_inode:[vfio-device], got through a group */
	bool cdev;      /* a device's cdev (/dev/vfio/devices/vfioN) */
	bool orphan;    /* a device fd of a process holding no group or cdev:
			   the kernel does not say which device it is */
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
	bool node_kind_read; /* vfio_node and noiommu: looked up on first use */
	bool noiommu;
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
	unsigned int attrs_read; /* TYPE_ATTR_* bits: read once, on first use */
};

struct vmdev_mdev {
	struct vmdev_ctx *ctx;
	struct vmdev_mdev *next;      /* in the context's list */
	struct vmdev_mdev *type_next; /* among its type's mdevs */
	char uuid[VMDEV_UUID_LEN];
	struct vmdev_type *type;
	char *path;
	int iommu_group; /* -1: none; MDEV_GROUP_UNREAD: see mdev_iommu_group() */
	/* snapshot: interned in ctx->mdev_driver_names, NULL when unbound */
	const char *scanned_driver;
	bool scanned_driver_known; /* set by the bulk read or the first live read */
	bool gone; /* its group, read after the scan, showed it removed: the
		      iterations skip it */
};

/* mdev.c: an mdev's group, read on first use (a listing of mdevs and
 * definitions never needs it: one readlinkat per mdev saved), then kept */
#define MDEV_GROUP_UNREAD (-2)
int mdev_iommu_group(struct vmdev_mdev *mdev);

/* pci.c, hwdb.c */
int pci_scan(struct vmdev_ctx *ctx);
void pci_free_all(struct vmdev_ctx *ctx);
int pci_header_type(struct vmdev_pci *pci, unsigned int *header);
int pci_insert(struct vmdev_ctx *ctx, const char *address, struct vmdev_pci **pci);
void pci_detach(struct vmdev_pci *pci);
void hwdb_lookup(struct vmdev_pci *pci);
void hwdb_free(struct vmdev_ctx *ctx);

/* mdev.c */
int mdev_scan(struct vmdev_ctx *ctx);
void mdev_free_all(struct vmdev_ctx *ctx);
int mdev_insert(struct vmdev_type *type, const char *uuid, struct vmdev_mdev **mdev);
void mdev_forget(struct vmdev_mdev *mdev);

/* group.c */
int group_scan(struct vmdev_ctx *ctx);
void group_free_all(struct vmdev_ctx *ctx);
int group_insert(struct vmdev_ctx *ctx, unsigned int number);
void group_forget(struct vmdev_ctx *ctx, unsigned int number);
enum vmdev_verdict verdict_for_pci(const char *driver, bool bridge);

/* vfio-device.c: DEV_PATH's vfio device; -ENOENT when it has none */
int vfio_device_read(struct vmdev_ctx *ctx, const char *dev_path,
		     struct vmdev_vfio_device *vdev);

/* group.c */
void group_read_node_kind(struct vmdev_group *group);

/* holders.c */
int vfio_users_scan(struct vmdev_ctx *ctx);
void vfio_users_free(struct vmdev_ctx *ctx);
int vfio_users_rescan(struct vmdev_ctx *ctx);
int holders_of(struct vmdev_ctx *ctx, int group, const char *dev_path,
	       struct vmdev_holder **holders, size_t *count);

/* driver.c */
bool driver_is_vfio(const char *driver);
bool driver_registered(struct vmdev_ctx *ctx, const char *driver);
int driver_module(struct vmdev_ctx *ctx, const char *driver,
		  struct kmod_module **module);
void kmod_free(struct vmdev_ctx *ctx);

/* variant.c */
int vfio_variant_find(struct vmdev_pci *pci, char **module);
int module_pci_driver(struct vmdev_ctx *ctx, const char *module, char **driver);
int vfio_variant_available(struct vmdev_ctx *ctx, const char *module);
int vfio_driver_choose(struct vmdev_pci *pci, char **driver, char **module,
		       enum vmdev_driver_choice *choice);

/* sriov.c: a PF's VFs as its virtfnN links name them now, in VF order */
int sriov_vf_addresses(struct vmdev_pci *pf, char (**addresses)[VMDEV_PCI_ADDR_LEN],
		       size_t *count);
/* the address VF number INDEX (from 0) of PF gets, by its offset and stride */
int sriov_vf_address(struct vmdev_pci *pf, unsigned int index,
		     char address[VMDEV_PCI_ADDR_LEN]);
int sriov_read_number(struct vmdev_pci *pci, const char *attr, unsigned int *value);

/* host-use.c */
struct host_use {
	enum vmdev_host_use use;
	char *name;        /* the interface or block device */
	char *mount_point; /* VMDEV_HOST_USE_MOUNTED */
};
int pci_host_use(struct vmdev_pci *pci, struct host_use *use);
void host_use_clear(struct host_use *use);

#endif
