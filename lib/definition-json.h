/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdevctl's definition file format, read and written; pure (no context,
 * no I/O), so that the fuzzer and the unit tests reach it directly.
 */
#ifndef LIBVMDEV_DEFINITION_JSON_H
#define LIBVMDEV_DEFINITION_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "libvmdev.h"
#include "util.h"

struct def_attr {
	char *name;
	char *value;
};

/* what a definition file holds */
struct def_content {
	char *type;
	enum vmdev_start_policy start;
	struct def_attr *attrs;
	size_t n_attrs;
};

/* where a file is malformed */
struct def_json_error {
	enum vmdev_definition_problem problem;
	size_t offset; /* bytes: NOT_UTF8, SYNTAX, DUPLICATE_KEY */
	size_t index;  /* the attrs entry: BAD_ATTR, BAD_ATTR_NAME, BAD_ATTR_VALUE */
};

/*
 * TEXT (LEN bytes, need not be terminated) into *OUT. Returns 0; -EBADMSG
 * with *ERROR filled for a malformed text (*OUT then empty); -ENOMEM.
 */
int def_json_parse(const char *text, size_t len, struct def_content *out,
		   struct def_json_error *error) _must_check_;
/* CONTENT as mdevctl 1.2.0 writes it (PRETTY) or on one line; a new string */
int def_json_format(const struct def_content *content, bool pretty, char **out,
		    size_t *len) _must_check_;
void def_content_clear(struct def_content *content);
/* -EINVAL unless NAME is an attribute name and VALUE one line */
int def_attr_check(const char *name, const char *value);

/* what a callout script answers to "get capabilities" (mdevctl 1.3+):
 * {"supports": {"version": N, "actions": [...], "events": [...]}} */
struct callout_supports {
	unsigned int version;
	unsigned int actions; /* bit i: ACTIONS[i] is named */
	unsigned int events;  /* bit i: EVENTS[i] is named */
};
/* TEXT (LEN bytes) into *OUT, names matched against the NULL-terminated
 * ACTIONS and EVENTS (others are ignored, as mdevctl's "unknown"); 0, or
 * -EBADMSG when it is not such an answer (no "supports", or null), -ENOMEM */
int callout_supports_parse(const char *text, size_t len, const char *const *actions,
			   const char *const *events, struct callout_supports *out) _must_check_;

#endif
