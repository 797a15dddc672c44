// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON as mdevctl prints it: serde_json's pretty printer (two spaces a
 * level, `"key": value`, `[]` for an empty array, keys in insertion order),
 * so that `--dumpjson` is the same bytes. Strings escape `"`, `\` and the
 * control characters (\b \f \n \r \t, else \u00xx in lower case), and
 * nothing else: UTF-8 and DEL stay as they are.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdevctl.h"

/*
 * stdout through one buffer of our own: a listing of 10,000 devices is
 * some 300,000 small pieces, and stdio's per-call cost was a third of
 * the listing's time. mc_out_flush() hands it to stdout.
 */
static char out_buf[1 << 16];
static size_t out_len;

void mc_out_flush(void)
{
	if (out_len)
		fwrite(out_buf, 1, out_len, stdout);
	out_len = 0;
}

void mc_out(const char *s, size_t n)
{
	if (out_len + n > sizeof(out_buf)) {
		mc_out_flush();
		if (n > sizeof(out_buf)) {
			fwrite(s, 1, n, stdout);
			return;
		}
	}
	memcpy(out_buf + out_len, s, n);
	out_len += n;
}

void mc_out_discard(void)
{
	out_len = 0;
}

void mc_outf(const char *format, ...)
{
	char small[512], *big = NULL;
	va_list args;
	int n;

	va_start(args, format);
	n = vsnprintf(small, sizeof(small), format, args);
	va_end(args);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		mc_out(small, (size_t)n);
		return;
	}
	va_start(args, format);
	n = vasprintf(&big, format, args);
	va_end(args);
	if (n >= 0)
		mc_out(big, (size_t)n);
	free(big);
}

void mc_outs(const char *s)
{
	mc_out(s, strlen(s));
}

void mc_outc(char c)
{
	if (out_len == sizeof(out_buf))
		mc_out_flush();
	out_buf[out_len++] = c;
}

void mc_json_string(const char *s)
{
	static const char hex[] = "0123456789abcdef";

	mc_outc('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const unsigned char *run = p;

		/* the bytes that need no escape, at once */
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			mc_out((const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"':
			mc_outs("\\\"");
			break;
		case '\\':
			mc_outs("\\\\");
			break;
		case '\b':
			mc_outs("\\b");
			break;
		case '\f':
			mc_outs("\\f");
			break;
		case '\n':
			mc_outs("\\n");
			break;
		case '\r':
			mc_outs("\\r");
			break;
		case '\t':
			mc_outs("\\t");
			break;
		default:
			mc_outs("\\u00");
			mc_outc(hex[*p >> 4]);
			mc_outc(hex[*p & 0xf]);
		}
	}
	mc_outc('"');
}

void mc_json_indent(int level)
{
	static const char spaces[] = "                                ";

	mc_out(spaces, (size_t)(2 * level) < sizeof(spaces) - 1 ? (size_t)(2 * level)
							     : sizeof(spaces) - 1);
}

void mc_json_config(const struct mc_config *config, int level)
{
	size_t n = config->def ? vmdev_definition_get_attr_count(config->def) : 0;

	mc_outs("{\n");
	mc_json_indent(level + 1);
	mc_outs("\"mdev_type\": ");
	mc_json_string(config->type);
	mc_outs(",\n");
	mc_json_indent(level + 1);
	mc_outs(config->auto_start ? "\"start\": \"auto\",\n" : "\"start\": \"manual\",\n");
	mc_json_indent(level + 1);
	mc_outs("\"attrs\": [");
	for (size_t i = 0; i < n; i++) {
		mc_outs(i ? ",\n" : "\n");
		mc_json_indent(level + 2);
		mc_outs("{\n");
		mc_json_indent(level + 3);
		mc_json_string(vmdev_definition_get_attr_name(config->def, i));
		mc_outs(": ");
		mc_json_string(vmdev_definition_get_attr_value(config->def, i));
		mc_outc('\n');
		mc_json_indent(level + 2);
		mc_outc('}');
	}
	if (n) {
		mc_outc('\n');
		mc_json_indent(level + 1);
	}
	mc_outs("]\n");
	mc_json_indent(level);
	mc_outc('}');
}
