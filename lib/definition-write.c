// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Changes to mdevctl's definitions and what they describe: saving and
 * deleting the files (through write.c's door, atomically, serialized
 * between processes), starting a definition (create, then its attributes
 * in order, nothing left half made), stopping it, and autostart of a
 * parent's "auto" definitions.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>

#include "action.h"
#include "definition.h"
#include "model.h"
#include "sysfs.h"

/*
 * An advisory flock(2) on FD, waiting at most the context's timeout
 * (-EBUSY after it); on a file system without flock, 0 unserialized.
 */
static int lock_wait(struct vmdev_ctx *ctx, int fd, const char *what)
{
	long long waited_ms = 0;

	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return 0;
		if (waited_ms >= ctx->timeout_ms) {
			err(ctx, "%s: another process holds its lock", what);
			return -EBUSY;
		}
		nanosleep(&(struct timespec){ 0, 10 * 1000000L }, NULL);
		waited_ms += 10;
	}
	return 0;
}

/*
 * The definition's directory, made (0755) where CREATE, opened and locked:
 * writers of one parent's definitions are serialized (the lock goes with
 * the fd's close).
 */
static int open_locked_dir(struct vmdev_definition *def, bool create, int *fd)
{
	char dir[PATH_MAX];
	int r;

	*fd = -1;
	r = format_path(dir, sizeof(dir), ETC_MDEVCTL "/%s", def->parent);
	if (r < 0)
		return r;
	if (create) {
		r = sysfs_mkdir(def->ctx, ETC); /* there on a host; maybe not under a root */
		if (r == 0)
			r = sysfs_mkdir(def->ctx, ETC_MDEVCTL);
		if (r == 0)
			r = sysfs_mkdir(def->ctx, dir);
		if (r < 0)
			return r;
	}
	r = sysfs_open_dir(def->ctx, dir);
	if (r < 0)
		return r;
	*fd = r;
	r = lock_wait(def->ctx, *fd, dir);
	if (r < 0) {
		close(*fd);
		*fd = -1;
	}
	return r;
}

/**
 * vmdev_definition_save - write the definition's file
 * @def: the definition, as in memory
 *
 * Writes /etc/mdevctl.d/PARENT/UUID under the root as mdevctl 1.2.0 does,
 * byte for byte, and atomically: a temporary file in the same directory,
 * fsync, rename, fsync of the directory; readers see the old file or the
 * new one, a crash leaves one of them. The file keeps its mode and owner;
 * a new one is 0644, new directories 0755. Writers of one parent's
 * definitions in processes using libvmdev are serialized (flock on the
 * directory, waiting at most the context's timeout). The action hook sees
 * VMDEV_ACTION_WRITE_FILE with the content as compact JSON; in dry-run
 * mode that is all that happens.
 *
 * A definition not saved before (vmdev_definition_new(), or deleted) is
 * saved only where no file of its UUID exists under its parent; it then
 * joins the list.
 *
 * mdevctl's callouts and notifiers run around it: "define" for a new
 * definition, "modify" for a saved one, its configuration on stdin.
 *
 * Returns 0; -ECANCELED when a pre callout refused; -EEXIST for such a
 * definition whose file exists; -EBUSY when
 * the lock was not had in time; -EPERM when the old owner cannot be kept;
 * or the error of the write (the old file is then intact).
 */
VMDEV_EXPORT int vmdev_definition_save(struct vmdev_definition *def)
{
	_cleanup_(closep) int fd = -1;
	struct callout c;
	_cleanup_(freep) char *pretty = NULL;
	_cleanup_(freep) char *compact = NULL;
	struct vmdev_ctx *ctx;
	size_t len;
	int r;

	if (!def)
		return -EINVAL;
	ctx = def->ctx;
	r = def_json_format(&def->content, true, &pretty, &len);
	if (r == 0)
		r = def_json_format(&def->content, false, &compact, NULL);
	if (r < 0)
		return r;
	if (ctx->dry_run) {
		if (!def->saved && sysfs_exists(ctx, def->path))
			return -EEXIST;
		return file_replace(ctx, -1, def->path, pretty, len, compact, !def->saved);
	}
	r = callout_begin(&c, ctx, def->saved ? CALLOUT_MODIFY : CALLOUT_DEFINE, def->uuid,
			  def->parent, def->content.type, &def->content);
	if (r == 0)
		r = open_locked_dir(def, true, &fd);
	if (r == 0)
		r = file_replace(ctx, fd, def->path, pretty, len, compact, !def->saved);
	if (r == 0 && !def->saved)
		definition_attach(def);
	return callout_end(&c, r);
}

