// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Persistent mdevs: define, undefine, modify and list --defined. The
 * definitions are mdevctl's files (/etc/mdevctl.d/PARENT/UUID), read and
 * written by the library; every input is checked before any of it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "definitions.h"
#include "mdevs.h"
#include "refusals.h"

/* ---- shared ------------------------------------------------------------ */

static const char *start_name(enum vmdev_start_policy start)
{
	return start == VMDEV_START_AUTO ? "auto" : "manual";
}

void definition_attrs_json(struct jout *j, struct vmdev_definition *def)
{
	size_t n = vmdev_definition_get_attr_count(def);

	jout_open_array(j, "attrs");
	for (size_t i = 0; i < n; i++) {
		jout_open_object(j, NULL);
		jout_string(j, "name", vmdev_definition_get_attr_name(def, i));
		jout_string(j, "value", vmdev_definition_get_attr_value(def, i));
		jout_close_object(j);
	}
	jout_close_array(j);
}

static void definition_json(struct jout *j, struct vmdev_definition *def)
{
	jout_open_object(j, NULL);
	jout_string(j, "uuid", vmdev_definition_get_uuid(def));
	jout_string(j, "parent", vmdev_definition_get_parent(def));
	jout_string(j, "type", vmdev_definition_get_type(def));
	jout_string(j, "start", start_name(vmdev_definition_get_start(def)));
	definition_attrs_json(j, def);
	jout_bool(j, "active", vmdev_definition_is_active(def));
	jout_string(j, "path", vmdev_definition_get_path(def));
	jout_close_object(j);
}

void definition_json_document(struct vmdev_definition *def)
{
	struct jout j;

	jout_begin(&j, stdout);
	definition_json(&j, def);
	jout_end(&j);
}

static void definition_text(struct vmdev_definition *def, bool *header)
{
	size_t n = vmdev_definition_get_attr_count(def);

	if (!*header) {
		printf("%-36s  %-14s %-18s %-7s %s\n", "UUID", "PARENT", "TYPE", "START",
		       "ACTIVE");
		*header = true;
	}
	printf("%-36s  %-14s %-18s %-7s %s\n", vmdev_definition_get_uuid(def),
	       vmdev_definition_get_parent(def), vmdev_definition_get_type(def),
	       start_name(vmdev_definition_get_start(def)),
	       vmdev_definition_is_active(def) ? "yes" : "no");
	for (size_t i = 0; i < n; i++) {
		fputs("    ", stdout);
		print_utf8(vmdev_definition_get_attr_name(def, i));
		putchar('=');
		print_utf8(vmdev_definition_get_attr_value(def, i));
		putchar('\n');
	}
}

/* "mtty, 0000:00:02.0": the parents UUID is defined under */
static void print_parents_of(struct vmdev_ctx *ctx, const char *uuid)
{
	struct vmdev_definition *def;
	bool any = false;

	vmdev_definition_foreach(ctx, def) {
		if (strcmp(vmdev_definition_get_uuid(def), uuid) != 0)
			continue;
		fprintf(stderr, "%s%s", any ? ", " : "", vmdev_definition_get_parent(def));
		any = true;
	}
}

int find_definition(struct cli *cli, const char *uuid, const char *parent,
		    struct vmdev_definition **def)
{
	struct vmdev_definition_error *error;
	int r = vmdev_definition_find(cli->ctx, uuid, parent, def);

	switch (r) {
	case 0:
		return 0;
	case -ENOENT:
		if (parent)
			fail(0, "no definition %s under %s (see vmdevctl list --defined -u %s)", uuid,
			     parent, uuid);
		else
			fail(0, "no definition %s (see vmdevctl list --defined)", uuid);
		return EXIT_NOT_FOUND;
	case -EBADMSG:
		if (vmdev_definition_error_find(cli->ctx, uuid, parent, &error) == 0)
			return say_definition_error(error);
		return fail(r, "cannot read the definition of %s", uuid);
	case -ENOTUNIQ:
		fprintf(stderr, "vmdevctl: %s is defined under several parents (", uuid);
		print_parents_of(cli->ctx, uuid);
		fputs("): say which with -p PARENT\n", stderr);
		return EXIT_USAGE;
	default:
		return fail(r, "cannot read the definitions");
	}
}

