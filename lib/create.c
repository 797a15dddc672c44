// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Creating and removing mdevs: refuse what the kernel would refuse before
 * writing, then wait until the kernel (and udev) are done; a create that
 * does not finish in time is removed again, so nothing is left half made.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <libudev.h>

#include "action.h"
#include "parse.h"
#include "model.h"
#include "policy.h"
#include "sysfs.h"

struct mdev_wait {
	char uuid[VMDEV_UUID_LEN];
	char dir[64]; /* SYS_MDEV_DEVICES "/UUID" */
	bool udev;    /* udevd runs: wait for its events too */
	bool mdev_bound_seen;
	int *groups_seen; /* every vfio group node udevd announced meanwhile */
	size_t n_groups_seen;
};

/*
 * Events from udevd: it has finished with the mdev once its "bind" comes
 * through, and with the group's /dev/vfio/N (rules, permissions) once
 * that node's "add" does.
 */
static void mdev_event(struct udev_device *dev, void *data)
{
	struct mdev_wait *w = data;
	const char *subsystem = udev_device_get_subsystem(dev);
	const char *action = udev_device_get_action(dev);
	const char *name = udev_device_get_sysname(dev);
	unsigned int group;

	if (!subsystem || !action || !name)
		return;
	if (!strcmp(subsystem, "mdev") && !strcmp(action, "bind") && !strcmp(name, w->uuid))
		w->mdev_bound_seen = true;
	if (!strcmp(subsystem, "vfio") && !strcmp(action, "add") &&
	    vmdev_parse_group(name, &group) == 0) {
		int *grown = realloc(w->groups_seen, (w->n_groups_seen + 1) * sizeof(*grown));

		if (!grown)
			return; /* the wait then ends by its timeout */
		w->groups_seen = grown;
		w->groups_seen[w->n_groups_seen++] = (int)group;
	}
}

static int mdev_ready(struct vmdev_ctx *ctx, void *data)
{
	struct mdev_wait *w = data;
	_cleanup_(closep) int fd = -1;
	int group;

	fd = sysfs_open_dir(ctx, w->dir);
	if (fd < 0 || !sysfs_exists_at(fd, "driver"))
		return 0;
	if (!w->udev)
		return 1;
	if (!w->mdev_bound_seen)
		return 0;
	if (sysfs_link_group_at(fd, "iommu_group", &group) < 0)
		return 0;
	for (size_t i = 0; group >= 0 && i < w->n_groups_seen; i++)
		if (w->groups_seen[i] == group)
			return 1;
	return group < 0;
}

static int mdev_gone(struct vmdev_ctx *ctx, void *data)
{
	struct mdev_wait *w = data;

	return !sysfs_exists(ctx, w->dir);
}

static int remove_and_wait(struct vmdev_ctx *ctx, struct udev_monitor *monitor,
			   struct mdev_wait *w)
{
	char path[96];
	int r;

	r = format_path(path, sizeof(path), "%s/remove", w->dir);
	if (r == 0)
		r = sysfs_write(ctx, path, "1");
	if (r < 0 || ctx->dry_run)
		return r;
	return wait_until(ctx, monitor, mdev_gone, NULL, w);
}

/**
 * vmdev_mdev_create - create an mdev and wait until it is ready
 * @type: the type to create
 * @uuid: the new mdev's UUID (any case), or NULL for a random one
 * @created: if not NULL, receives the new mdev, already in the model (its
 *           type's and the context's lists, and its group where groups
 *           were read); NULL in dry-run mode
 *
 * Refuses, writing nothing, when @type has no available instances or an
 * mdev with @uuid exists anywhere; for vfio-mdev-pci's one-instance types
 * also when an mdev of the type exists, whatever available_instances says
 * (see vmdev_type_get_instance_drift()). After writing the type's create file it
 * waits, at most the context's timeout, until the mdev exists and has its
 * driver and, where udevd runs, until udev has processed it and its group
 * node. On timeout it removes the mdev again. In dry-run mode it only
 * reports the write. Pointers the caller holds stay valid.
 *
 * Runs mdevctl's "start" callouts and notifiers around it (the pre
 * callout with {"mdev_type":TYPE,"start":"manual","attrs":[]} on stdin);
 * a refusing pre callout stops it before anything is written.
 *
 * Returns 0; -EINVAL for a malformed @uuid; -ECANCELED when a pre callout
 * refused (vmdev_get_callout_failure()); -ENOSPC when no instance is
 * available (also when the kernel says so with ENOSPC, EUSERS or EDQUOT);
 * -EEXIST when the UUID is taken; -ETIMEDOUT (the mdev was removed again);
 * -ENOTRECOVERABLE when it timed out and could not be removed either (it
 * is left at /sys/bus/mdev/devices/UUID, and in the model); or the write's
 * error.
 */
VMDEV_EXPORT int vmdev_mdev_create(struct vmdev_type *type, const char *uuid,
				   struct vmdev_mdev **created)
{
	char id[VMDEV_UUID_LEN];
	struct callout c;
	int r;

