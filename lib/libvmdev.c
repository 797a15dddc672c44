// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The context's life cycle and settings: the library's top layer, the one
 * file that reaches every other (dropping the model's caches).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "action.h"
#include "definition.h"
#include "model.h"
#include "parse.h"
#include "sysfs.h"

/**
 * vmdev_new - create a library context
 * @ctx: receives the context, with one reference
 *
 * The environment sets its defaults: VMDEV_ROOT (the root under which host
 * paths are resolved, default "/"), VMDEV_LOG (err, info, debug or a
 * syslog number) and VMDEV_TIMEOUT (milliseconds, default 5000). No log
 * function is set: the library prints nothing unless the caller asks.
 *
 * Returns 0, -ENOMEM, the error of vmdev_set_root() for VMDEV_ROOT, or
 * -EINVAL for a VMDEV_LOG or VMDEV_TIMEOUT that is not one of their forms.
 */
VMDEV_EXPORT int vmdev_new(struct vmdev_ctx **ctx)
{
	struct vmdev_ctx *c;
	const char *env;
	int r;

	if (!ctx)
		return -EINVAL;
	*ctx = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->refcount = 1;
	c->root_fd = -1;
	c->log_priority = LOG_ERR;
	c->timeout_ms = VMDEV_DEFAULT_TIMEOUT_MS;

	/* a broken environment is an error, not a silent default */
	env = secure_getenv("VMDEV_LOG");
	if (env && vmdev_parse_log_priority(env, &c->log_priority) < 0) {
		r = -EINVAL;
		goto err_free;
	}
	env = secure_getenv("VMDEV_TIMEOUT");
	if (env && vmdev_parse_timeout_ms(env, &c->timeout_ms) < 0) {
		r = -EINVAL;
		goto err_free;
	}
	env = secure_getenv("VMDEV_ROOT");
	r = vmdev_set_root(c, env && *env ? env : "/");
	if (r < 0)
		goto err_free;
	*ctx = c;
	return 0;

err_free:
	free(c);
	return r;
}

/**
 * vmdev_ref - take a reference on a context
 * @ctx: the context (may be NULL)
 *
 * Returns @ctx.
 */
VMDEV_EXPORT struct vmdev_ctx *vmdev_ref(struct vmdev_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

static void drop_cache(struct vmdev_ctx *ctx)
{
	group_free_all(ctx);
	mdev_free_all(ctx);
	pci_free_all(ctx);
	vfio_users_free(ctx);
	definition_free_all(ctx);
}

/**
 * vmdev_unref - drop a reference; the last one frees the context and
 * every object it handed out
 * @ctx: the context (may be NULL)
 *
 * Returns NULL once freed, else @ctx.
 */
VMDEV_EXPORT struct vmdev_ctx *vmdev_unref(struct vmdev_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (--ctx->refcount > 0)
		return ctx;
	drop_cache(ctx);
	hwdb_free(ctx);
	ctx_udev_free(ctx);
	kmod_free(ctx);
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	free(ctx->callout_failure_script);
	free(ctx->root);
	free(ctx);
	return NULL;
}

/**
 * vmdev_set_root - resolve every host path under another directory
 * @ctx: the context
 * @root: an existing directory ("/" for the host itself)
 *
 * Drops the cache, as vmdev_refresh() does.
 *
 * Returns 0, -EINVAL for an empty or relative-looking NULL root, -ENOENT
 * or -ENOTDIR when @root is not a directory, -ENOMEM.
 */
VMDEV_EXPORT int vmdev_set_root(struct vmdev_ctx *ctx, const char *root)
{
	char *copy;
	int fd;

	if (!ctx || !root || !*root)
		return -EINVAL;
	/* the root itself, by the path given: every other host path is opened
	 * below this fd, through sysfs.c */
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	copy = strdup(root);
	if (!copy) {
		close(fd);
		return -ENOMEM;
	}
	drop_cache(ctx);
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	free(ctx->root);
	ctx->root_fd = fd;
	ctx->root = copy;
	return 0;
}

/**
 * vmdev_get_root - the directory host paths are resolved under
 * @ctx: the context
 */
VMDEV_EXPORT const char *vmdev_get_root(struct vmdev_ctx *ctx)
{
	return ctx ? ctx->root : NULL;
}

/**
 * vmdev_set_log_fn - route the library's log messages to a function
 * @ctx: the context
 * @fn: the function, or NULL to discard messages (the default)
 */
VMDEV_EXPORT void vmdev_set_log_fn(struct vmdev_ctx *ctx, vmdev_log_fn fn)
{
	if (ctx)
		ctx->log_fn = fn;
}

/**
 * vmdev_get_log_priority - the highest syslog priority passed to the log fn
 * @ctx: the context
 */
VMDEV_EXPORT int vmdev_get_log_priority(struct vmdev_ctx *ctx)
{
	return ctx ? ctx->log_priority : LOG_ERR;
}

/**
 * vmdev_set_log_priority - set the highest syslog priority that is logged
 * @ctx: the context
 * @priority: LOG_ERR (3), LOG_INFO (6) or LOG_DEBUG (7), or in between
 */
VMDEV_EXPORT void vmdev_set_log_priority(struct vmdev_ctx *ctx, int priority)
{
	if (ctx)
		ctx->log_priority = priority;
}

/**
 * vmdev_set_userdata - store a caller's pointer in the context
 * @ctx: the context
 * @userdata: anything; the library never touches it
 */
VMDEV_EXPORT void vmdev_set_userdata(struct vmdev_ctx *ctx, void *userdata)
{
	if (ctx)
		ctx->userdata = userdata;
}

/**
 * vmdev_get_userdata - the caller's pointer stored with vmdev_set_userdata()
 * @ctx: the context
 */
VMDEV_EXPORT void *vmdev_get_userdata(struct vmdev_ctx *ctx)
{
	return ctx ? ctx->userdata : NULL;
}

/**
 * vmdev_set_timeout_ms - how long operations wait for the kernel and udev
 * @ctx: the context
 * @timeout_ms: milliseconds, at most one hour
 *
 * Returns 0 or -EINVAL.
 */
VMDEV_EXPORT int vmdev_set_timeout_ms(struct vmdev_ctx *ctx,
				      unsigned int timeout_ms)
{
	if (!ctx || timeout_ms > 3600000U)
		return -EINVAL;
	ctx->timeout_ms = timeout_ms;
	return 0;
}

/**
 * vmdev_get_timeout_ms - the wait limit set by VMDEV_TIMEOUT or the setter
 * @ctx: the context
 */
VMDEV_EXPORT unsigned int vmdev_get_timeout_ms(struct vmdev_ctx *ctx)
{
	return ctx ? ctx->timeout_ms : VMDEV_DEFAULT_TIMEOUT_MS;
}

/**
 * vmdev_set_wait_for_udev - whether operations wait for udevd too
 * @ctx: the context
 * @wait: true (the default): where udevd runs, a create or bind returns
 *        once udevd has processed its events (rules applied, /dev/vfio/N
 *        permissions set); false: once the kernel is done
 *
 * A program that udevd itself runs for a device (a RUN key of a rule)
 * must say false: udevd holds the events of the device's children (the
 * mdevs it creates) until that program ends, so waiting for them would
 * wait until the timeout.
 */
VMDEV_EXPORT void vmdev_set_wait_for_udev(struct vmdev_ctx *ctx, bool wait)
{
	if (ctx)
		ctx->no_udev_wait = !wait;
}

/** vmdev_get_wait_for_udev - see vmdev_set_wait_for_udev() */
VMDEV_EXPORT bool vmdev_get_wait_for_udev(struct vmdev_ctx *ctx)
{
	return ctx && !ctx->no_udev_wait;
}

/**
 * vmdev_refresh - forget the cached topology
 * @ctx: the context
 *
 * Every device, group, parent, type, mdev and member pointer obtained
 * before becomes invalid; the next call rescans sysfs.
 */
VMDEV_EXPORT void vmdev_refresh(struct vmdev_ctx *ctx)
{
	if (ctx)
		drop_cache(ctx);
}
