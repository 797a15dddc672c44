/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The model of mdevctl's definitions: /etc/mdevctl.d/PARENT/UUID under
 * the context's root, read through the sysfs door on first use and kept
 * until vmdev_refresh(). Good files become definitions, bad ones errors
 * (one never hides the other). Changes to the files are definition-write.c's.
 */
#ifndef LIBVMDEV_DEFINITION_H
#define LIBVMDEV_DEFINITION_H

#include <stdbool.h>

#include "context.h"
#include "definition-json.h"

struct vmdev_definition {
	struct vmdev_ctx *ctx;
	struct vmdev_definition *next; /* in ctx->definitions or _detached */
	char uuid[VMDEV_UUID_LEN];
	char *parent;
	char *file; /* the file's name in ETC_MDEVCTL/PARENT */
	char *path; /* its host path */
	struct def_content content;
	bool saved; /* in ctx->definitions: a file holds it */
};

struct vmdev_definition_error {
	struct vmdev_definition_error *next;
	char *path;
	char *parent;              /* NULL for ETC_MDEVCTL itself */
	char uuid[VMDEV_UUID_LEN]; /* "" for a directory */
	enum vmdev_definition_problem problem;
	int err; /* a positive errno */
	size_t offset, index;
};

int definition_scan(struct vmdev_ctx *ctx) _must_check_;
void definition_free_all(struct vmdev_ctx *ctx);
/* move DEF between the saved list (in order) and the detached one */
void definition_attach(struct vmdev_definition *def);
void definition_detach(struct vmdev_definition *def);
/* which parent and type the mdev UUID runs on now, read live: 0 and two
 * new strings, -ENOENT when it does not run */
int mdev_running(struct vmdev_ctx *ctx, const char *uuid, char **parent,
		 char **type);

#endif
