// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mdevctl's definition file format (definition-json.h): one JSON object,
 * "mdev_type" and "start" required, "attrs" an array of one-key objects,
 * missing or null; written exactly as mdevctl 1.2.0 (serde_json's pretty
 * printer) writes it, so a file round-trips byte for byte.
 *
 * A reader of our own rather than json-c's: json-c's tokener accepts
 * more than JSON unless told otherwise (comments, single quotes, trailing
 * commas in older versions; UTF-8 checking only with a flag of 0.15+),
 * merges duplicate keys silently, and keeps no byte offsets for a precise
 * error; and its printer cannot write serde_json's format (it escapes '/',
 * prints an empty array as "[ ]", puts no space after ':' unless spaced,
 * where spaced also changes the rest). What we read is one small fixed
 * shape, so a strict reader of RFC 8259 that knows that shape is a few
 * hundred lines, allocates only the result, bounds its recursion, and is
 * fuzzed directly (tests/fuzz, target definition-json).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "definition-json.h"

#define MAX_DEPTH 64

struct reader {
	const unsigned char *start, *p, *end;
	int depth;
	bool syntax_error;
	size_t syntax_offset;
	/* the first problem with the shape, in document order */
	struct def_json_error shape;
};

static void syntax(struct reader *r)
{
	if (!r->syntax_error) {
		r->syntax_error = true;
		r->syntax_offset = (size_t)(r->p - r->start);
	}
}

static void shape(struct reader *r, enum vmdev_definition_problem problem,
		  size_t offset, size_t index)
{
	if (r->shape.problem == 0) {
		r->shape.problem = problem;
		r->shape.offset = offset;
		r->shape.index = index;
	}
}

/* Well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF):
 * the length of the valid prefix, LEN when all is. */
static size_t utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return i;
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end &&
	       (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool eat(struct reader *r, char c)
{
	skip_ws(r);
	if (r->p < r->end && *r->p == (unsigned char)c) {
		r->p++;
		return true;
	}
	return false;
}

static int peek(struct reader *r)
{
	skip_ws(r);
	return r->p < r->end ? *r->p : -1;
}

static int hex4(struct reader *r, uint32_t *value)
{
	*value = 0;
	if (r->end - r->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned char c = *r->p++;

		*value <<= 4;
		if (c >= '0' && c <= '9')
			*value |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*value |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*value |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * A string at r->p (its opening quote), decoded into a new buffer when OUT
 * is not NULL; *HAS_NUL tells a "\u0000" in it (no C string can hold it).
 * Returns 0, -1 on a syntax error, -ENOMEM.
 */
static int read_string(struct reader *r, char **out, bool *has_nul)
{
	const unsigned char *from;
	char *buf = NULL;
	size_t len = 0;

	if (out)
		*out = NULL;
	if (has_nul)
		*has_nul = false;
	if (peek(r) != '"') {
		syntax(r);
		return -1;
	}
	from = ++r->p;
	/* the decoded string is never longer than the raw one */
	while (r->p < r->end && *r->p != '"') {
		if (*r->p == '\\' && r->p + 1 < r->end)
			r->p++;
		r->p++;
	}
	if (out) {
		buf = malloc((size_t)(r->p - from) + 1);
		if (!buf)
			return -ENOMEM;
	}
	r->p = from;
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = *r->p;
		char enc[4];
		size_t n = 0;

		if (c < 0x20)
			goto err_syntax;
		if (c != '\\') {
			r->p++;
			if (buf)
				buf[len] = (char)c;
			len++;
			continue;
		}
		if (++r->p >= r->end)
			goto err_syntax;
		c = *r->p++;
		switch (c) {
		case '"': case '\\': case '/':
			enc[n++] = (char)c;
			break;
		case 'b': enc[n++] = '\b'; break;
		case 'f': enc[n++] = '\f'; break;
		case 'n': enc[n++] = '\n'; break;
		case 'r': enc[n++] = '\r'; break;
		case 't': enc[n++] = '\t'; break;
		case 'u': {
			uint32_t cp, low;

			if (hex4(r, &cp) < 0)
				goto err_syntax;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				goto err_syntax; /* a lone low surrogate */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
					goto err_syntax;
				r->p += 2;
				if (hex4(r, &low) < 0 || low < 0xdc00 || low > 0xdfff)
					goto err_syntax;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
			}
			if (cp == 0 && has_nul)
				*has_nul = true;
			n = put_utf8(enc, cp);
			break;
		}
		default:
			r->p--;
			goto err_syntax;
		}
		if (buf)
			memcpy(buf + len, enc, n);
		len += n;
	}
	if (r->p >= r->end)
		goto err_syntax;
	r->p++; /* the closing quote */
	if (buf) {
		buf[len] = '\0';
		*out = buf;
	}
	return 0;

err_syntax:
	free(buf);
	syntax(r);
	return -1;
}

static bool is_digit(const struct reader *r)
{
	return r->p < r->end && *r->p >= '0' && *r->p <= '9';
}

static int skip_number(struct reader *r)
{
	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (!is_digit(r))
		return -1;
	if (*r->p == '0')
		r->p++;
	else
		while (is_digit(r))
			r->p++;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (!is_digit(r))
			return -1;
		while (is_digit(r))
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!is_digit(r))
			return -1;
		while (is_digit(r))
			r->p++;
	}
	return 0;
}

