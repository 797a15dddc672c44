// SPDX-License-Identifier: LGPL-2.1-or-later
/* The context's lowest services: logging, "is this the host", udev. */
#include <libudev.h>
#include <stdarg.h>
#include <string.h>

#include "context.h"

void vmdev_log(struct vmdev_ctx *ctx, int priority, const char *file, int line,
	       const char *fn, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	ctx->log_fn(ctx, priority, file, line, fn, format, args);
	va_end(args);
}

bool ctx_is_host(struct vmdev_ctx *ctx)
{
	return strcmp(ctx->root, "/") == 0;
}

struct udev *ctx_udev(struct vmdev_ctx *ctx)
{
	if (!ctx->udev)
		ctx->udev = udev_new();
	return ctx->udev;
}

void ctx_udev_free(struct vmdev_ctx *ctx)
{
	if (ctx->udev)
		udev_unref(ctx->udev);
	ctx->udev = NULL;
}
