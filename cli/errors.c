// SPDX-License-Identifier: GPL-2.0-or-later
/* Errors on stderr and exit codes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmdevctl.h"

#define SHOWN_MAX 600 /* bytes of an argument shown in an error, escaped */

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

int no_arguments(struct cli *cli, const char *command)
{
	if (cli->n_args > 0)
		return fail_usage("%s takes no argument '%s' (see vmdevctl help %s)",
				  command, shown(cli->args[0]), command);
	return 0;
}

/*
 * What the library says about the callout script that made the last
 * operation fail: "callout script SCRIPT refused ACTION of WHAT (exit N)",
 * a new string (NULL when no script did). The mdevctl personality words
 * it as mdevctl does, the native commands as theirs.
 */
char *callout_refusal_text(struct vmdev_ctx *ctx, const char *action, const char *what)
{
	const char *script;
	char how[96], *text;
	int status;

	if (vmdev_get_callout_failure(ctx, &script, &status) < 0)
		return NULL;
	if (status > 0)
		snprintf(how, sizeof(how), "exit %d", status);
	else if (status == -ETIMEDOUT)
		snprintf(how, sizeof(how), "killed: still running after its timeout");
	else if (status == -EOPNOTSUPP)
		snprintf(how, sizeof(how), "its capabilities do not include %s", action);
	else if (status == 0)
		snprintf(how, sizeof(how), "its answer is not a JSON array of attributes");
	else
		snprintf(how, sizeof(how), "cannot run it: %s", strerror(-status));
	if (asprintf(&text, "callout script %s refused %s of %s (%s)", shown(script), action,
		     what, how) < 0)
		return NULL;
	return text;
}

/* "vmdevctl: callout script X refused ACTION of WHAT (exit N); --force
 * goes on regardless" for an operation that returned -ECANCELED; exit 1 */
int fail_callout(struct cli *cli, const char *action, const char *what)
{
	char *text = callout_refusal_text(cli->ctx, action, what);
	int code;

	if (text)
		code = fail_code(EXIT_FAILED, "%s; --force goes on regardless", text);
	else
		code = fail(-ECANCELED, "cannot %s %s", action, what);
	free(text);
	return code;
}
