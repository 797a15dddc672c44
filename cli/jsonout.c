// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON writer: see jsonout.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonout.h"
#include "vmdevctl.h"

static char stdout_buffer[1 << 16];

void jout_buffer(FILE *f)
{
	if (f == stdout && !isatty(STDOUT_FILENO))
		setvbuf(f, stdout_buffer, _IOFBF, sizeof(stdout_buffer));
}

static void flush_if(struct jout *j, size_t need)
{
	if (j->len + need > sizeof(j->buf))
		jout_flush(j);
}

void jout_flush(struct jout *j)
{
	if (j->len)
		fwrite(j->buf, 1, j->len, j->f);
	j->len = 0;
}

static void put_slow(struct jout *j, const char *s, size_t n)
{
	if (n > sizeof(j->buf) / 2) {
		jout_flush(j);
		fwrite(s, 1, n, j->f);
		return;
	}
	flush_if(j, n);
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

/* the common case inline: literals become a few stores */
static inline __attribute__((always_inline)) void put(struct jout *j, const char *s,
						      size_t n)
{
	if (j->len + n > sizeof(j->buf)) {
		put_slow(j, s, n);
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

#define PUT_LITERAL(j, s) put(j, s, sizeof(s) - 1)

static void indent(struct jout *j, int level)
{
	size_t n = 2 * (size_t)level;

	if (n <= 16) { /* the usual depths: two 8-byte stores, no call */
		flush_if(j, 16);
		memcpy(j->buf + j->len, "                ", 16);
		j->len += n;
		return;
	}
	flush_if(j, n);
	memset(j->buf + j->len, ' ', n);
	j->len += n;
}

/* the bytes json-c escapes (and the end of the string) */
static const unsigned char special[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* whether any of the 8 bytes of W is a control character, '"' or '\\' */
static inline bool word_special(uint64_t w)
{
	uint64_t quote = w ^ (ONES * '"'), backslash = w ^ (ONES * '\\');

	return (((w - ONES * 0x20) & ~w) | ((quote - ONES) & ~quote) |
		((backslash - ONES) & ~backslash)) & HIGHS;
}

/* json-c's escaping: \" \\ \b \f \n \r \t, other controls as \u00xx, '/' as is */
static void put_escaped(struct jout *j, const char *s, size_t len);

/* the bytes that are not plain: what json-c escapes, and non-ASCII */
static const unsigned char not_plain[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

/* whether any of the 8 bytes of W is not plain */
static inline bool word_not_plain(uint64_t w)
{
	return word_special(w) || (w & HIGHS);
}

/* Whether the LEN bytes at S need neither escaping nor a UTF-8 check:
 * ASCII without controls, quotes or backslashes, 8 bytes at a time (the
 * last word overlapping the one before), a table look-up a byte below 8. */
static bool plain_ascii(const char *s, size_t len)
{
	uint64_t w;
	size_t i;

	if (len < 8) {
		for (i = 0; i < len; i++)
			if (not_plain[(unsigned char)s[i]])
				return false;
		return true;
	}
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		if (word_not_plain(w))
			return false;
	}
	if (i < len) {
		memcpy(&w, s + len - 8, 8);
		if (word_not_plain(w))
			return false;
	}
	return true;
}

/* the unusual case, out of line: escapes, or bytes that are not UTF-8
 * (which become U+FFFD first) */
static __attribute__((noinline)) void put_string_slow(struct jout *j, const char *s,
						     size_t len)
{
	char *clean = utf8_sanitized(s);

	put_escaped(j, clean ? clean : s, clean ? strlen(clean) : len);
	free(clean);
}

/* S as a JSON string */
static inline void put_string(struct jout *j, const char *s)
{
	size_t len = strlen(s);

	if (!plain_ascii(s, len)) {
		put_string_slow(j, s, len);
		return;
	}
	/* the usual case, one pass: the quotes and the bytes */
	if (j->len + len + 2 > sizeof(j->buf)) {
		PUT_LITERAL(j, "\"");
		put(j, s, len);
		PUT_LITERAL(j, "\"");
		return;
	}
	j->buf[j->len] = '"';
	memcpy(j->buf + j->len + 1, s, len);
	j->buf[j->len + 1 + len] = '"';
	j->len += len + 2;
}

static void put_escaped(struct jout *j, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;
	const char *run = s;

	/* the usual case: nothing to escape, found 8 bytes at a time */
	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (word_special(w))
			break;
	}
	while (i < len && !special[(unsigned char)s[i]])
		i++;
	if (i == len) {
		PUT_LITERAL(j, "\"");
		put(j, s, len);
		PUT_LITERAL(j, "\"");
		return;
	}
	PUT_LITERAL(j, "\"");
	for (;;) {
		unsigned char c;
		char esc[6] = "\\u00";

		while (!special[(unsigned char)*s])
			s++;
		c = (unsigned char)*s;
		if (!c)
			break;
		put(j, run, (size_t)(s - run));
		run = ++s;
		switch (c) {
		case '"': PUT_LITERAL(j, "\\\""); break;
		case '\\': PUT_LITERAL(j, "\\\\"); break;
		case '\b': PUT_LITERAL(j, "\\b"); break;
		case '\f': PUT_LITERAL(j, "\\f"); break;
		case '\n': PUT_LITERAL(j, "\\n"); break;
		case '\r': PUT_LITERAL(j, "\\r"); break;
		case '\t': PUT_LITERAL(j, "\\t"); break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			put(j, esc, sizeof(esc));
		}
	}
	put(j, run, (size_t)(s - run));
	PUT_LITERAL(j, "\"");
}

/* what comes before a value: the separator, the indent and the key */
static void member(struct jout *j, const char *key)
{
	if (j->had[j->depth])
		PUT_LITERAL(j, ",\n");
	j->had[j->depth] = true;
	indent(j, j->depth + 1);
	if (key) {
		put_string(j, key);
		PUT_LITERAL(j, ": ");
	}
}

static void open_container(struct jout *j, const char *key, const char *open)
{
	member(j, key);
	put(j, open, 2);
	if (j->depth < JOUT_MAX_DEPTH)
		j->had[++j->depth] = false;
}

static void close_container(struct jout *j, const char *close)
{
	if (j->had[j->depth])
		PUT_LITERAL(j, "\n");
	if (j->depth > 0)
		j->depth--;
	indent(j, j->depth + 1);
	put(j, close, 1);
}

void jout_begin(struct jout *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->had[0] = false;
	j->len = 0;
	PUT_LITERAL(j, "[\n");
}

int jout_end(struct jout *j)
{
	if (j->had[0])
		PUT_LITERAL(j, "\n");
	PUT_LITERAL(j, "]\n");
	jout_flush(j);
	return fflush(j->f);
}

void jout_open_object(struct jout *j, const char *key)
{
	open_container(j, key, "{\n");
}

void jout_close_object(struct jout *j)
{
	close_container(j, "}");
}

void jout_open_array(struct jout *j, const char *key)
{
	open_container(j, key, "[\n");
}

void jout_close_array(struct jout *j)
{
	close_container(j, "]");
}

void jout_string(struct jout *j, const char *key, const char *value)
{
	member(j, key);
	if (value)
		put_string(j, value);
	else
		PUT_LITERAL(j, "null");
}

void jout_int(struct jout *j, const char *key, long long value)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = value < 0 ? 0ULL - (unsigned long long)value
					 : (unsigned long long)value;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10));
	if (value < 0)
		*--p = '-';
	member(j, key);
	put(j, p, (size_t)(buf + sizeof(buf) - p));
}

void jout_null(struct jout *j, const char *key)
{
	member(j, key);
	PUT_LITERAL(j, "null");
}

void jout_bool(struct jout *j, const char *key, bool value)
{
	member(j, key);
	if (value)
		PUT_LITERAL(j, "true");
	else
		PUT_LITERAL(j, "false");
}

void jout_hex(struct jout *j, const char *key, unsigned int value, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", width, value);
	jout_string(j, key, buf);
}

void jout_int_or_null(struct jout *j, const char *key, long long value)
{
	if (value >= 0)
		jout_int(j, key, value);
	else
		jout_null(j, key);
}

void jout_line_begin(struct jout *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->had[0] = false;
	j->len = 0;
	PUT_LITERAL(j, "{");
}

void jout_line_string(struct jout *j, const char *key, const char *value)
{
	if (j->had[0])
		PUT_LITERAL(j, ",");
	j->had[0] = true;
	PUT_LITERAL(j, " ");
	put_string(j, key);
	PUT_LITERAL(j, ": ");
	if (value)
		put_string(j, value);
	else
		PUT_LITERAL(j, "null");
}

int jout_line_end(struct jout *j)
{
	PUT_LITERAL(j, " }\n");
	jout_flush(j);
	return fflush(j->f);
}
