// SPDX-License-Identifier: GPL-2.0-or-later
/* UTF-8: sysfs attributes and /proc comm need not be valid UTF-8; JSON
 * must be, and text should not hand a terminal broken sequences. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmdevctl.h"

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

/* S on stdout, each byte that is not well-formed UTF-8 as U+FFFD. */
void print_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_length(p);

		if (n == 0) {
			fputs("\xef\xbf\xbd", stdout);
			p++;
		} else {
			fwrite(p, 1, n, stdout);
			p += n;
		}
	}
}

const char *or_dash(const char *text)
{
	return text ? text : "-";
}
