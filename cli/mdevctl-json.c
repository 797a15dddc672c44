// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON as mdevctl prints it: serde_json's pretty printer (two spaces a
 * level, `"key": value`, `[]` for an empty array, keys in insertion order),
 * so that `--dumpjson` is the same bytes. Strings escape `"`, `\` and the
 * control characters (\b \f \n \r \t, else \u00xx in lower case), and
 * nothing else: UTF-8 and DEL stay as they are.
 */
#include <stdio.h>

#include "mdevctl.h"

void mc_json_string(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20) {
				fputs("\\u00", f);
				putc(hex[*p >> 4], f);
				putc(hex[*p & 0xf], f);
			} else {
				putc(*p, f);
			}
		}
	}
	putc('"', f);
}

void mc_json_indent(FILE *f, int level)
{
	for (int i = 0; i < level; i++)
		fputs("  ", f);
}

void mc_json_config(FILE *f, const struct mc_config *config, int level)
{
	size_t n = config->def ? vmdev_definition_get_attr_count(config->def) : 0;

	fputs("{\n", f);
	mc_json_indent(f, level + 1);
	fputs("\"mdev_type\": ", f);
	mc_json_string(f, config->type);
	fputs(",\n", f);
	mc_json_indent(f, level + 1);
	fputs(config->auto_start ? "\"start\": \"auto\",\n" : "\"start\": \"manual\",\n", f);
	mc_json_indent(f, level + 1);
	fputs("\"attrs\": [", f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", f);
		mc_json_indent(f, level + 2);
		fputs("{\n", f);
		mc_json_indent(f, level + 3);
		mc_json_string(f, vmdev_definition_get_attr_name(config->def, i));
		fputs(": ", f);
		mc_json_string(f, vmdev_definition_get_attr_value(config->def, i));
		putc('\n', f);
		mc_json_indent(f, level + 2);
		putc('}', f);
	}
	if (n) {
		putc('\n', f);
		mc_json_indent(f, level + 1);
	}
	fputs("]\n", f);
	mc_json_indent(f, level);
	putc('}', f);
}
