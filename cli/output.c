// SPDX-License-Identifier: GPL-2.0-or-later
/* Errors, exit codes and JSON output. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmdevctl.h"

int exit_code_for(int err)
{
	switch (-err) {
	case 0:
		return EXIT_OK;
	case EINVAL:
	case ENAMETOOLONG:
		return EXIT_USAGE;
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
	json_object_object_add(obj, key, value ? json_object_new_string(value) : NULL);
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
