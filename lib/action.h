/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Actions: every change to the system (writes and module loads through
 * write.c, the one door), waiting for the kernel and udev to finish, and
 * serializing changes of one device between processes.
 */
#ifndef LIBVMDEV_ACTION_H
#define LIBVMDEV_ACTION_H

#include <stdbool.h>

#include "model.h"

struct udev_monitor;
struct udev_device;

/* write.c */
int sysfs_write(struct vmdev_ctx *ctx, const char *path, const char *value);
int driver_load(struct vmdev_ctx *ctx, const char *driver);
int module_load(struct vmdev_ctx *ctx, const char *name);
int file_replace(struct vmdev_ctx *ctx, int dir_fd, const char *path,
		 const char *content, size_t len, const char *shown, bool exclusive);
int file_remove(struct vmdev_ctx *ctx, int dir_fd, const char *path);

/* wait.c */
struct udev_monitor *waiter_open(struct vmdev_ctx *ctx);
void waiter_close(struct udev_monitor *monitor);
int wait_until(struct vmdev_ctx *ctx, struct udev_monitor *monitor,
	       int (*done)(struct vmdev_ctx *ctx, void *data),
	       void (*seen)(struct udev_device *dev, void *data), void *data);
bool udevd_running(struct vmdev_ctx *ctx);

/* bind.c: put a device back on DRIVER with OVERRIDE; whether it got there */
bool pci_restore(struct vmdev_pci *pci, const char *driver, const char *override);

/* lock.c */
int pci_lock(struct vmdev_pci *pci, int *fd);

#endif
