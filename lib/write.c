// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one function through which the library changes the system: every
 * sysfs write is logged, shown to the caller's action hook and, in dry-run
 * mode, not done at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

/* Whether the root is the running system, where writes reach a kernel. */
bool ctx_is_host(struct vmdev_ctx *ctx)
{
	return strcmp(ctx->root, "/") == 0;
}

/*
 * Write VALUE to the host path PATH under the root, in a single write(2)
 * as sysfs wants it; a newline is added (sysfs strips it, and an empty
 * value must reach the kernel as "\n" to clear driver_override).
 */
int sysfs_write(struct vmdev_ctx *ctx, const char *path, const char *value)
{
	char buf[VMDEV_ATTR_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int fd, r;

	if (len + 2 > sizeof(buf))
		return -E2BIG;
	if (ctx->action_fn)
		ctx->action_fn(ctx, VMDEV_ACTION_WRITE, path, value, ctx->action_data);
	info(ctx, "%swrite %s %s", ctx->dry_run ? "(dry run) " : "", path, value);
	if (ctx->dry_run)
		return 0;
	memcpy(buf, value, len);
	buf[len++] = '\n';
	/* O_TRUNC as a shell's "echo VALUE > PATH": sysfs ignores it, and a
	 * recorded tree's plain file then holds the last value written */
	fd = openat(ctx->root_fd, path + (path[0] == '/'), O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		dbg(ctx, "open %s: %s", path, strerror(-r));
		return r;
	}
	n = write(fd, buf, len);
	r = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	if (r < 0)
		dbg(ctx, "write %s: %s", path, strerror(-r));
	return r;
}

/**
 * vmdev_set_action_fn - see every change before it is made
 * @ctx: the context
 * @fn: called with each sysfs write (host path and value) and each module
 *      load, before it happens (or instead, in dry-run mode); NULL for none
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
