// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one door for every change to the system: sysfs writes and module
 * loads. Each is logged, reported to the caller's action hook, and in
 * dry-run mode only reported.
 */
#include <errno.h>
#include <libkmod.h>
#include <string.h>

#include "action.h"
#include "model.h"
#include "sysfs.h"

/**
 * sysfs_write - write VALUE (and a newline) to the host file PATH
 *
 * Returns 0, -E2BIG for a value over VMDEV_ATTR_MAX, or the open's or
 * write's error; in dry-run mode 0 without writing.
 */
int sysfs_write(struct vmdev_ctx *ctx, const char *path, const char *value)
{
	char buf[VMDEV_ATTR_MAX];
	size_t len = strlen(value);
	int r;

	if (len + 2 > sizeof(buf))
		return -E2BIG;
	if (ctx->action_fn)
		ctx->action_fn(ctx, VMDEV_ACTION_WRITE, path, value, ctx->action_data);
	info(ctx, "%swrite %s %s", ctx->dry_run ? "(dry run) " : "", path, value);
	if (ctx->dry_run)
		return 0;
	memcpy(buf, value, len);
	buf[len++] = '\n';
	r = sysfs_write_file(ctx, path, buf, len);
	if (r < 0)
		dbg(ctx, "write %s: %s", path, strerror(-r));
	return r;
}

/* Load MODULE (and what it needs) and drop the reference; in dry-run, only
 * report it. Returns 0 or libkmod's error. */
static int module_insert(struct vmdev_ctx *ctx, struct kmod_module *module)
{
	int r = 0;

	if (ctx->action_fn)
		ctx->action_fn(ctx, VMDEV_ACTION_LOAD, kmod_module_get_name(module),
			       NULL, ctx->action_data);
	info(ctx, "%sload %s", ctx->dry_run ? "(dry run) " : "",
	     kmod_module_get_name(module));
	if (!ctx->dry_run) {
		r = kmod_module_probe_insert_module(module, 0, NULL, NULL, NULL, NULL);
		if (r < 0)
			err(ctx, "cannot load %s: %s", kmod_module_get_name(module),
			    strerror(-r));
	}
	kmod_module_unref(module);
	return r;
}

/*
 * Make the PCI driver DRIVER registered, loading its module; in dry-run,
 * only report it. Returns 0, -ENOENT when no module provides it, -ENOPKG
 * when its module loaded but registered no such driver, or libkmod's error.
 */
int driver_load(struct vmdev_ctx *ctx, const char *driver)
{
	struct kmod_module *module;
	int r;

	if (driver_registered(ctx, driver))
		return 0;
	if (driver_module(ctx, driver, &module) < 0)
		return -ENOENT;
	r = module_insert(ctx, module);
	if (r < 0)
		return r;
	if (!ctx->dry_run && !driver_registered(ctx, driver))
		return -ENOPKG;
	return 0;
}

/*
 * Load the module NAME by its name (a variant that its alias chose); in
 * dry-run, only report it. Returns 0, -ENOENT when libkmod finds no such
 * module, or libkmod's error (-ENOENT too when modules.dep names a file
 * that is gone).
 */
int module_load(struct vmdev_ctx *ctx, const char *name)
{
	struct kmod_module *module;

	if (driver_module(ctx, name, &module) < 0)
		return -ENOENT;
	return module_insert(ctx, module);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/**
 * file_replace - replace the host file PATH (in the directory DIR_FD) with
 * CONTENT, atomically (sysfs_replace_at)
 *
 * The action hook sees SHOWN (a definition as compact JSON, on one line).
 * EXCLUSIVE: -EEXIST where the file exists. Returns 0 or the error; in
 * dry-run mode 0 without writing (DIR_FD is not used).
 */
int file_replace(struct vmdev_ctx *ctx, int dir_fd, const char *path,
		 const char *content, size_t len, const char *shown, bool exclusive)
{
	int r;

	if (ctx->action_fn)
		ctx->action_fn(ctx, VMDEV_ACTION_WRITE_FILE, path, shown, ctx->action_data);
	info(ctx, "%swrite %s %s", ctx->dry_run ? "(dry run) " : "", path, shown);
	if (ctx->dry_run)
		return 0;
	r = sysfs_replace_at(dir_fd, base_name(path), content, len, exclusive);
	if (r < 0)
		dbg(ctx, "write %s: %s", path, strerror(-r));
	return r;
}

/**
 * file_remove - remove the host file PATH (in the directory DIR_FD)
 *
 * Returns 0 or the error; in dry-run mode 0 without removing.
 */
int file_remove(struct vmdev_ctx *ctx, int dir_fd, const char *path)
{
	int r;

	if (ctx->action_fn)
		ctx->action_fn(ctx, VMDEV_ACTION_REMOVE, path, NULL, ctx->action_data);
	info(ctx, "%sremove %s", ctx->dry_run ? "(dry run) " : "", path);
	if (ctx->dry_run)
		return 0;
	r = sysfs_unlink_at(dir_fd, base_name(path));
	if (r < 0)
		dbg(ctx, "remove %s: %s", path, strerror(-r));
	return r;
}

/**
 * vmdev_set_action_fn - see every change before it is made
 * @ctx: the context
 * @fn: called with each sysfs write (host path and value), each module
 *      load, and each write (as compact JSON) or removal of a definition
 *      file, before it happens (or instead, in dry-run mode); NULL for none
 * @data: passed to @fn
 */
VMDEV_EXPORT void vmdev_set_action_fn(struct vmdev_ctx *ctx, vmdev_action_fn fn,
				      void *data)
{
	if (!ctx)
		return;
	ctx->action_fn = fn;
	ctx->action_data = data;
}

/**
 * vmdev_set_dry_run - report writes and module loads instead of doing them
 * @ctx: the context
 * @dry_run: true to change nothing (the action function still sees all)
 *
 * In dry-run mode nothing waits for the kernel and nothing is verified.
 */
VMDEV_EXPORT void vmdev_set_dry_run(struct vmdev_ctx *ctx, bool dry_run)
{
	if (ctx)
		ctx->dry_run = dry_run;
}

/** vmdev_get_dry_run - whether the context is in dry-run mode */
VMDEV_EXPORT bool vmdev_get_dry_run(struct vmdev_ctx *ctx)
{
	return ctx && ctx->dry_run;
}