/* A definition's type on a parent that exists must be one of its types;
 * a parent that does not exist (yet) takes any. */
static int check_type(struct cli *cli, const char *parent_name, const char *type_id)
{
	struct vmdev_parent *parent;
	struct vmdev_type *type;

	if (vmdev_parent_find(cli->ctx, parent_name, &parent) < 0)
		return 0;
	if (vmdev_type_find(parent, type_id, &type) == 0)
		return 0;
	fail(0, "no mdev type '%s' on %s (see vmdevctl types -p %s)", shown(type_id),
	     shown(parent_name), shown(parent_name));
	return EXIT_NOT_FOUND;
}

/* --jsonfile FILE ('-' is stdin), read whole: 0 or the exit code. The
 * path is the user's, as given, not under the root. */
static int read_jsonfile(const char *path, char **text, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	size_t cap = VMDEV_DEFINITION_MAX_SIZE + 1, n;
	char *buf;

	*text = NULL;
	if (!f)
		return fail_code(EXIT_USAGE, "cannot read --jsonfile '%s': %s", shown(path),
				 strerror(errno));
	buf = malloc(cap + 1);
	if (!buf) {
		if (f != stdin)
			fclose(f);
		return fail(-ENOMEM, "cannot read --jsonfile");
	}
	n = fread(buf, 1, cap, f);
	if (ferror(f)) {
		int e = errno;

		free(buf);
		if (f != stdin)
			fclose(f);
		return fail_code(EXIT_USAGE, "cannot read --jsonfile '%s': %s", shown(path),
				 strerror(e));
	}
	if (f != stdin)
		fclose(f);
	if (n == cap) {
		free(buf);
		return fail_usage("--jsonfile '%s': over %d bytes, too big for a definition",
				  shown(path), VMDEV_DEFINITION_MAX_SIZE);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* DEF's type, start and attributes from mdevctl's JSON in FILE */
static int apply_jsonfile(struct vmdev_definition *def, const char *path)
{
	enum vmdev_definition_problem problem;
	size_t len = 0, where;
	char *text, why[256];
	int r = read_jsonfile(path, &text, &len);

	if (r)
		return r;
	r = vmdev_definition_set_json(def, text, len, &problem, &where);
	free(text);
	if (r == -EBADMSG) {
		definition_problem_text(why, sizeof(why), problem, EBADMSG, where, where);
		return fail_usage("--jsonfile '%s': %s", shown(path), why);
	}
	if (r < 0)
		return fail(r, "--jsonfile '%s'", shown(path));
	return 0;
}

/* --attr NAME=VALUE...: appended in order (checked by the option parser) */
static int append_attrs(struct vmdev_definition *def, const struct list_option *attrs)
{
	for (size_t i = 0; i < attrs->n; i++) {
		const char *eq = strchr(attrs->items[i], '=');
		char *name = strndup(attrs->items[i], (size_t)(eq - attrs->items[i]));
		int r = name ? vmdev_definition_append_attr(def, name, eq + 1) : -ENOMEM;

		free(name);
		if (r < 0)
			return fail(r, "--attr '%s'", shown(attrs->items[i]));
	}
	return 0;
}

/* How a save went wrong, said; the exit code. */
static int save_failed(int r, struct vmdev_definition *def, const char *verb)
{
	if (r == -ECANCELED) {
		char *text = callout_refusal_text(vmdev_definition_get_ctx(def), verb,
						  vmdev_definition_get_uuid(def));
		int code = fail_code(EXIT_FAILED, "%s; --force goes on regardless",
				     text ? text : strerror(ECANCELED));

		free(text);
		return code;
	}
	if (r == -EEXIST) {
		fail(0, "cannot %s %s: a definition of it exists under %s (see vmdevctl list --defined -u %s)",
		     verb, vmdev_definition_get_uuid(def), vmdev_definition_get_parent(def),
		     vmdev_definition_get_uuid(def));
		return EXIT_BUSY;
	}
	if (r == -EBUSY) {
		fail(0, "cannot %s %s: another process holds the lock of /etc/mdevctl.d/%s (try again)",
		     verb, vmdev_definition_get_uuid(def), vmdev_definition_get_parent(def));
		return EXIT_BUSY;
	}
	return fail(r, "cannot %s %s: writing %s", verb, vmdev_definition_get_uuid(def),
		    vmdev_definition_get_path(def));
}

/* ---- define ------------------------------------------------------------ */

/* MDEV runs on DEF's parent with DEF's type */
static bool active_as(struct vmdev_mdev *mdev, struct vmdev_definition *def)
{
	struct vmdev_type *type = vmdev_mdev_get_type(mdev);

	return type && strcmp(vmdev_parent_get_name(vmdev_type_get_parent(type)),
			      vmdev_definition_get_parent(def)) == 0 &&
	       strcmp(vmdev_type_get_id(type), vmdev_definition_get_type(def)) == 0;
}

/* The attributes MDEV's callout script reports ("get attributes", as
 * mdevctl's define of an active mdev asks), put first in DEF. */
static int callout_attrs(struct cli *cli, struct vmdev_mdev *mdev, struct vmdev_definition *def)
{
	struct vmdev_attrs *attrs;
	int r = vmdev_mdev_get_callout_attrs(mdev, &attrs);

	if (r == -ECANCELED || r == -EBADMSG) {
		char *text = callout_refusal_text(cli->ctx, "get attributes",
						  vmdev_mdev_get_uuid(mdev));

		r = fail_code(EXIT_FAILED, "cannot define %s: %s", vmdev_mdev_get_uuid(mdev),
			      text ? text : strerror(-r));
		free(text);
		return r;
	}
	if (r < 0)
		return fail(r, "cannot define %s", vmdev_mdev_get_uuid(mdev));
	if (!attrs)
		return 0;
	if (vmdev_definition_get_attr_count(def) == 0) {
		for (size_t i = 0; i < vmdev_attrs_get_count(attrs) && !r; i++)
			r = vmdev_definition_append_attr(def, vmdev_attrs_get_name(attrs, i),
							 vmdev_attrs_get_value(attrs, i));
	}
	vmdev_attrs_free(attrs);
	return r < 0 ? fail(r, "cannot define %s", vmdev_mdev_get_uuid(mdev)) : 0;
}

struct define_options {
	const char *parent, *type, *jsonfile;
	char uuid[VMDEV_UUID_LEN];
	bool auto_start, force;
	struct list_option attrs;
};

static const struct command_option define_options[] = {
	UUID_OPTION("uuid", 'u', struct define_options, uuid),
	NAME_OPTION("parent", 'p', "parent name", struct define_options, parent),
	NAME_OPTION("type", 't', "type name", struct define_options, type),
	FLAG_OPTION("auto", 0, struct define_options, auto_start),
	ATTR_OPTION("attr", OPTION_ATTR, struct define_options, attrs),
	STRING_OPTION("jsonfile", 0, struct define_options, jsonfile),
	FLAG_OPTION("force", 0, struct define_options, force),
	END_OPTIONS,
};

static int run_define(struct cli *cli, const void *options)
{
	const struct define_options *o = options;
	const char *uuid = *o->uuid ? o->uuid : NULL;
	const char *parent = o->parent, *type = o->type;
	struct vmdev_definition *def = NULL, *existing;
	struct vmdev_mdev *mdev = NULL;
	int r;

	r = no_arguments(cli, "define");
	if (r)
		return r;
	if (o->jsonfile && (o->type || o->attrs.n || o->auto_start))
		return fail_usage("--jsonfile gives the type, start and attributes: not with %s",
				  o->type ? "-t" : o->attrs.n ? "--attr" : "--auto");
	/* define -u UUID alone: an active mdev as it runs */
	if (uuid && vmdev_mdev_find(cli->ctx, uuid, &mdev) == 0) {
		struct vmdev_parent *p = vmdev_mdev_get_parent(mdev);
		bool same = !parent || strcmp(parent, vmdev_parent_get_name(p)) == 0;

		if (!parent)
			parent = vmdev_parent_get_name(p);
		if (!type && !o->jsonfile && same)
			type = vmdev_type_get_id(vmdev_mdev_get_type(mdev));
	}
	if (!parent && uuid && !o->type && !o->jsonfile) {
		fail(0, "no active mdev %s to define from: give -p PARENT and -t TYPE (see vmdevctl list)",
		     uuid);
		return EXIT_NOT_FOUND;
	}
	if (!parent)
		return fail_usage("define needs -p PARENT (and -t TYPE or --jsonfile FILE)");
	if (!type && !o->jsonfile)
		return fail_usage("define needs -t TYPE or --jsonfile FILE%s",
				  mdev ? " (the mdev runs on another parent)" : "");
	if (uuid) {
		r = vmdev_definition_find(cli->ctx, uuid, parent, &existing);
		if (r == 0 || r == -EBADMSG) {
			fail(0, "cannot define %s: a definition of it exists under %s (see vmdevctl list --defined -u %s)",
			     uuid, parent, uuid);
			return EXIT_BUSY;
		}
	}
	/* a placeholder type until the JSON gives one */
	r = vmdev_definition_new(cli->ctx, uuid, parent, type ? type : "mdev", &def);
	if (r < 0)
		return fail(r, "cannot define mdev on %s", shown(parent));
	if (o->jsonfile) {
		r = apply_jsonfile(def, o->jsonfile);
	} else {
		r = vmdev_definition_set_start(def, o->auto_start ? VMDEV_START_AUTO
								  : VMDEV_START_MANUAL);
		r = r < 0 ? fail(r, "cannot define mdev") : append_attrs(def, &o->attrs);
	}
	if (!r)
		r = check_type(cli, parent, vmdev_definition_get_type(def));
	/* an active mdev as it runs: its callout knows the attributes */
	if (!r && mdev && !o->jsonfile && active_as(mdev, def))
		r = callout_attrs(cli, mdev, def);
	if (r)
		return r;
	vmdev_set_callout_force(cli->ctx, o->force);
	r = vmdev_definition_save(def);
	if (r < 0)
		return save_failed(r, def, "define");
	if (cli->dry_run || cli->quiet)
		return EXIT_OK;
	if (cli->json)
		definition_json_document(def);
	else
		puts(vmdev_definition_get_uuid(def));
	return EXIT_OK;
}

const struct command cmd_define = {
	.name = "define",
	.usage = "define [-u UUID] -p PARENT -t TYPE [--auto] [--attr NAME=VALUE]... [--force] | -u UUID | --jsonfile FILE",
	.summary = "store a definition (mdevctl's), print its UUID",
	.options = define_options,
	.options_size = sizeof(struct define_options),
	.run = run_define,
};

/* ---- undefine ------------------------------------------------------------ */

struct undefine_options {
	const char *parent;
	char uuid[VMDEV_UUID_LEN];
	bool force;
};

static const struct command_option undefine_options[] = {
	UUID_OPTION("uuid", 'u', struct undefine_options, uuid),
	NAME_OPTION("parent", 'p', "parent name", struct undefine_options, parent),
	FLAG_OPTION("force", 0, struct undefine_options, force),
	END_OPTIONS,
};

static int run_undefine(struct cli *cli, const void *options)
{
	const struct undefine_options *o = options;
	struct vmdev_definition *def, *found[64];
	struct vmdev_definition_error *error;
	size_t n = 0;
	struct jout j;
	int r;

	r = no_arguments(cli, "undefine");
	if (r)
		return r;
	if (!*o->uuid)
		return fail_usage("undefine needs -u UUID (see vmdevctl list --defined)");
	if (o->parent) {
		r = find_definition(cli, o->uuid, o->parent, &def);
		if (r)
			return r;
		found[n++] = def;
	} else {
		vmdev_definition_foreach(cli->ctx, def)
			if (strcmp(vmdev_definition_get_uuid(def), o->uuid) == 0 && n < 64)
				found[n++] = def;
		if (n == 0)
			return find_definition(cli, o->uuid, NULL, &def);
	}
	vmdev_set_callout_force(cli->ctx, o->force);
	for (size_t i = 0; i < n; i++) {
		r = vmdev_definition_delete(found[i]);
		if (r == -ECANCELED)
			return save_failed(r, found[i], "undefine");
		if (r == -EBUSY)
			return fail_code(EXIT_BUSY, "cannot undefine %s: another process holds the lock of /etc/mdevctl.d/%s (try again)",
					 o->uuid, vmdev_definition_get_parent(found[i]));
		if (r < 0)
			return fail(r, "cannot undefine %s: removing %s", o->uuid,
				    vmdev_definition_get_path(found[i]));
	}
	/* a file of it that could not be read is not removed: say so */
	if (!o->parent && vmdev_definition_error_find(cli->ctx, o->uuid, NULL, &error) == 0)
		return say_definition_error(error);
	if (cli->dry_run || cli->quiet || !cli->json)
		return EXIT_OK;
	jout_begin(&j, stdout);
	for (size_t i = 0; i < n; i++)
		definition_json(&j, found[i]);
	jout_end(&j);
	return EXIT_OK;
}

const struct command cmd_undefine = {
	.name = "undefine",
	.usage = "undefine -u UUID [-p PARENT] [--force]",
	.summary = "delete a definition (an active mdev keeps running)",
	.options = undefine_options,
	.options_size = sizeof(struct undefine_options),
	.run = run_undefine,
};

/* ---- modify -------------------------------------------------------------- */

struct modify_options {
	const char *parent, *type, *jsonfile;
	char uuid[VMDEV_UUID_LEN];
	bool auto_start, manual, live, defined, force;
	struct list_option attrs, del_attrs;
};

static const struct command_option modify_options[] = {
	UUID_OPTION("uuid", 'u', struct modify_options, uuid),
	NAME_OPTION("parent", 'p', "parent name", struct modify_options, parent),
	NAME_OPTION("type", 't', "type name", struct modify_options, type),
	FLAG_OPTION("auto", 0, struct modify_options, auto_start),
	FLAG_OPTION("manual", 0, struct modify_options, manual),
	ATTR_OPTION("attr", OPTION_ATTR, struct modify_options, attrs),
	ATTR_OPTION("del-attr", OPTION_ATTR_NAME, struct modify_options, del_attrs),
	STRING_OPTION("jsonfile", 0, struct modify_options, jsonfile),
	FLAG_OPTION("live", 0, struct modify_options, live),
	FLAG_OPTION("force", 0, struct modify_options, force),
	END_OPTIONS,
};

/* The usage errors of modify's options among themselves; 0 if none. */
static int modify_conflicts(const struct modify_options *o)
{
	if (!*o->uuid)
		return fail_usage("modify needs -u UUID (see vmdevctl list --defined)");
	if (o->auto_start && o->manual)
		return fail_usage("--auto and --manual contradict each other: give one");
	if (o->jsonfile && (o->type || o->attrs.n || o->del_attrs.n || o->auto_start || o->manual))
		return fail_usage("--jsonfile gives the type, start and attributes: not with %s",
				  o->type ? "-t" : o->attrs.n ? "--attr" :
				  o->del_attrs.n ? "--del-attr" : o->auto_start ? "--auto" : "--manual");
	if (!o->jsonfile && !o->type && !o->attrs.n && !o->del_attrs.n && !o->auto_start &&
	    !o->manual)
		return fail_usage("modify needs a change: -t, --auto, --manual, --attr, --del-attr or --jsonfile");
	if (o->live && o->type)
		return fail_usage("--live cannot change the type of a running mdev: drop -t, or stop and start it");
	return 0;
}

/* Which of DEF's attributes are not among the OLD ones (NAME=VALUE each,
 * counted): what --live writes. */
static bool was_there(char **old, size_t n_old, bool *used, const char *entry)
{
	for (size_t i = 0; i < n_old; i++) {
		if (!used[i] && strcmp(old[i], entry) == 0) {
			used[i] = true;
			return true;
		}
	}
	return false;
}

static int apply_live(struct cli *cli, struct vmdev_definition *def, char **old, size_t n_old)
{
	struct vmdev_mdev *mdev;
	size_t n = vmdev_definition_get_attr_count(def), written = 0;
	bool *used = calloc(n_old + 1, sizeof(*used));
	int r = 0;

	if (!used)
		return fail(-ENOMEM, "modify --live");
	if (vmdev_mdev_find(cli->ctx, vmdev_definition_get_uuid(def), &mdev) < 0) {
		free(used);
		return fail_code(EXIT_NOT_FOUND, "no mdev %s", vmdev_definition_get_uuid(def));
	}
	for (size_t i = 0; i < n && !r; i++) {
		const char *name = vmdev_definition_get_attr_name(def, i);
		const char *value = vmdev_definition_get_attr_value(def, i);
		char *entry = NULL;

		if (asprintf(&entry, "%s=%s", name, value) < 0) {
			r = fail(-ENOMEM, "modify --live");
			break;
		}
		if (!was_there(old, n_old, used, entry)) {
			int e = vmdev_mdev_write_attr(mdev, name, value);

			if (e < 0)
				r = fail_code(EXIT_FAILED, "cannot apply %s=%s to the running mdev %s: %s (%s); the definition is unchanged%s",
					      shown(name), shown(value), vmdev_definition_get_uuid(def),
					      attr_errno_meaning(e), strerror(-e),
					      written ? " (the attributes before it were written)" : "");
			else
				written++;
		}
		free(entry);
	}
	free(used);
	return r;
}

static int modify_attrs(struct vmdev_definition *def, const struct modify_options *o)
{
	for (size_t i = 0; i < o->del_attrs.n; i++) {
		const char *item = o->del_attrs.items[i], *eq = strchr(item, '=');
		char *name = eq ? strndup(item, (size_t)(eq - item)) : strdup(item);
		int r = name ? vmdev_definition_remove_attrs(def, name, eq ? eq + 1 : NULL)
			     : -ENOMEM;

		free(name);
		if (r < 0)
			return fail(r, "--del-attr '%s'", shown(item));
		if (r == 0)
			return fail_code(EXIT_NOT_FOUND, "definition %s has no attribute %s%s (see vmdevctl list --defined -u %s)",
					 vmdev_definition_get_uuid(def), eq ? "entry " : "", shown(item),
					 vmdev_definition_get_uuid(def));
	}
	return append_attrs(def, &o->attrs);
}

static void free_strings(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static int run_modify(struct cli *cli, const void *options)
{
	const struct modify_options *o = options;
	struct vmdev_definition *def;
	char **old = NULL;
	size_t n_old = 0;
	int r;

	r = no_arguments(cli, "modify");
	if (!r)
		r = modify_conflicts(o);
	if (!r)
		r = find_definition(cli, o->uuid, o->parent, &def);
	if (r)
		return r;
	if (o->live && !vmdev_definition_is_active(def))
		return fail_code(EXIT_NOT_FOUND, "cannot modify %s --live: it is not active on %s/%s (vmdevctl start -u %s)",
				 o->uuid, vmdev_definition_get_parent(def),
				 vmdev_definition_get_type(def), o->uuid);
	if (o->live) {
		n_old = vmdev_definition_get_attr_count(def);
		old = calloc(n_old + 1, sizeof(*old));
		for (size_t i = 0; old && i < n_old; i++)
			if (asprintf(&old[i], "%s=%s", vmdev_definition_get_attr_name(def, i),
				     vmdev_definition_get_attr_value(def, i)) < 0)
				old[i] = NULL;
		if (!old)
			return fail(-ENOMEM, "modify");
	}
	if (o->jsonfile) {
		char *type = strdup(vmdev_definition_get_type(def));

		r = type ? apply_jsonfile(def, o->jsonfile) : fail(-ENOMEM, "modify");
		if (!r && o->live && strcmp(vmdev_definition_get_type(def), type) != 0)
			r = fail_usage("--live cannot change the type of a running mdev: --jsonfile '%s' names %s, it runs as %s",
				       shown(o->jsonfile), shown(vmdev_definition_get_type(def)), type);
		free(type);
	} else {
		if (o->type && vmdev_definition_set_type(def, o->type) < 0)
			r = fail(-EINVAL, "-t '%s'", shown(o->type));
		if (!r && (o->auto_start || o->manual))
			vmdev_definition_set_start(def, o->auto_start ? VMDEV_START_AUTO
								      : VMDEV_START_MANUAL);
		if (!r)
			r = modify_attrs(def, o);
	}
	if (!r)
		r = check_type(cli, vmdev_definition_get_parent(def), vmdev_definition_get_type(def));
	/* live: the mdev's versioned callout applies it where one supports
	 * that (mdevctl 1.3+), else the added attributes are written here */
	if (!r && o->live) {
		r = cli->dry_run ? -EOPNOTSUPP : vmdev_definition_modify_live(def);
		if (r == -ECANCELED) {
			char *text = callout_refusal_text(cli->ctx, "live modify", o->uuid);

			r = fail_code(EXIT_FAILED, "%s; the definition is unchanged",
				      text ? text : strerror(ECANCELED));
			free(text);
		} else if (r == -EOPNOTSUPP)
			r = apply_live(cli, def, old, n_old);
		else if (r < 0)
			r = fail(r, "cannot modify %s --live", o->uuid);
	}
	free_strings(old, n_old);
	if (r)
		return r;
	vmdev_set_callout_force(cli->ctx, o->force);
	r = vmdev_definition_save(def);
	if (r < 0)
		return save_failed(r, def, "modify");
	if (cli->json && !cli->dry_run && !cli->quiet)
		definition_json_document(def);
	return EXIT_OK;
}

const struct command cmd_modify = {
	.name = "modify",
	.usage = "modify -u UUID [-p PARENT] [-t TYPE] [--auto|--manual] [--attr NAME=VALUE]... [--del-attr NAME[=VALUE]]... [--jsonfile FILE] [--live] [--force]",
	.summary = "change a definition (--live: the running mdev's attributes too)",
	.options = modify_options,
	.options_size = sizeof(struct modify_options),
	.run = run_modify,
};

/* ---- list --defined ---------------------------------------------------- */

static bool wanted(const char *parent, const char *uuid, const char *want_parent,
		   const char *want_uuid)
{
	return (!want_parent || strcmp(parent, want_parent) == 0) &&
	       (!want_uuid || strcmp(uuid, want_uuid) == 0);
}

int list_definitions(struct cli *cli, const char *parent, const char *type, const char *uuid)
{
	struct vmdev_definition_error *error;
	struct vmdev_definition *def;
	bool listed = false, header = false, broken = false;
	struct jout j;

	/* a file that cannot be read is named, and hides nothing else */
	vmdev_definition_error_foreach(cli->ctx, error) {
		const char *p = vmdev_definition_error_get_parent(error);

		if (p && !wanted(p, vmdev_definition_error_get_uuid(error), parent, uuid))
			continue;
		if (!p && uuid)
			continue;
		say_definition_error(error);
		broken = true;
	}
	vmdev_definition_foreach(cli->ctx, def) {
		if (wanted(vmdev_definition_get_parent(def), vmdev_definition_get_uuid(def), parent,
			   uuid) &&
		    (!type || strcmp(vmdev_definition_get_type(def), type) == 0)) {
			listed = true;
			break;
		}
	}
	if (uuid && !listed) {
		if (broken)
			return EXIT_FAILED;
		fail(0, "no definition %s (see vmdevctl list --defined)", uuid);
		return EXIT_NOT_FOUND;
	}
	if (cli->quiet)
		return EXIT_OK;
	jout_buffer(stdout);
	if (cli->json)
		jout_begin(&j, stdout);
	vmdev_definition_foreach(cli->ctx, def) {
		if (!wanted(vmdev_definition_get_parent(def), vmdev_definition_get_uuid(def), parent,
			    uuid) ||
		    (type && strcmp(vmdev_definition_get_type(def), type) != 0))
			continue;
		if (cli->json)
			definition_json(&j, def);
		else
			definition_text(def, &header);
	}
	if (cli->json)
		jout_end(&j);
	else if (!listed && !parent && !type && !broken)
		hint_no_definitions();
	return EXIT_OK;
}
