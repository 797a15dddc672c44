/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The context as every layer sees it: its fields, logging, and the two
 * facts about it that lower layers need (is it the running host, its udev
 * handle). Its life cycle (new, unref, refresh) is the top layer's:
 * libvmdev.c, the only file that calls into every other.
 */
#ifndef LIBVMDEV_CONTEXT_H
#define LIBVMDEV_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "libvmdev.h"
#include "util.h"

#define VMDEV_DEFAULT_TIMEOUT_MS 5000

struct udev;
struct udev_hwdb;
struct kmod_ctx;
struct vfio_fd_user;

struct vmdev_ctx {
	int refcount;
	char *root;  /* "/" or an absolute directory */
	int root_fd; /* O_PATH directory fd of root: every host path goes through it */
	vmdev_log_fn log_fn;
	int log_priority;
	void *userdata;
	unsigned int timeout_ms;
	bool no_udev_wait; /* run by udevd itself: wait for the kernel only */

	/* the model (model.h): scanned on first use, dropped by vmdev_refresh() */
	bool pci_scanned;
	struct vmdev_pci **pci; /* sorted by address */
	size_t n_pci;
	struct vmdev_pci *pci_gone; /* VFs taken away since the scan (pci_detach) */

	bool mdev_scanned;
	struct vmdev_parent **parents; /* sorted by name */
	size_t n_parents;
	struct vmdev_mdev **mdevs; /* by parent, type, uuid */
	size_t n_mdevs;
	struct vmdev_mdev **mdev_index; /* by UUID (mdev.c), built on the first look-up */
	size_t mdev_index_mask;
	/* the mdevs' drivers, one bulk read of /sys/bus/mdev/drivers (snapshot) */
	bool mdev_drivers_read;     /* made, on the first request after the scan */
	bool mdev_drivers_complete; /* every driver's directory was listed */
	char **mdev_driver_names;   /* interned: the mdevs point at these */
	size_t n_mdev_driver_names;

	bool groups_scanned;
	struct vmdev_group **groups; /* sorted by number */
	size_t n_groups;

	/* mdevctl's definitions (definition.h): read on first use, dropped by
	 * vmdev_refresh(); the library's own saves and deletes keep them */
	bool definitions_scanned;
	struct vmdev_definition *definitions;          /* saved, by parent, UUID */
	struct vmdev_definition *definitions_detached; /* new, or deleted */
	struct vmdev_definition_error *definition_errors;

	bool users_scanned;
	struct vfio_fd_user *users;
	size_t n_users;
	bool callers_may_hold;	/* the caller's line holding a group node refuses nothing */

	/* writes (action.h) */
	bool dry_run;
	vmdev_action_fn action_fn;
	void *action_data;

	/* mdevctl's callouts (callout.c) */
	bool callouts_disabled;
	bool callout_force;		/* a pre callout's refusal does not stop */
	unsigned int callout_timeout_ms; /* 0: CALLOUT_TIMEOUT_MS */
	char *callout_failure_script;	/* the last refusal or failure: host path */
	int callout_failure_status;

	/* handles made on first use */
	struct kmod_ctx *kmod;
	struct udev *udev;
	bool hwdb_tried;
	struct udev_hwdb *hwdb;
};

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

/* Whether the root is the running system, where writes reach a kernel. */
bool ctx_is_host(struct vmdev_ctx *ctx);
/* The context's libudev handle, made on first use; NULL when it cannot be. */
struct udev *ctx_udev(struct vmdev_ctx *ctx);
void ctx_udev_free(struct vmdev_ctx *ctx);

#endif