/**
 * vmdev_definition_delete - remove the definition's file
 * @def: a saved definition
 *
 * Serialized as vmdev_definition_save() is; the action hook sees
 * VMDEV_ACTION_REMOVE. An mdev it describes keeps running. Afterwards
 * @def is no longer in the list but stays valid (a save writes it again)
 * until vmdev_refresh(). A file already gone counts as removed. mdevctl's
 * "undefine" callouts and notifiers run around it.
 *
 * Returns 0, -ENOENT for a definition not saved, -ECANCELED when a pre
 * callout refused, -EBUSY, or the error.
 */
VMDEV_EXPORT int vmdev_definition_delete(struct vmdev_definition *def)
{
	_cleanup_(closep) int fd = -1;
	struct callout c;
	int r;

	if (!def)
		return -EINVAL;
	if (!def->saved)
		return -ENOENT;
	if (def->ctx->dry_run)
		return file_remove(def->ctx, -1, def->path);
	r = callout_begin(&c, def->ctx, CALLOUT_UNDEFINE, def->uuid, def->parent,
			  def->content.type, &def->content);
	if (r == 0)
		r = open_locked_dir(def, false, &fd);
	if (r == 0) {
		r = file_remove(def->ctx, fd, def->path);
		if (r == -ENOENT)
			r = 0;
	} else if (r == -ENOENT) {
		r = 0; /* its directory is gone, and so is the file */
	}
	if (r == 0)
		definition_detach(def);
	return callout_end(&c, r);
}

static int definition_start(struct vmdev_definition *def, struct vmdev_mdev **mdev,
			    size_t *failed_attr);

/**
 * vmdev_definition_start - create the mdev a definition describes
 * @def: the definition, as in memory
 * @mdev: if not NULL, receives the new mdev (in the model; NULL in dry-run
 *        mode); after a failed attribute, the mdev left behind when it
 *        could not be removed again, else NULL
 * @failed_attr: if not NULL, receives the index of the attribute whose
 *        write failed, else SIZE_MAX
 *
 * Creates the mdev as vmdev_mdev_create() does (refusals, waiting until it
 * is ready), then writes each attribute, in order, to
 * /sys/bus/mdev/devices/UUID/NAME. On the first failure it removes the
 * mdev again: nothing is left half made. In dry-run mode the writes are
 * only reported. mdevctl's "start" callouts and notifiers run around it,
 * the definition's configuration on stdin.
 *
 * Returns 0; -ECANCELED when a pre callout refused; -EALREADY when it is active (vmdev_definition_is_active());
 * -ENODEV when its parent does not exist; -ENOENT when the parent has no
 * such type; vmdev_mdev_create()'s errors (-EEXIST: the UUID runs
 * elsewhere; -ENOSPC ...); or a failed attribute's write error, with
 * *@failed_attr set.
 */
VMDEV_EXPORT int vmdev_definition_start(struct vmdev_definition *def,
					struct vmdev_mdev **mdev, size_t *failed_attr)
{
	struct callout c;
	int r;

	if (mdev)
		*mdev = NULL;
	if (failed_attr)
		*failed_attr = SIZE_MAX;
	if (!def)
		return -EINVAL;
	r = callout_begin(&c, def->ctx, CALLOUT_START, def->uuid, def->parent,
			  def->content.type, &def->content);
	if (r == 0)
		r = definition_start(def, mdev, failed_attr);
	return callout_end(&c, r);
}

static int definition_start(struct vmdev_definition *def, struct vmdev_mdev **mdev,
			    size_t *failed_attr)
{
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct vmdev_mdev *created = NULL;
	int r;

	if (vmdev_definition_is_active(def))
		return -EALREADY;
	r = vmdev_parent_find(def->ctx, def->parent, &parent);
	if (r == -ENOENT)
		return -ENODEV;
	if (r < 0)
		return r;
	r = vmdev_type_find(parent, def->content.type, &type);
	if (r < 0)
		return r;
	r = mdev_create(type, def->uuid, &created);
	if (r < 0) {
		if (mdev)
			*mdev = created; /* -ENOTRECOVERABLE: left behind */
		return r;
	}
	for (size_t i = 0; i < def->content.n_attrs; i++) {
		const struct def_attr *a = &def->content.attrs[i];
		char path[PATH_MAX];

		r = format_path(path, sizeof(path), SYS_MDEV_DEVICES "/%s/%s", def->uuid,
				a->name);
		if (r == 0)
			r = sysfs_write(def->ctx, path, a->value);
		if (r == 0)
			continue;
		err(def->ctx, "mdev %s: writing %s failed: %s; removing it", def->uuid,
		    a->name, strerror(-r));
		if (failed_attr)
			*failed_attr = i;
		if (created && mdev_remove(created) < 0) {
			err(def->ctx, "mdev %s is left behind", def->uuid);
			if (mdev)
				*mdev = created;
		}
		return r;
	}
	if (mdev)
		*mdev = created;
	return 0;
}