static int skip_literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return -1;
	r->p += n;
	return 0;
}

/* Any value, checked and skipped; -1 on a syntax error. */
static int skip_value(struct reader *r)
{
	int c = peek(r), ret = 0;

	if (c == '"')
		return read_string(r, NULL, NULL) < 0 ? -1 : 0;
	if (c == 't')
		ret = skip_literal(r, "true");
	else if (c == 'f')
		ret = skip_literal(r, "false");
	else if (c == 'n')
		ret = skip_literal(r, "null");
	else if (c == '-' || (c >= '0' && c <= '9'))
		ret = skip_number(r);
	else if (c == '[' || c == '{') {
		bool object = c == '{';

		if (++r->depth > MAX_DEPTH) {
			syntax(r);
			return -1;
		}
		r->p++;
		if (!eat(r, object ? '}' : ']')) {
			do {
				if (object && (read_string(r, NULL, NULL) < 0 || !eat(r, ':'))) {
					syntax(r);
					return -1;
				}
				if (skip_value(r) < 0)
					return -1;
			} while (eat(r, ','));
			if (!eat(r, object ? '}' : ']'))
				ret = -1;
		}
		r->depth--;
	} else {
		ret = -1;
	}
	if (ret < 0)
		syntax(r);
	return ret;
}

int def_attr_check(const char *name, const char *value)
{
	if (!name || !value || vmdev_check_name(name) < 0 || strchr(value, '\n'))
		return -EINVAL;
	return 0;
}