	if (created)
		*created = NULL;
	if (!type)
		return -EINVAL;
	r = parse_uuid_or_new(uuid, id);
	if (r < 0)
		return r;
	r = callout_begin(&c, type->parent->ctx, CALLOUT_START, id, type->parent->name,
			  type->id, NULL);
	if (r == 0)
		r = mdev_create(type, id, created);
	return callout_end(&c, r);
}

/* vmdev_mdev_create() without callouts, for a UUID already checked */
int mdev_create(struct vmdev_type *type, const char *id, struct vmdev_mdev **created)
{
	struct vmdev_ctx *ctx = type->parent->ctx;
	struct udev_monitor *monitor;
	char path[PATH_MAX];
	struct mdev_wait w;
	unsigned int available, existing;
	bool drift;
	int r;

	if (created)
		*created = NULL;
	memset(&w, 0, sizeof(w));
	memcpy(w.uuid, id, sizeof(w.uuid));
	snprintf(w.dir, sizeof(w.dir), SYS_MDEV_DEVICES "/%s", id);
	if (sysfs_exists(ctx, w.dir))
		return -EEXIST;
	r = vmdev_type_get_available_instances(type, &available);
	if (r < 0)
		return r;
	if (available == 0)
		return -ENOSPC;
	/* vfio-mdev-pci: one instance, whatever its available_instances says */
	r = vmdev_type_get_instance_drift(type, &drift, NULL, &existing);
	if (r < 0 && r != -ENODATA)
		return r;
	if (r == 0 && existing > 0)
		return -ENOSPC;
	r = format_path(path, sizeof(path), "%s/mdev_supported_types/%s/create",
			type->parent->path, type->id);
	if (r < 0)
		return r;

	monitor = waiter_open(ctx);
	w.udev = monitor && udevd_running(ctx);
	r = sysfs_write(ctx, path, id);
	if (r == -EUSERS || r == -EDQUOT)
		r = -ENOSPC; /* mdpy says "too many users" when exhausted */
	if (r == 0 && !ctx->dry_run) {
		r = wait_until(ctx, monitor, mdev_ready, mdev_event, &w);
		if (r < 0) {
			err(ctx, "mdev %s not ready: %s; removing it", id, strerror(-r));
			if (sysfs_exists(ctx, w.dir) &&
			    remove_and_wait(ctx, monitor, &w) < 0) {
				err(ctx, "mdev %s is left behind at %s", id, w.dir);
				r = -ENOTRECOVERABLE;
			}
		}
	}
	free(w.groups_seen);
	waiter_close(monitor);
	if ((r == 0 || r == -ENOTRECOVERABLE) && !ctx->dry_run) {
		struct vmdev_mdev *mdev;
		int m = mdev_insert(type, id, &mdev);

		if (m == 0 && mdev->iommu_group >= 0)
			m = group_insert(ctx, (unsigned int)mdev->iommu_group);
		if (m < 0)
			return r < 0 ? r : m; /* it exists; a vmdev_refresh() shows it */
		if (created)
			*created = mdev;
	}
	return r;
}

/**
 * vmdev_mdev_remove - remove an mdev and wait until it is gone
 * @mdev: the mdev
 *
 * Refuses while a process holds its group or device open. Waits, at most
 * the context's timeout, until the kernel has removed it; then takes it
 * (and its group) out of the model: @mdev is freed, other pointers stay
 * valid. In dry-run mode, and on failure, @mdev stays. Runs mdevctl's
 * "stop" callouts and notifiers around it, as vmdev_mdev_create() does.
 *
 * Returns 0, -ECANCELED when a pre callout refused, -EBUSY when held,
 * -ETIMEDOUT, or the write's error.
 */
VMDEV_EXPORT int vmdev_mdev_remove(struct vmdev_mdev *mdev)
{
	struct callout c;
	int r;

	if (!mdev || !mdev->type)
		return -EINVAL;
	r = callout_begin(&c, mdev->ctx, CALLOUT_STOP, mdev->uuid, mdev->type->parent->name,
			  mdev->type->id, NULL);
	if (r == 0)
		r = mdev_remove(mdev);
	return callout_end(&c, r);
}

/* vmdev_mdev_remove() without callouts */
int mdev_remove(struct vmdev_mdev *mdev)
{
	struct vmdev_refusal *refusal = NULL;
	struct udev_monitor *monitor;
	struct mdev_wait w;
	int r, group;

	/* read while the mdev is there: its group leaves the model with it */
	group = mdev ? mdev_iommu_group(mdev) : -1;
	r = vmdev_mdev_check_remove(mdev, &refusal);
	if (r < 0)
		return r;
	if (refusal) {
		info(mdev->ctx, "mdev %s is held by %zu processes", mdev->uuid,
		     refusal->n_holders);
		vmdev_refusal_free(refusal);
		return -EBUSY;
	}
	memset(&w, 0, sizeof(w));
	snprintf(w.dir, sizeof(w.dir), SYS_MDEV_DEVICES "/%s", mdev->uuid);
	monitor = waiter_open(mdev->ctx);
	r = remove_and_wait(mdev->ctx, monitor, &w);
	waiter_close(monitor);
	if (r == 0 && !mdev->ctx->dry_run) {
		if (group >= 0)
			group_forget(mdev->ctx, (unsigned int)group);
		mdev_forget(mdev);
	}
	return r;
}