/**
 * vmdev_definition_stop - remove the mdev a definition describes
 * @def: the definition
 *
 * As vmdev_mdev_remove() on the mdev with its UUID on its parent.
 *
 * Returns 0, -ENOENT when no mdev with its UUID runs on its parent (from
 * the model), or vmdev_mdev_remove()'s error.
 */
VMDEV_EXPORT int vmdev_definition_stop(struct vmdev_definition *def)
{
	struct vmdev_mdev *mdev;
	struct vmdev_parent *parent;
	int r;

	if (!def)
		return -EINVAL;
	r = vmdev_mdev_find(def->ctx, def->uuid, &mdev);
	if (r < 0)
		return r;
	parent = vmdev_mdev_get_parent(mdev);
	if (!parent || strcmp(vmdev_parent_get_name(parent), def->parent) != 0)
		return -ENOENT;
	return vmdev_mdev_remove(mdev); /* "stop" callouts, as mdevctl: from sysfs */
}

/* ---- autostart ---------------------------------------------------------- */

struct vmdev_autostart {
	struct vmdev_autostart *next;
	struct vmdev_definition *def;
	enum vmdev_autostart_action action;
	int error;
	size_t failed_attr; /* SIZE_MAX: none */
	struct vmdev_mdev *mdev;
};

/* Already there (live): ALREADY_ACTIVE, MISMATCH; or 0 when it is not. */
static int running_as(struct vmdev_definition *def, struct vmdev_autostart *res)
{
	char *parent, *type;
	int r = mdev_running(def->ctx, def->uuid, &parent, &type);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	res->action = strcmp(parent, def->parent) == 0 && strcmp(type, def->content.type) == 0
			      ? VMDEV_AUTOSTART_ALREADY_ACTIVE
			      : VMDEV_AUTOSTART_MISMATCH;
	free(parent);
	free(type);
	if (vmdev_mdev_find(def->ctx, def->uuid, &res->mdev) < 0)
		res->mdev = NULL; /* made by another process since the scan */
	return 1;
}

static void autostart_one(struct vmdev_definition *def, struct vmdev_autostart *res)
{
	int r;

	res->failed_attr = SIZE_MAX;
	r = running_as(def, res);
	if (r > 0)
		return;
	if (r == 0) {
		r = vmdev_definition_start(def, &res->mdev, &res->failed_attr);
		if (r == 0) {
			res->action = VMDEV_AUTOSTART_STARTED;
			return;
		}
		/* made meanwhile by a process not using our lock */
		if ((r == -EEXIST || r == -EALREADY) && running_as(def, res) > 0)
			return;
	}
	res->action = VMDEV_AUTOSTART_FAILED;
	res->error = r;
}

/**
 * vmdev_parent_autostart - start a parent's "auto" definitions
 * @ctx: the context
 * @parent: the parent's name
 * @results: receives one result per "auto" definition of @parent, by
 *           UUID (NULL when there is none); free with vmdev_autostart_free()
 *
 * Each definition not running yet is started as vmdev_definition_start()
 * does; one whose UUID runs (read live, not from the model) on its parent
 * with its type is left alone (ALREADY_ACTIVE); one whose UUID runs on
 * another parent or with another type is reported (MISMATCH) and not
 * touched. Idempotent, and safe when several processes run it for one
 * parent at once: they are serialized by a flock on the parent's sysfs
 * directory (at most the context's timeout each). What udev's rule runs
 * when a parent appears.
 *
 * Returns 0 (whatever the results say), -EINVAL for a parent that is not a
 * name, -EBUSY when the lock was not had in time, -ENOMEM.
 */
VMDEV_EXPORT int vmdev_parent_autostart(struct vmdev_ctx *ctx, const char *parent,
					struct vmdev_autostart **results)
{
	struct vmdev_autostart *first = NULL, **tail = &first;
	_cleanup_(closep) int fd = -1;
	struct vmdev_definition *def;
	char dir[PATH_MAX];
	int r;

