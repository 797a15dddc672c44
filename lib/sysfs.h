/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one door for root-relative I/O. Every file the library reads or
 * writes on the host (/sys, /proc, /dev, /etc, /usr/lib) is named here by
 * its host path, "/sys/...", and opened through the context's root
 * directory fd; below a directory fd, by a plain relative name ("_at"
 * calls). Nothing else in lib/ calls open, read, pread, readlink or
 * faccessat itself (callout.c reads and writes only its scripts' pipes
 * and memory files).
 */
#ifndef LIBVMDEV_SYSFS_H
#define LIBVMDEV_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "context.h"

/* the host paths the library uses, one spelling each */
#define SYS_PCI_DEVICES "/sys/bus/pci/devices"
#define SYS_PCI_DRIVERS "/sys/bus/pci/drivers"
#define SYS_PCI_PROBE "/sys/bus/pci/drivers_probe"
#define SYS_MDEV_DEVICES "/sys/bus/mdev/devices"
#define SYS_MDEV_DRIVERS "/sys/bus/mdev/drivers"
#define SYS_MDEV_BUS_CLASS "/sys/class/mdev_bus"
#define SYS_IOMMU_GROUPS "/sys/kernel/iommu_groups"
#define SYS_VIRTUAL_DEVICES "/sys/devices/virtual/"
#define DEV_VFIO "/dev/vfio"
#define DEV_VFIO_DEVICES "/dev/vfio/devices/"
#define DEV_VFIO_NOIOMMU_PREFIX "noiommu-" /* /dev/vfio/noiommu-N, no isolation */
#define DEV_IOMMU "/dev/iommu"
#define SYS_CLASS_VFIO "/sys/class/vfio" /* a group node's number: <node name>/dev */
#define SYS_MISC_IOMMU_DEV "/sys/class/misc/iommu/dev"
#define SYS_MISC_VFIO_DEV "/sys/class/misc/vfio/dev"
#define VFIO_DEV_DIR "vfio-dev" /* <device>/vfio-dev/vfioN: its vfio device */
#define ANON_VFIO_DEVICE "anon_inode:[vfio-device]" /* a device fd from a group */
#define PROC_DEVICES "/proc/devices"
#define PROC "/proc"
#define PROC_MOUNTINFO "/proc/self/mountinfo"
#define PROC_SWAPS "/proc/swaps"
#define RUN_UDEV_CONTROL "/run/udev/control"
#define ETC "/etc"
#define ETC_MDEVCTL ETC "/mdevctl.d"
#define SYS_MODULE "/sys/module"
#define LIB_MODULES "/lib/modules"
/* mdevctl's callout and notifier scripts: 1.3+ reads /usr/lib first */
#define USR_LIB_MDEVCTL_CALLOUTS "/usr/lib/mdevctl/scripts.d/callouts"
#define USR_LIB_MDEVCTL_NOTIFIERS "/usr/lib/mdevctl/scripts.d/notifiers"
#define ETC_MDEVCTL_CALLOUTS ETC_MDEVCTL "/scripts.d/callouts"
#define ETC_MDEVCTL_NOTIFIERS ETC_MDEVCTL "/scripts.d/notifiers"

#define VMDEV_ATTR_MAX 4096

/* snprintf into BUF: -ENAMETOOLONG when it does not fit */
int format_path(char *buf, size_t size, const char *format, ...) _printf_(3, 4) _must_check_;

/* by host path */
int sysfs_full_path(struct vmdev_ctx *ctx, const char *path, char *buf, size_t size);
int sysfs_open_dir(struct vmdev_ctx *ctx, const char *path) _must_check_;
int sysfs_read(struct vmdev_ctx *ctx, const char *path, char *buf, size_t size);
int sysfs_read_string(struct vmdev_ctx *ctx, const char *path, char **value);
int sysfs_pread(struct vmdev_ctx *ctx, const char *path, void *buf, size_t size,
		off_t offset);
