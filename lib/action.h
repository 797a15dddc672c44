/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Actions: every change to the system (writes and module loads through
 * write.c, the one door), waiting for the kernel and udev to finish, and
 * serializing changes of one device between processes.
 */
#ifndef LIBVMDEV_ACTION_H
#define LIBVMDEV_ACTION_H

#include <stdbool.h>

#include "definition-json.h"
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

/* create.c: vmdev_mdev_create() and _remove() without the callouts, for
 * an operation that runs its own (a definition's start, its undoing) */
int mdev_create(struct vmdev_type *type, const char *id, struct vmdev_mdev **created);
int mdev_remove(struct vmdev_mdev *mdev);

/* bind.c: put a device back on DRIVER with OVERRIDE; whether it got there */
bool pci_restore(struct vmdev_pci *pci, const char *driver, const char *override);

/* lock.c */
int pci_lock(struct vmdev_pci *pci, int *fd);

/* callout.c: mdevctl's callouts and notifiers around an action */
#define CALLOUT_TIMEOUT_MS 60000 /* a script running longer is killed */
enum callout_action { /* the bit order of struct callout_supports */
	CALLOUT_START,
	CALLOUT_STOP,
	CALLOUT_DEFINE,
	CALLOUT_UNDEFINE,
	CALLOUT_MODIFY,
	CALLOUT_ATTRIBUTES,
	CALLOUT_CAPABILITIES,
};
enum callout_event { CALLOUT_PRE, CALLOUT_POST, CALLOUT_LIVE, CALLOUT_NOTIFY, CALLOUT_GET };
enum callout_state { CALLOUT_NONE, CALLOUT_SUCCESS, CALLOUT_FAILURE };
struct callout {
	struct vmdev_ctx *ctx;
	bool active;  /* scripts run: callouts on, not a dry run */
	bool refused; /* by the pre callout, not forced */
	enum callout_action action;
	enum callout_state state;
	char uuid[VMDEV_UUID_LEN];
	char *parent, *type;
	char *json;   /* the configuration on stdin */
	char *script; /* host path of the device's script, once known */
	bool versioned;
	struct callout_supports supports;
};
int callout_begin(struct callout *c, struct vmdev_ctx *ctx, enum callout_action action,
		  const char *uuid, const char *parent, const char *type,
		  const struct def_content *content);
int callout_end(struct callout *c, int result);
int callout_get_attributes(struct vmdev_ctx *ctx, const char *uuid, const char *parent,
			   const char *type, struct def_content *out, bool *found);
int callout_live(struct vmdev_ctx *ctx, const char *uuid, const char *parent,
		 const char *type, const struct def_content *content);
unsigned int callout_timeout_ms(struct vmdev_ctx *ctx);

#endif