	if (results)
		*results = NULL;
	if (!ctx || !results || !parent || vmdev_check_name(parent) < 0)
		return -EINVAL;
	r = definition_scan(ctx);
	if (r < 0)
		return r;
	r = format_path(dir, sizeof(dir), SYS_MDEV_BUS_CLASS "/%s", parent);
	if (r < 0)
		return r;
	if (!ctx->dry_run) {
		fd = sysfs_open_dir(ctx, dir); /* no parent, no lock: each start fails */
		if (fd >= 0) {
			r = lock_wait(ctx, fd, dir);
			if (r < 0)
				return r;
		}
	}
	vmdev_parent_definition_foreach(ctx, parent, def) {
		struct vmdev_autostart *res;

		if (def->content.start != VMDEV_START_AUTO)
			continue;
		res = calloc(1, sizeof(*res));
		if (!res) {
			vmdev_autostart_free(first);
			return -ENOMEM;
		}
		res->def = def;
		autostart_one(def, res);
		*tail = res;
		tail = &res->next;
	}
	*results = first;
	return 0;
}

/** vmdev_autostart_get_next - the next result, or NULL */
VMDEV_EXPORT struct vmdev_autostart *vmdev_autostart_get_next(struct vmdev_autostart *result)
{
	return result ? result->next : NULL;
}

/** vmdev_autostart_free - free a list of results from vmdev_parent_autostart() */
VMDEV_EXPORT void vmdev_autostart_free(struct vmdev_autostart *first)
{
	while (first) {
		struct vmdev_autostart *next = first->next;

		free(first);
		first = next;
	}
}

/** vmdev_autostart_get_definition - the definition (owned by the context) */
VMDEV_EXPORT struct vmdev_definition *
vmdev_autostart_get_definition(struct vmdev_autostart *result)
{
	return result ? result->def : NULL;
}

/** vmdev_autostart_get_action - what happened to it */
VMDEV_EXPORT enum vmdev_autostart_action
vmdev_autostart_get_action(struct vmdev_autostart *result)
{
	return result ? result->action : VMDEV_AUTOSTART_FAILED;
}

/** vmdev_autostart_get_error - FAILED: the negative errno, as from vmdev_definition_start(); else 0 */
VMDEV_EXPORT int vmdev_autostart_get_error(struct vmdev_autostart *result)
{
	return result ? result->error : -EINVAL;
}

/**
 * vmdev_autostart_get_failed_attr - FAILED on an attribute: which one
 * @result: the result
 * @index: receives the attribute's index in the definition
 *
 * Returns true when an attribute's write failed (the mdev was removed
 * again), false otherwise.
 */
VMDEV_EXPORT bool vmdev_autostart_get_failed_attr(struct vmdev_autostart *result,
						  size_t *index)
{
	if (!result || result->failed_attr == SIZE_MAX)
		return false;
	if (index)
		*index = result->failed_attr;
	return true;
}

/**
 * vmdev_autostart_get_mdev - the mdev: STARTED, the new one;
 * ALREADY_ACTIVE and MISMATCH, the running one where the model has it
 * (NULL when another process made it after the scan); FAILED, one left
 * behind, else NULL
 */
VMDEV_EXPORT struct vmdev_mdev *vmdev_autostart_get_mdev(struct vmdev_autostart *result)
{
	return result ? result->mdev : NULL;
}

/* ---- live attributes ------------------------------------------------------ */

/**
 * vmdev_mdev_write_attr - write one vendor attribute of a running mdev
 * @mdev: the mdev
 * @name: the attribute's file name below /sys/bus/mdev/devices/UUID: a
 *        name as vmdev_check_name() says (dots allowed, no '/', not "."
 *        or "..")
 * @value: what is written: one line (no newline); the kernel gets it
 *         with a newline added, as vmdev_definition_start() writes it
 *
 * What `modify --live` does for each added attribute (vfio-ap's
 * assign_adapter, assign_domain ...). Goes through the one write
 * function: the action hook sees VMDEV_ACTION_WRITE, and in dry-run mode
 * that is all that happens. Nothing is undone on failure: a driver that
 * refuses a value has not taken it.
 *
 * Returns 0; -EINVAL for a name that is not a name or a value that is not
 * one line; -ENOENT when the mdev has no such attribute; or the driver's
 * error (-EINVAL: it rejected the value, -EBUSY, -ENODEV,
 * -EADDRNOTAVAIL ...).
 */
VMDEV_EXPORT int vmdev_mdev_write_attr(struct vmdev_mdev *mdev, const char *name,
				       const char *value)
{
	char path[PATH_MAX];
	struct vmdev_ctx *ctx;
	int r;

	if (!mdev || def_attr_check(name, value) < 0)
		return -EINVAL;
	ctx = mdev->ctx;
	r = format_path(path, sizeof(path), SYS_MDEV_DEVICES "/%s/%s", mdev->uuid, name);
	if (r < 0)
		return r;
	return sysfs_write(ctx, path, value);
}
