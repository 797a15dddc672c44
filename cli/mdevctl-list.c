// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mdevctl list (active or --defined) and mdevctl types, in mdevctl's text
 * and --dumpjson formats, byte for byte: parents in byte order, devices by
 * UUID, types by name; each listing ends with an empty line (mdevctl prints
 * its output with one more newline). A definition file that cannot be read
 * is named on stderr and hides nothing else (mdevctl 1.2.0 fails the whole
 * listing: the personality's documented difference).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mdevctl.h"
#include "refusals.h"

/* "warning: FILE: PROBLEM; skipped" for each unreadable definition the
 * filters select */
static void warn_unreadable(struct mc_args *a)
{
	struct vmdev_definition_error *error;
	const char *parent = a->given[MC_PARENT] ? a->value[MC_PARENT] : NULL;

	vmdev_definition_error_foreach(a->ctx, error) {
		const char *p = vmdev_definition_error_get_parent(error);
		const char *u = vmdev_definition_error_get_uuid(error);
		char why[256];

		if ((parent && (!p || strcmp(p, parent) != 0)) ||
		    (a->given[MC_UUID] && (!u || strcmp(u, a->uuid) != 0)))
			continue;
		definition_problem_text(why, sizeof(why), vmdev_definition_error_get_problem(error),
					vmdev_definition_error_get_errno(error),
					vmdev_definition_error_get_offset(error),
					vmdev_definition_error_get_index(error));
		fprintf(stderr, "Warning: %s: %s; skipped\n",
			vmdev_definition_error_get_path(error), why);
	}
}

/* One device of a listing, active or defined, as mdevctl shows it. */
struct entry {
	const char *uuid, *parent;
	struct mc_config config;
	bool flagged; /* " (active)" for a definition, " (defined)" for an mdev */
};

static void print_text(const struct entry *e, bool defined, bool verbose)
{
	size_t n = e->config.def ? vmdev_definition_get_attr_count(e->config.def) : 0;

	printf("%s %s %s %s%s\n", e->uuid, e->parent, e->config.type,
	       e->config.auto_start ? "auto" : "manual",
	       !e->flagged ? "" : defined ? " (active)" : " (defined)");
	if (!verbose || !n)
		return;
	fputs("  Attrs:\n", stdout);
	for (size_t i = 0; i < n; i++)
		printf("    @{%zu}: {\"%s\":\"%s\"}\n", i,
		       vmdev_definition_get_attr_name(e->config.def, i),
		       vmdev_definition_get_attr_value(e->config.def, i));
}

/* [{"PARENT": [{"UUID": {config}}, ...], ...}], or [] */
static void print_json(const struct entry *entries, size_t n)
{
	if (n == 0) {
		fputs("[]", stdout);
		return;
	}
	fputs("[\n  {\n", stdout);
	for (size_t i = 0; i < n; i++) {
		bool first = i == 0 || strcmp(entries[i - 1].parent, entries[i].parent) != 0;
		bool last = i + 1 == n || strcmp(entries[i + 1].parent, entries[i].parent) != 0;

		if (first) {
			mc_json_indent(stdout, 2);
			mc_json_string(stdout, entries[i].parent);
			fputs(": [\n", stdout);
		}
		fputs("      {\n        ", stdout);
		mc_json_string(stdout, entries[i].uuid);
		fputs(": ", stdout);
		mc_json_config(stdout, &entries[i].config, 4);
		fputs("\n      }", stdout);
		if (!last) {
			fputs(",\n", stdout);
			continue;
		}
		fputs(i + 1 == n ? "\n    ]\n" : "\n    ],\n", stdout);
	}
	fputs("  }\n]", stdout);
}

static void print_listing(struct mc_args *a, const struct entry *entries, size_t n, bool defined)
{
	if (a->given[MC_DUMPJSON]) {
		/* one device asked for by UUID: its bare config, which can be
		 * piped into a definition file */
		if (a->given[MC_UUID] && n == 1)
			mc_json_config(stdout, &entries[0].config, 0);
		else
			print_json(entries, n);
	} else {
		for (size_t i = 0; i < n; i++)
			print_text(&entries[i], defined, a->given[MC_VERBOSE]);
	}
	putchar('\n');
}

static int list_defined(struct mc_args *a)
{
	const char *parent = a->given[MC_PARENT] ? a->value[MC_PARENT] : NULL;
	struct vmdev_definition *def;
	struct entry *entries = NULL;
	size_t n = 0, cap = 0;

	warn_unreadable(a);
	def = parent ? vmdev_definition_get_first_by_parent(a->ctx, parent)
		     : vmdev_definition_get_first(a->ctx);
	for (; def; def = parent ? vmdev_definition_get_next_by_parent(def)
				 : vmdev_definition_get_next(def)) {
		if (a->given[MC_UUID] && strcmp(vmdev_definition_get_uuid(def), a->uuid) != 0)
			continue;
		if (n == cap) {
			struct entry *more = realloc(entries, (cap = cap ? 2 * cap : 256) *
								      sizeof(*entries));

			if (!more) {
				free(entries);
				return mc_fail(MC_FAILED, "out of memory");
			}
			entries = more;
		}
		entries[n++] = (struct entry){
			.uuid = vmdev_definition_get_uuid(def),
			.parent = vmdev_definition_get_parent(def),
			.config = { .type = vmdev_definition_get_type(def),
				    .auto_start = vmdev_definition_get_start(def) == VMDEV_START_AUTO,
				    .def = def },
			.flagged = vmdev_definition_is_active(def),
		};
	}
	print_listing(a, entries, n, true);
	free(entries);
	return MC_OK;
}

static int cmp_active(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = strcmp(a->parent, b->parent);

	return c ? c : strcmp(a->uuid, b->uuid);
}

/* The running mdevs, each with its definition under its parent if there is
 * one (its start and attributes): both lists sorted by parent and UUID,
 * walked together. */
static int list_active(struct mc_args *a)
{
	const char *parent = a->given[MC_PARENT] ? a->value[MC_PARENT] : NULL;
	struct vmdev_definition *def;
	struct vmdev_mdev *mdev;
	struct entry *entries = NULL;
	size_t n = 0, cap = 0;

	vmdev_mdev_foreach(a->ctx, mdev) {
		const char *p = vmdev_parent_get_name(vmdev_mdev_get_parent(mdev));

		if (a->given[MC_UUID] && strcmp(vmdev_mdev_get_uuid(mdev), a->uuid) != 0)
			continue;
		if (parent && strcmp(p, parent) != 0)
			continue;
		if (n == cap) {
			struct entry *more = realloc(entries, (cap = cap ? 2 * cap : 256) *
								      sizeof(*entries));

			if (!more) {
				free(entries);
				return mc_fail(MC_FAILED, "out of memory");
			}
			entries = more;
		}
		entries[n++] = (struct entry){
			.uuid = vmdev_mdev_get_uuid(mdev),
			.parent = p,
			.config = { .type = vmdev_type_get_id(vmdev_mdev_get_type(mdev)) },
		};
	}
	qsort(entries, n, sizeof(*entries), cmp_active);
	def = n ? vmdev_definition_get_first(a->ctx) : NULL;
	for (size_t i = 0; i < n && def; i++) {
		struct entry *e = &entries[i];
		struct vmdev_definition_error *error;
		int c = 1;

		while (def && (c = strcmp(vmdev_definition_get_parent(def), e->parent)) < 0)
			def = vmdev_definition_get_next(def);
		while (def && c == 0 && strcmp(vmdev_definition_get_uuid(def), e->uuid) < 0)
			def = vmdev_definition_get_next(def);
		if (def && c == 0 && strcmp(vmdev_definition_get_uuid(def), e->uuid) == 0) {
			e->flagged = true;
			e->config.auto_start = vmdev_definition_get_start(def) == VMDEV_START_AUTO;
			e->config.def = def;
		} else if (vmdev_definition_error_get_first(a->ctx) &&
			   vmdev_definition_error_find(a->ctx, e->uuid, e->parent, &error) == 0) {
			/* a file of it exists, unreadable: defined, but without
			 * its start and attributes */
			e->flagged = true;
		}
	}
	print_listing(a, entries, n, false);
	free(entries);
	return MC_OK;
}

int mc_list(struct mc_args *a)
{
	return a->given[MC_DEFINED] ? list_defined(a) : list_active(a);
}

/* ---- types -------------------------------------------------------------- */

/* mdevctl trims what it reads from sysfs; a description's inner line
 * breaks become ", ". A malloc'd copy, or NULL for NULL or empty. */
static char *tidy(const char *text, bool join_lines)
{
	const char *end;
	char *out, *o;

	if (!text)
		return NULL;
	while (*text == ' ' || (*text >= '\t' && *text <= '\r'))
		text++;
	end = text + strlen(text);
	while (end > text && (end[-1] == ' ' || (end[-1] >= '\t' && end[-1] <= '\r')))
		end--;
	if (end == text)
		return NULL;
	out = o = malloc(2 * (size_t)(end - text) + 1);
	if (!out)
		return NULL;
	for (const char *p = text; p < end; p++) {
		if (join_lines && *p == '\n') {
			*o++ = ',';
			*o++ = ' ';
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static int cmp_parents(const void *x, const void *y)
{
	return strcmp(vmdev_parent_get_name(*(struct vmdev_parent *const *)x),
		      vmdev_parent_get_name(*(struct vmdev_parent *const *)y));
}

static int cmp_types(const void *x, const void *y)
{
	return strcmp(vmdev_type_get_id(*(struct vmdev_type *const *)x),
		      vmdev_type_get_id(*(struct vmdev_type *const *)y));
}

/* the type's lines or JSON object; 0 or the exit code */
static int print_type(struct vmdev_type *type, bool json, bool first)
{
	const char *api = vmdev_type_get_device_api(type);
	char *name = tidy(vmdev_type_get_name(type), false);
	char *description = tidy(vmdev_type_get_description(type), true);
	unsigned int avail;
	int r = vmdev_type_get_available_instances(type, &avail);

	if (r < 0 || !api) {
		free(name);
		free(description);
		return mc_fail(MC_FAILED, "cannot read %s of mdev type %s on %s: %s",
			       r < 0 ? "available_instances" : "device_api", vmdev_type_get_id(type),
			       vmdev_parent_get_name(vmdev_type_get_parent(type)),
			       strerror(r < 0 ? -r : ENOENT));
	}
	if (json) {
		fputs(first ? "\n      {\n        " : ",\n      {\n        ", stdout);
		mc_json_string(stdout, vmdev_type_get_id(type));
		printf(": {\n          \"available_instances\": %u,\n          \"device_api\": ",
		       avail);
		mc_json_string(stdout, api);
		if (name) {
			fputs(",\n          \"name\": ", stdout);
			mc_json_string(stdout, name);
		}
		if (description) {
			fputs(",\n          \"description\": ", stdout);
			mc_json_string(stdout, description);
		}
		fputs("\n        }\n      }", stdout);
	} else {
		printf("  %s\n    Available instances: %u\n    Device API: %s\n",
		       vmdev_type_get_id(type), avail, api);
		if (name)
			printf("    Name: %s\n", name);
		if (description)
			printf("    Description: %s\n", description);
	}
	free(name);
	free(description);
	return 0;
}

static int print_parent_types(struct vmdev_parent *parent, bool json)
{
	struct vmdev_type *type, **types = NULL;
	size_t n = 0;
	int r = 0;

	vmdev_type_foreach(parent, type)
		n++;
	if (n && !(types = calloc(n, sizeof(*types))))
		return mc_fail(MC_FAILED, "out of memory");
	n = 0;
	vmdev_type_foreach(parent, type)
		types[n++] = type;
	qsort(types, n, sizeof(*types), cmp_types);
	if (json) {
		fputs("    ", stdout);
		mc_json_string(stdout, vmdev_parent_get_name(parent));
		fputs(": [", stdout);
	} else {
		printf("%s\n", vmdev_parent_get_name(parent));
	}
	for (size_t i = 0; i < n && !r; i++)
		r = print_type(types[i], json, i == 0);
	if (json)
		fputs(n ? "\n    ]" : "]", stdout);
	free(types);
	return r;
}

int mc_types(struct mc_args *a)
{
	const char *want = a->given[MC_PARENT] ? a->value[MC_PARENT] : NULL;
	bool json = a->given[MC_DUMPJSON];
	struct vmdev_parent *parent, **parents = NULL;
	size_t n = 0;
	int r = 0;

	vmdev_parent_foreach(a->ctx, parent)
		n++;
	if (n && !(parents = calloc(n, sizeof(*parents))))
		return mc_fail(MC_FAILED, "out of memory");
	n = 0;
	vmdev_parent_foreach(a->ctx, parent)
		if (!want || strcmp(vmdev_parent_get_name(parent), want) == 0)
			parents[n++] = parent;
	qsort(parents, n, sizeof(*parents), cmp_parents);
	/* like mdevctl, all or nothing: a type that cannot be read fails it */
	if (json)
		fputs(n ? "[\n  {\n" : "[]", stdout);
	for (size_t i = 0; i < n && !r; i++) {
		r = print_parent_types(parents[i], json);
		if (json)
			fputs(i + 1 < n ? ",\n" : "\n", stdout);
	}
	if (json && n)
		fputs("  }\n]", stdout);
	putchar('\n');
	free(parents);
	return r;
}