static int append_attr(struct def_content *c, char *name, char *value)
{
	struct def_attr *grown = realloc(c->attrs, (c->n_attrs + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	c->attrs = grown;
	c->attrs[c->n_attrs].name = name;
	c->attrs[c->n_attrs].value = value;
	c->n_attrs++;
	return 0;
}

/* One entry of "attrs": an object with exactly one string member. */
static int read_attr(struct reader *r, struct def_content *c, size_t index)
{
	char *name = NULL, *value = NULL;
	bool name_nul, value_nul;
	size_t members = 0;
	int ret;

	if (peek(r) != '{') {
		shape(r, VMDEV_DEFINITION_BAD_ATTR, (size_t)(r->p - r->start), index);
		return skip_value(r);
	}
	r->p++;
	if (eat(r, '}')) {
		shape(r, VMDEV_DEFINITION_BAD_ATTR, (size_t)(r->p - r->start), index);
		return 0;
	}
	do {
		bool first = members++ == 0;

		ret = read_string(r, first ? &name : NULL, first ? &name_nul : NULL);
		if (ret < 0)
			goto out;
		if (!eat(r, ':')) {
			syntax(r);
			ret = -1;
			goto out;
		}
		if (first && peek(r) == '"') {
			ret = read_string(r, &value, &value_nul);
		} else {
			if (first)
				shape(r, VMDEV_DEFINITION_BAD_ATTR,
				      (size_t)(r->p - r->start), index);
			ret = skip_value(r);
		}
		if (ret < 0)
			goto out;
	} while (eat(r, ','));
	if (!eat(r, '}')) {
		syntax(r);
		ret = -1;
		goto out;
	}
	if (members > 1) {
		shape(r, VMDEV_DEFINITION_BAD_ATTR, (size_t)(r->p - r->start), index);
		goto out;
	}
	if (!value)
		goto out; /* reported above */
	if (name_nul || vmdev_check_name(name) < 0) {
		shape(r, VMDEV_DEFINITION_BAD_ATTR_NAME, (size_t)(r->p - r->start), index);
		goto out;
	}
	if (value_nul || strchr(value, '\n')) {
		shape(r, VMDEV_DEFINITION_BAD_ATTR_VALUE, (size_t)(r->p - r->start), index);
		goto out;
	}
	ret = append_attr(c, name, value);
	if (ret == 0)
		return 0;
out:
	free(name);
	free(value);
	return ret;
}

static int read_attrs(struct reader *r, struct def_content *c)
{
	size_t index = 0;
	int ret;

	if (peek(r) == 'n')
		return skip_value(r); /* null: none */
	if (peek(r) != '[') {
		shape(r, VMDEV_DEFINITION_BAD_ATTRS, (size_t)(r->p - r->start), 0);
		return skip_value(r);
	}
	r->p++;
	if (eat(r, ']'))
		return 0;
	do {
		ret = read_attr(r, c, index++);
		if (ret < 0)
			return ret;
	} while (eat(r, ','));
	if (!eat(r, ']')) {
		syntax(r);
		return -1;
	}
	return 0;
}

static int read_member(struct reader *r, struct def_content *c, unsigned int *seen)
{
	enum { TYPE = 1, START = 2, ATTRS = 4 };
	size_t at;
	char *key, *text = NULL;
	bool nul;
	unsigned int which;
	int ret;

	skip_ws(r);
	at = (size_t)(r->p - r->start);
	ret = read_string(r, &key, &nul);
	if (ret < 0)
		return ret;
	which = nul ? 0 : !strcmp(key, "mdev_type") ? TYPE :
		!strcmp(key, "start") ? START : !strcmp(key, "attrs") ? ATTRS : 0;
	free(key);
	if (!eat(r, ':')) {
		syntax(r);
		return -1;
	}
	if (which & *seen) {
		shape(r, VMDEV_DEFINITION_DUPLICATE_KEY, at, 0);
		return skip_value(r);
	}
	*seen |= which;
	if (which == 0)
		return skip_value(r); /* mdevctl ignores other keys too */
	if (which == ATTRS)
		return read_attrs(r, c);
	skip_ws(r);
	at = (size_t)(r->p - r->start);
	if (peek(r) != '"') {
		shape(r, which == TYPE ? VMDEV_DEFINITION_BAD_TYPE :
			 VMDEV_DEFINITION_BAD_START, at, 0);
		return skip_value(r);
	}
	ret = read_string(r, &text, &nul);
	if (ret < 0)
		return ret;
	if (which == TYPE) {
		if (nul || vmdev_check_name(text) < 0) {
			shape(r, VMDEV_DEFINITION_BAD_TYPE, at, 0);
			free(text);
		} else {
			c->type = text;
		}
		return 0;
	}
	if (!nul && !strcmp(text, "auto"))
		c->start = VMDEV_START_AUTO;
	else if (!nul && !strcmp(text, "manual"))
		c->start = VMDEV_START_MANUAL;
	else
		shape(r, VMDEV_DEFINITION_BAD_START, at, 0);
	free(text);
	return 0;
}

void def_content_clear(struct def_content *content)
{
	for (size_t i = 0; i < content->n_attrs; i++) {
		free(content->attrs[i].name);
		free(content->attrs[i].value);
	}
	free(content->attrs);
	free(content->type);
	memset(content, 0, sizeof(*content));
}

int def_json_parse(const char *text, size_t len, struct def_content *out,
		   struct def_json_error *error)
{
	struct reader r = {
		.start = (const unsigned char *)text,
		.p = (const unsigned char *)text,
		.end = (const unsigned char *)text + len,
	};
	unsigned int seen = 0;
	size_t valid;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	memset(error, 0, sizeof(*error));
	valid = utf8_valid(r.start, len);
	if (valid < len) {
		error->problem = VMDEV_DEFINITION_NOT_UTF8;
		error->offset = valid;
		return -EBADMSG;
	}
	if (peek(&r) != '{') {
		/* JSON, but not an object; or not JSON at all */
		if (skip_value(&r) == 0 && peek(&r) == -1) {
			error->problem = VMDEV_DEFINITION_NOT_OBJECT;
			return -EBADMSG;
		}
		syntax(&r);
		goto done;
	}
	r.p++;
	if (!eat(&r, '}')) {
		do {
			ret = read_member(&r, out, &seen);
			if (ret < 0)
				break;
		} while (eat(&r, ','));
		if (ret == 0 && !eat(&r, '}'))
			syntax(&r);
	}
	if (ret == 0 && peek(&r) != -1)
		syntax(&r); /* something after the object */
done:
	if (ret == -ENOMEM) {
		def_content_clear(out);
		return ret;
	}
	if (r.syntax_error) {
		error->problem = VMDEV_DEFINITION_SYNTAX;
		error->offset = r.syntax_offset;
	} else if (r.shape.problem) {
		*error = r.shape;
	} else if (!(seen & 1)) {
		error->problem = VMDEV_DEFINITION_NO_TYPE;
	} else if (!(seen & 2)) {
		error->problem = VMDEV_DEFINITION_NO_START;
	} else {
		return 0;
	}
	def_content_clear(out);
	return -EBADMSG;
}

/* ---- the writer ---------------------------------------------------------- */

struct buf {
	char *data;
	size_t len, size;
	bool failed;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->size) {
		size_t size = b->size ? b->size : 256;
		char *grown;

		while (b->len + n + 1 > size)
			size *= 2;
		grown = realloc(b->data, size);
		if (!grown) {
			b->failed = true;
			return;
		}
		b->data = grown;
		b->size = size;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/*
 * A JSON string as serde_json writes it: '"' and '\\' escaped, the control
 * characters as \b \t \n \f \r or \u00xx (lower-case hex), everything
 * else (DEL, '/', UTF-8) as it is.
 */
static void put_string(struct buf *b, const char *s)
{
	put(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		switch (c) {
		case '"': puts_(b, "\\\""); break;
		case '\\': puts_(b, "\\\\"); break;
		case '\b': puts_(b, "\\b"); break;
		case '\t': puts_(b, "\\t"); break;
		case '\n': puts_(b, "\\n"); break;
		case '\f': puts_(b, "\\f"); break;
		case '\r': puts_(b, "\\r"); break;
		default:
			if (c < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				puts_(b, esc);
			} else {
				put(b, s, 1);
			}
		}
	}
	put(b, "\"", 1);
}

/*
 * PRETTY: serde_json's PrettyFormatter, as mdevctl 1.2.0 writes its files:
 * two-space indentation, ": " between key and value, "[]" for an empty
 * array, no newline at the end. Else compact, as mdevctl's --dumpjson of
 * one device and libvirt's input: no whitespace at all.
 */
int def_json_format(const struct def_content *content, bool pretty, char **out,
		    size_t *len)
{
	struct buf b = { 0 };
	const char *nl = pretty ? "\n" : "", *colon = pretty ? ": " : ":";

	*out = NULL;
	if (len)
		*len = 0;
	if (!content->type)
		return -EINVAL;
	puts_(&b, "{");
	puts_(&b, nl);
	puts_(&b, pretty ? "  " : "");
	put_string(&b, "mdev_type");
	puts_(&b, colon);
	put_string(&b, content->type);
	puts_(&b, ",");
	puts_(&b, nl);
	puts_(&b, pretty ? "  " : "");
	put_string(&b, "start");
	puts_(&b, colon);
	put_string(&b, content->start == VMDEV_START_AUTO ? "auto" : "manual");
	puts_(&b, ",");
	puts_(&b, nl);
	puts_(&b, pretty ? "  " : "");
	put_string(&b, "attrs");
	puts_(&b, colon);
	puts_(&b, "[");
	for (size_t i = 0; i < content->n_attrs; i++) {
		puts_(&b, i ? "," : "");
		puts_(&b, nl);
		puts_(&b, pretty ? "    {\n      " : "{");
		put_string(&b, content->attrs[i].name);
		puts_(&b, colon);
		put_string(&b, content->attrs[i].value);
		puts_(&b, pretty ? "\n    }" : "}");
	}
	if (content->n_attrs)
		puts_(&b, pretty ? "\n  " : "");
	puts_(&b, "]");
	puts_(&b, nl);
	puts_(&b, "}");
	if (b.failed) {
		free(b.data);
		return -ENOMEM;
	}
	*out = b.data;
	if (len)
		*len = b.len;
	return 0;
}

/* ---- a callout script's capabilities (mdevctl 1.3+) ---------------------- */

/* An array of strings: each one of NAMES sets its bit in *MASK, others
 * are ignored (mdevctl reads them as "unknown"). */
static int read_names(struct reader *r, const char *const *names, unsigned int *mask)
{
	if (peek(r) != '[')
		return -1;
	r->p++;
	if (eat(r, ']'))
		return 0;
	do {
		char *s;
		bool nul;
		int ret;

		if (peek(r) != '"')
			return -1;
		ret = read_string(r, &s, &nul);
		if (ret < 0)
			return ret;
		for (unsigned int i = 0; names[i]; i++)
			if (!nul && strcmp(s, names[i]) == 0)
				*mask |= 1u << i;
		free(s);
	} while (eat(r, ','));
	return eat(r, ']') ? 0 : -1;
}

/* The "supports" object: "version" (a number), "actions", "events". */
static int read_supports(struct reader *r, const char *const *actions,
			 const char *const *events, struct callout_supports *out)
{
	unsigned int seen = 0;

	if (peek(r) != '{')
		return -1;
	r->p++;
	if (eat(r, '}'))
		return -1;
	do {
		unsigned int which;
		char *key;
		bool nul;
		int ret;

		skip_ws(r);
		ret = read_string(r, &key, &nul);
		if (ret < 0)
			return ret;
		which = nul ? 0 : !strcmp(key, "version") ? 1 : !strcmp(key, "actions") ? 2 :
			!strcmp(key, "events") ? 4 : 0;
		free(key);
		if (!eat(r, ':') || (which & seen))
			return -1; /* serde refuses a field twice */
		seen |= which;
		if (which == 1) {
			const unsigned char *from;

			skip_ws(r);
			from = r->p;
			if (!is_digit(r) || skip_number(r) < 0)
				return -1;
			for (out->version = 0; from < r->p; from++) {
				unsigned int digit = (unsigned int)(*from - '0');

				/* a u32: no sign, fraction or exponent */
				if (*from < '0' || *from > '9' ||
				    out->version > (UINT32_MAX - digit) / 10)
					return -1;
				out->version = out->version * 10 + digit;
			}
		} else if (which == 2 || which == 4) {
			ret = read_names(r, which == 2 ? actions : events,
					 which == 2 ? &out->actions : &out->events);
		} else {
			ret = skip_value(r);
		}
		if (ret < 0)
			return ret;
	} while (eat(r, ','));
	return eat(r, '}') && seen == 7 ? 0 : -1;
}

int callout_supports_parse(const char *text, size_t len, const char *const *actions,
			   const char *const *events, struct callout_supports *out)
{
	struct reader r = {
		.start = (const unsigned char *)text,
		.p = (const unsigned char *)text,
		.end = (const unsigned char *)text + len,
	};
	bool found = false;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (utf8_valid(r.start, len) < len || !eat(&r, '{'))
		return -EBADMSG;
	if (!eat(&r, '}')) {
		do {
			char *key;
			bool nul, supports;

			skip_ws(&r);
			ret = read_string(&r, &key, &nul);
			if (ret < 0)
				break;
			supports = !nul && strcmp(key, "supports") == 0;
			free(key);
			if (!eat(&r, ':') || (supports && found)) {
				ret = -1;
				break;
			}
			if (supports && peek(&r) != 'n') {
				found = true;
				ret = read_supports(&r, actions, events, out);
			} else {
				ret = skip_value(&r); /* null: no versioning */
			}
		} while (ret == 0 && eat(&r, ','));
		if (ret == 0 && !eat(&r, '}'))
			ret = -1;
	}
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0 || !found || peek(&r) != -1)
		return -EBADMSG;
	return 0;
}
