/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Streaming JSON output: objects are printed as they are produced, with the
 * exact bytes json-c prints for JSON_C_TO_STRING_PRETTY |
 * JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE (two-space
 * indent, "key": value, an empty array as "[\n<indent>]"), so output does
 * not change with the way it is made, and memory does not grow with it.
 */
#ifndef VMDEVCTL_JSONOUT_H
#define VMDEVCTL_JSONOUT_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#define JOUT_MAX_DEPTH 16

struct jout {
	FILE *f;
	int depth;                    /* open containers */
	bool had[JOUT_MAX_DEPTH + 1]; /* whether each has a child yet */
	size_t len;                   /* bytes in buf, written to f when full */
	char buf[1 << 15];
};

/* Give F a large buffer when it is not a terminal (call before any output). */
void jout_buffer(FILE *f);
/* Write out what is buffered (jout_end() does it too). */
void jout_flush(struct jout *j);
/* Start the top-level array on F; jout_end() closes it and adds "\n". */
void jout_begin(struct jout *j, FILE *f);
int jout_end(struct jout *j);

/* KEY is the member name inside an object, NULL inside an array. */
void jout_open_object(struct jout *j, const char *key);
void jout_close_object(struct jout *j);
void jout_open_array(struct jout *j, const char *key);
void jout_close_array(struct jout *j);
void jout_string(struct jout *j, const char *key, const char *value); /* NULL: null */
void jout_int(struct jout *j, const char *key, long long value);
void jout_null(struct jout *j, const char *key);
void jout_bool(struct jout *j, const char *key, bool value);
/* any json-c value, as json-c would print it at this place */
void jout_value(struct jout *j, const char *key, json_object *value);

#endif