int sysfs_link_name(struct vmdev_ctx *ctx, const char *path, char **value);
int sysfs_canonical_link(struct vmdev_ctx *ctx, const char *dir,
			 const char *name, char **path);
int sysfs_list_dir(struct vmdev_ctx *ctx, const char *path,
		   int (*cmp)(const void *, const void *), char ***names,
		   size_t *count);
bool sysfs_exists(struct vmdev_ctx *ctx, const char *path);
bool sysfs_is_executable(struct vmdev_ctx *ctx, const char *path);
int sysfs_write_file(struct vmdev_ctx *ctx, const char *path, const char *buf,
		     size_t len);
/* each line of a text table (/proc/swaps, mountinfo) until EACH returns
 * true; returns 1 when one did, 0 when none, or a negative errno */
int sysfs_scan_lines(struct vmdev_ctx *ctx, const char *path,
		     bool (*each)(const char *line, void *data), void *data);

/* whether DIR_FD is on procfs (a live /proc, not a recorded tree's) */
bool sysfs_is_procfs(int dir_fd);
/* A process's open file as a character device: on procfs (PROCFS), what
 * PROC_FD/LINK ("PID/fd/N") is, followed as the kernel does, whatever mount
 * namespace it was opened in; in a recorded tree, whose fd links are plain
 * symlinks, the node its TARGET names under the root. 0 when it is not a
 * character device. */
dev_t sysfs_fd_rdev_at(struct vmdev_ctx *ctx, int proc_fd, bool procfs, const char *link,
		       const char *target);

/* below a directory fd */
int sysfs_open_subdir_at(int dir_fd, const char *name) _must_check_;
int sysfs_read_at(int dir_fd, const char *name, char *buf, size_t size);
int sysfs_pread_at(int dir_fd, const char *name, void *buf, size_t size, off_t offset);
int sysfs_read_hex_at(int dir_fd, const char *name, unsigned int *value);
int sysfs_read_string_at(int dir_fd, const char *name, char **value);
int sysfs_readlink_at(int dir_fd, const char *name, char *buf, size_t size);
int sysfs_link_name_at(int dir_fd, const char *name, char **value);
int sysfs_link_group_at(int dir_fd, const char *name, int *group);
int sysfs_list_dir_at(int dir_fd, const char *name,
		      int (*cmp)(const void *, const void *), char ***names,
		      size_t *count);
bool sysfs_exists_at(int dir_fd, const char *name);
bool sysfs_is_dir_at(int dir_fd, const char *name);
/* FN(entry, d_type, DATA) for each entry but . and .., no allocation per
 * entry; stops at FN's first non-zero return and returns it */
int sysfs_each_entry_at(int dir_fd, const char *name,
			int (*fn)(const char *entry, unsigned char d_type, void *data),
			void *data);

/* files that are not sysfs attributes (/etc/mdevctl.d) */
/* a whole regular file, never through a link, at most MAX bytes: a new
 * NUL-terminated buffer; -ELOOP for a link, -EISDIR for a directory,
 * -EINVAL for another non-regular file, -EFBIG over MAX */
int sysfs_read_regular_at(int dir_fd, const char *name, size_t max, bool regular, char **buf,
			  size_t *len);
/* replace DIR_FD/NAME atomically (a temporary file in the same directory,
 * fsync, rename, fsync of the directory), keeping an old file's mode and
 * owner, 0644 for a new one; EXCLUSIVE: -EEXIST where NAME exists */
int sysfs_replace_at(int dir_fd, const char *name, const void *data, size_t len,
		     bool exclusive);
/* unlink DIR_FD/NAME and fsync the directory */
int sysfs_unlink_at(int dir_fd, const char *name);
/* a directory, mode 0755; 0 where it is one already */
int sysfs_mkdir(struct vmdev_ctx *ctx, const char *path);

/* names and paths */
void free_names(char **names, size_t count);
char *path_normalize(const char *dir, const char *relative);
int cmp_names(const void *a, const void *b);
int cmp_names_version(const void *a, const void *b);
int cmp_names_numeric(const void *a, const void *b);

#endif
