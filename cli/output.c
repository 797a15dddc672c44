// SPDX-License-Identifier: GPL-2.0-or-later
/* Errors, exit codes and JSON output. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmdevctl.h"

#define SHOWN_MAX 600 /* bytes of an argument shown in an error, escaped */

/* Length of the well-formed UTF-8 sequence at S (1 to 4), or 0. */
size_t utf8_length(const unsigned char *s)
{
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0; /* overlong, surrogate, beyond U+10FFFF */
	return n;
}

/*
 * ARG as an error message can show it on one line of valid UTF-8: control
 * bytes, DEL, backslashes and bytes that are not UTF-8 become \xNN, and a
 * very long argument is cut with "...". Four results can be in use at once.
 */
const char *shown(const char *arg)
{
	static char bufs[4][4 * SHOWN_MAX + 8];
	static unsigned int next;
	char *buf = bufs[next++ % 4], *o = buf;
	const unsigned char *s = (const unsigned char *)(arg ? arg : "");

	while (*s) {
		size_t n = utf8_length(s);

		if ((size_t)(o - buf) >= 4 * SHOWN_MAX - 4) {
			strcpy(o, "...");
			return buf;
		}
		if (n == 1 && *s >= 0x20 && *s != 0x7f && *s != '\\') {
			*o++ = (char)*s++;
		} else if (n > 1) {
			memcpy(o, s, n);
			o += n;
			s += n;
		} else {
			o += sprintf(o, "\\x%02x", *s++);
		}
	}
	*o = '\0';
	return buf;
}

/*
 * S with every byte that is not well-formed UTF-8 replaced by U+FFFD (JSON
 * must be UTF-8; sysfs descriptions and /proc comm need not be): a new
 * string the caller frees, or NULL when S is fine as it is.
 */
char *utf8_sanitized(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;
	size_t n;

	for (;;) {
		while (*p && *p < 0x80) /* the usual case: ASCII */
			p++;
		if (!*p)
			return NULL;
		n = utf8_length(p);
		if (n == 0)
			break;
		p += n;
	}
	out = malloc(3 * strlen(s) + 1); /* a byte becomes at most 3 */
	if (!out)
		return NULL;
	for (p = (const unsigned char *)s, o = out; *p;) {
		n = utf8_length(p);
		if (n == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		} else {
			memcpy(o, p, n);
			o += n;
			p += n;
		}
	}
	*o = '\0';
	return out;
}

/* A JSON string of S (NULL: JSON null), made valid UTF-8. */
json_object *json_string(const char *s)
{
	char *clean;
	json_object *o;

	if (!s)
		return NULL;
	clean = utf8_sanitized(s);
	o = json_object_new_string(clean ? clean : s);
	free(clean);
	return o;
}

/*
 * The exit code for an error of the library or the kernel. The user's
 * input is checked, and reported with exit 2, before the library is asked
 * anything: an EINVAL coming back from below is a failure (exit 1).
 */
int exit_code_for(int err)
{
	switch (-err) {
	case 0:
		return EXIT_OK;
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return EXIT_NOT_FOUND;
	case EACCES:
	case EPERM:
	case EROFS:
		return EXIT_PERMISSION;
	case EBUSY:
	case EEXIST:
	case ENOSPC:
	case EAGAIN:
		return EXIT_BUSY;
	default:
		return EXIT_FAILED;
	}
}

/* "vmdevctl: WHAT[: strerror(ERR)]" as one line on stderr. */
static void vfail(int err, const char *format, va_list args)
{
	fputs("vmdevctl: ", stderr);
	vfprintf(stderr, format, args);
	if (err)
		fprintf(stderr, ": %s", strerror(-err));
	fputc('\n', stderr);
}

/* "vmdevctl: WHAT: WHY" on stderr; returns the exit code for ERR. */
int fail(int err, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vfail(err, format, args);
	va_end(args);
	return exit_code_for(err);
}

/* "vmdevctl: WHAT" on stderr; returns CODE. */
int fail_code(int code, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vfail(0, format, args);
	va_end(args);
	return code;
}

/* "vmdevctl: WHAT" on stderr for invalid usage or input; returns 2. */
int fail_usage(const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vfail(0, format, args);
	va_end(args);
	return EXIT_USAGE;
}

void json_add_string(json_object *obj, const char *key, const char *value)
{
	json_object_object_add(obj, key, json_string(value));
}

void json_add_int(json_object *obj, const char *key, long long value)
{
	json_object_object_add(obj, key, json_object_new_int64(value));
}

void json_add_bool(json_object *obj, const char *key, bool value)
{
	json_object_object_add(obj, key, json_object_new_boolean(value));
}

void json_add_hex(json_object *obj, const char *key, unsigned int value, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", width, value);
	json_object_object_add(obj, key, json_object_new_string(buf));
}

/* Print and free ARRAY; with --quiet print nothing. */
int json_print(struct cli *cli, json_object *array)
{
	if (!cli->quiet)
		puts(json_object_to_json_string_ext(array,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(array);
	return EXIT_OK;
}

const char *or_dash(const char *text)
{
	return text ? text : "-";
}
