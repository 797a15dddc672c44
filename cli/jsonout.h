/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one JSON writer of vmdevctl: values are printed as they are produced,
 * so memory does not grow with the output. Its bytes are those json-c
 * prints (the JSON of the first releases came from json-c, and scripts and
 * the golden tests compare it byte for byte), with
 * JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE and
 *  - for a document (an array of records), JSON_C_TO_STRING_PRETTY: two-space
 *    indent, "key": value, an empty array as "[\n<indent>]";
 *  - for a line (monitor's events), an object of strings:
 *    { "key": "value", "key": null }.
 * Strings are made valid UTF-8 (U+FFFD for bytes that are not).
 */
#ifndef VMDEVCTL_JSONOUT_H
#define VMDEVCTL_JSONOUT_H

#include <stdbool.h>
#include <stdio.h>

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
/* One object of strings on one line of F, flushed by jout_line_end(). */
void jout_line_begin(struct jout *j, FILE *f);
void jout_line_string(struct jout *j, const char *key, const char *value); /* NULL: null */
int jout_line_end(struct jout *j);

/* KEY is the member name inside an object, NULL inside an array. */
void jout_open_object(struct jout *j, const char *key);
void jout_close_object(struct jout *j);
void jout_open_array(struct jout *j, const char *key);
void jout_close_array(struct jout *j);
void jout_string(struct jout *j, const char *key, const char *value); /* NULL: null */
void jout_int(struct jout *j, const char *key, long long value);
void jout_null(struct jout *j, const char *key);
void jout_bool(struct jout *j, const char *key, bool value);
/* VALUE in lower-case hex, WIDTH digits at least, as a string ("8086") */
void jout_hex(struct jout *j, const char *key, unsigned int value, int width);
/* an int that is unknown when negative (an IOMMU group): null then */
void jout_int_or_null(struct jout *j, const char *key, long long value);

#endif
