// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mdevctl define, undefine and modify: mdevctl 1.2.0's rules (what may be
 * left out, what is taken from a running mdev, attributes by --index from
 * 0) and 1.4's additions (modify --jsonfile, --live, --defined). The files
 * are written by the library, in mdevctl's format, atomically.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mdevctl.h"
#include "refusals.h"

static const char *opt(struct mc_args *a, enum mc_opt o)
{
	return a->given[o] ? a->value[o] : NULL;
}

int mc_find_definition(struct mc_args *a, struct vmdev_definition **def)
{
	const char *parent = opt(a, MC_PARENT);
	struct vmdev_definition_error *error;
	int r = vmdev_definition_find(a->ctx, a->uuid, parent, def);
	char why[256];

	switch (r) {
	case 0:
		return 0;
	case -ENOENT:
		if (parent)
			return mc_fail(MC_FAILED, "Mediated device %s/%s is not defined", parent,
				       a->uuid);
		return mc_fail(MC_FAILED, "Mediated device %s is not defined", a->uuid);
	case -ENOTUNIQ:
		return mc_fail(MC_FAILED, "Multiple definitions found for %s, specify a parent",
			       a->uuid);
	case -EBADMSG:
		if (vmdev_definition_error_find(a->ctx, a->uuid, parent, &error) < 0)
			break;
		definition_problem_text(why, sizeof(why), vmdev_definition_error_get_problem(error),
					vmdev_definition_error_get_errno(error),
					vmdev_definition_error_get_offset(error),
					vmdev_definition_error_get_index(error));
		return mc_fail(MC_FAILED, "%s: %s", vmdev_definition_error_get_path(error), why);
	}
	return mc_fail(MC_FAILED, "cannot read the definitions of %s: %s", a->uuid, strerror(-r));
}

/* a file of UUID under PARENT, readable or not */
static bool definition_exists(struct mc_args *a, const char *uuid, const char *parent)
{
	struct vmdev_definition *def;
	int r = vmdev_definition_find(a->ctx, uuid, parent, &def);

	return r == 0 || r == -EBADMSG;
}

int mc_apply_jsonfile(struct vmdev_definition *def, const char *path)
{
	FILE *f = fopen(path, "re");
	size_t cap = VMDEV_DEFINITION_MAX_SIZE + 1, n, where;
	enum vmdev_definition_problem problem;
	char *text, why[256];
	int r;

	if (!f)
		return mc_fail(MC_FAILED, "Unable to read jsonfile \"%s\": %s", path, strerror(errno));
	text = malloc(cap + 1);
	n = text ? fread(text, 1, cap, f) : 0;
	r = text && !ferror(f) ? 0 : -errno;
	fclose(f);
	if (r < 0 || !text) {
		free(text);
		return mc_fail(MC_FAILED, "Unable to read jsonfile \"%s\": %s", path,
			       strerror(r ? -r : ENOMEM));
	}
	if (n == cap) {
		free(text);
		return mc_fail(MC_FAILED, "jsonfile \"%s\": over %d bytes", path,
			       VMDEV_DEFINITION_MAX_SIZE);
	}
	text[n] = '\0';
	r = vmdev_definition_set_json(def, text, n, &problem, &where);
	free(text);
	if (r == -EBADMSG) {
		definition_problem_text(why, sizeof(why), problem, EBADMSG, where, where);
		return mc_fail(MC_FAILED, "jsonfile \"%s\": %s", path, why);
	}
	if (r < 0)
		return mc_fail(MC_FAILED, "jsonfile \"%s\": %s", path, strerror(-r));
	return 0;
}

/* vmdev_definition_new() for the personality: a name the library refuses
 * (a '/', "..", empty) is a usage error, where mdevctl would make paths of it */
static int new_definition(struct mc_args *a, const char *uuid, const char *parent,
			  const char *type, struct vmdev_definition **def)
{
	int r = vmdev_definition_new(a->ctx, uuid, parent, type, def);

	if (r == -EINVAL)
		return mc_fail(MC_USAGE, "invalid parent '%s' or type '%s': not a name", parent,
			       type);
	if (r < 0)
		return mc_fail(MC_FAILED, "cannot define %s on %s: %s", uuid ? uuid : "an mdev",
			       parent, strerror(-r));
	return 0;
}

static int save(struct vmdev_definition *def)
{
	int r = vmdev_definition_save(def);

	if (r == 0)
		return 0;
	if (r == -EEXIST)
		return mc_fail(MC_FAILED, "Device %s on %s already defined",
			       vmdev_definition_get_uuid(def), vmdev_definition_get_parent(def));
	return mc_fail(MC_FAILED, "Failed to write config for device %s (%s): %s",
		       vmdev_definition_get_uuid(def), vmdev_definition_get_path(def),
		       strerror(-r));
}

/* ---- define ------------------------------------------------------------- */

int mc_define(struct mc_args *a)
{
	const char *uuid = a->given[MC_UUID] ? a->uuid : NULL;
	const char *parent = opt(a, MC_PARENT), *type = opt(a, MC_TYPE);
	struct vmdev_definition *def;
	int r;

	if (a->given[MC_JSONFILE]) {
		if (!parent)
			return mc_fail(MC_FAILED, "Parent device required to define device via \"%s\"",
				       a->value[MC_JSONFILE]);
		if (uuid && definition_exists(a, uuid, parent))
			return mc_fail(MC_FAILED, "Cowardly refusing to overwrite existing config for %s/%s",
				       parent, uuid);
		r = new_definition(a, uuid, parent, "mdev", &def);
		if (!r)
			r = mc_apply_jsonfile(def, a->value[MC_JSONFILE]);
	} else {
		struct vmdev_mdev *mdev = NULL;

		/* a running mdev gives what is left out: its parent, its type */
		if (uuid && vmdev_mdev_find(a->ctx, uuid, &mdev) == 0) {
			if (!parent && type)
				return mc_fail(MC_FAILED, "No parent specified");
			if (!parent)
				parent = vmdev_parent_get_name(vmdev_mdev_get_parent(mdev));
			if (!type)
				type = vmdev_type_get_id(vmdev_mdev_get_type(mdev));
		}
		if (!parent)
			return mc_fail(MC_FAILED, "No parent specified");
		if (!type)
			return mc_fail(MC_FAILED, "No type specified");
		if (uuid && definition_exists(a, uuid, parent))
			return mc_fail(MC_FAILED, "Device %s on %s already defined", uuid, parent);
		r = new_definition(a, uuid, parent, type, &def);
		if (!r && vmdev_definition_set_start(def, a->given[MC_AUTO] ? VMDEV_START_AUTO
									      : VMDEV_START_MANUAL) < 0)
			r = mc_fail(MC_FAILED, "cannot define %s", uuid);
	}
	if (!r)
		r = save(def);
	if (!r && !uuid)
		puts(vmdev_definition_get_uuid(def));
	return r;
}

/* ---- undefine ------------------------------------------------------------ */

int mc_undefine(struct mc_args *a)
{
	const char *parent = opt(a, MC_PARENT);
	struct vmdev_definition_error *error;
	struct vmdev_definition *def, *found[256];
	bool any = false, unreadable = false;
	size_t n = 0;
	int worst = MC_OK;

	/* a file of it that cannot be read is named, and not removed */
	vmdev_definition_error_foreach(a->ctx, error) {
		const char *u = vmdev_definition_error_get_uuid(error);
		const char *p = vmdev_definition_error_get_parent(error);
		char why[256];

		if (!u || strcmp(u, a->uuid) != 0 || (parent && (!p || strcmp(p, parent) != 0)))
			continue;
		definition_problem_text(why, sizeof(why), vmdev_definition_error_get_problem(error),
					vmdev_definition_error_get_errno(error),
					vmdev_definition_error_get_offset(error),
					vmdev_definition_error_get_index(error));
		worst = mc_fail(MC_FAILED, "%s: %s; not removed", vmdev_definition_error_get_path(error),
				why);
		unreadable = true;
	}
	/* found first, then deleted: a deletion takes it out of the list */
	vmdev_definition_foreach(a->ctx, def)
		if (strcmp(vmdev_definition_get_uuid(def), a->uuid) == 0 &&
		    (!parent || strcmp(vmdev_definition_get_parent(def), parent) == 0) && n < 256)
			found[n++] = def;
	for (size_t i = 0; i < n; i++) {
		int r = vmdev_definition_delete(found[i]);

		any = true;
		if (r < 0)
			worst = mc_fail(MC_FAILED, "Failed to remove file \"%s\": %s",
					vmdev_definition_get_path(found[i]), strerror(-r));
	}
	if (!any && !unreadable)
		return mc_fail(MC_FAILED, "No devices match the specified uuid");
	return worst;
}

/* ---- modify -------------------------------------------------------------- */

/* DEF's attributes with NAME=VALUE put at INDEX, or the one at INDEX taken
 * out (NAME NULL): the list rebuilt through the public calls */
static int splice_attrs(struct vmdev_definition *def, size_t index, const char *name,
			const char *value)
{
	size_t n = vmdev_definition_get_attr_count(def);
	char **names = calloc(n + 1, sizeof(*names)), **values = calloc(n + 1, sizeof(*values));
	int r = names && values ? 0 : -ENOMEM;

	for (size_t i = 0; i < n && !r; i++) {
		names[i] = strdup(vmdev_definition_get_attr_name(def, i));
		values[i] = strdup(vmdev_definition_get_attr_value(def, i));
		if (!names[i] || !values[i])
			r = -ENOMEM;
	}
	if (!r) {
		vmdev_definition_clear_attrs(def);
		for (size_t i = 0; i <= n && r >= 0; i++) {
			if (name && i == index)
				r = vmdev_definition_append_attr(def, name, value);
			if (i < n && (name || i != index) && r >= 0)
				r = vmdev_definition_append_attr(def, names[i], values[i]);
		}
	}
	for (size_t i = 0; i < n && names && values; i++) {
		free(names[i]);
		free(values[i]);
	}
	free(names);
	free(values);
	return r;
}

static int change_attrs(struct mc_args *a, struct vmdev_definition *def)
{
	size_t n = vmdev_definition_get_attr_count(def);
	size_t index = a->given[MC_INDEX] ? a->index : n;
	int r = 0;

	if (a->given[MC_ADDATTR]) {
		if (index > n)
			return mc_fail(MC_FAILED, "Attribute index %zu is invalid (%zu attributes)",
				       index, n);
		r = splice_attrs(def, index, a->value[MC_ADDATTR], a->value[MC_VALUE]);
		if (r == -EINVAL)
			return mc_fail(MC_USAGE, "invalid attribute '%s' = '%s': a name has no '/' and is not . or .., a value is one line",
				       a->value[MC_ADDATTR], a->value[MC_VALUE]);
	} else if (a->given[MC_DELATTR]) {
		if (!a->given[MC_INDEX] && n == 0)
			return 0; /* nothing to take off the end */
		if (!a->given[MC_INDEX])
			index = n - 1;
		if (index >= n)
			return mc_fail(MC_FAILED, "Attribute index %zu is invalid (%zu attributes)",
				       index, n);
		r = splice_attrs(def, index, NULL, NULL);
	}
	return r < 0 ? mc_fail(MC_FAILED, "cannot change the attributes: %s", strerror(-r)) : 0;
}

/* --live: the new attributes written to the running mdev, in order (where
 * mdevctl 1.4 hands the config to a callout script) */
static int apply_live(struct vmdev_mdev *mdev, struct vmdev_definition *json)
{
	size_t n = vmdev_definition_get_attr_count(json);

	for (size_t i = 0; i < n; i++) {
		const char *name = vmdev_definition_get_attr_name(json, i);
		const char *value = vmdev_definition_get_attr_value(json, i);
		int r = vmdev_mdev_write_attr(mdev, name, value);

		if (r < 0)
			return mc_fail(MC_FAILED, "cannot write %s=%s to the running mdev %s: %s (%s)",
				       name, value, vmdev_mdev_get_uuid(mdev), attr_errno_meaning(r),
				       strerror(-r));
	}
	return 0;
}

static int modify_live(struct mc_args *a)
{
	const char *parent = opt(a, MC_PARENT);
	struct vmdev_definition *json, *def = NULL;
	struct vmdev_mdev *mdev;
	const char *running_parent, *running_type;
	char *text = NULL;
	int r;

	if (a->given[MC_AUTO] || a->given[MC_MANUAL])
		return mc_fail(MC_FAILED, "'%s' cannot be changed on active mdev",
			       a->given[MC_AUTO] ? "auto" : "manual");
	if (vmdev_mdev_find(a->ctx, a->uuid, &mdev) < 0 ||
	    (parent && strcmp(vmdev_parent_get_name(vmdev_mdev_get_parent(mdev)), parent) != 0))
		return mc_fail(MC_FAILED, "Mediated device %s is not active", a->uuid);
	running_parent = vmdev_parent_get_name(vmdev_mdev_get_parent(mdev));
	running_type = vmdev_type_get_id(vmdev_mdev_get_type(mdev));
	r = new_definition(a, a->uuid, running_parent, running_type, &json);
	if (!r)
		r = mc_apply_jsonfile(json, a->value[MC_JSONFILE]);
	if (r)
		return r;
	if (strcmp(vmdev_definition_get_type(json), running_type) != 0)
		return mc_fail(MC_FAILED, "'type' cannot be changed on active mdev (%s runs as %s)",
			       a->uuid, running_type);
	if (a->given[MC_DEFINED]) {
		r = vmdev_definition_find(a->ctx, a->uuid, running_parent, &def);
		if (r < 0)
			return mc_fail(MC_FAILED, "Mediated device %s/%s is not defined", running_parent,
				       a->uuid);
		if (strcmp(vmdev_definition_get_type(def), running_type) != 0)
			return mc_fail(MC_FAILED, "'type' of active and defined mdev does not match");
	}
	r = apply_live(mdev, json);
	if (r || !def)
		return r;
	/* the file is read once (it may be a pipe): its content goes over */
	r = vmdev_definition_to_json(json, 0, &text);
	if (r == 0)
		r = vmdev_definition_set_json(def, text, strlen(text), NULL, NULL);
	free(text);
	if (r < 0)
		return mc_fail(MC_FAILED, "cannot store the definition of %s: %s", a->uuid,
			       strerror(-r));
	return save(def);
}

int mc_modify(struct mc_args *a)
{
	const char *parent = opt(a, MC_PARENT);
	struct vmdev_definition *def;
	int r;

	if (a->given[MC_LIVE])
		return modify_live(a);
	if (a->given[MC_JSONFILE]) {
		/* 1.4: the definition replaced by (or made from) the file */
		if (!parent)
			return mc_fail(MC_FAILED, "Parent device required to modify device via json file");
		r = vmdev_definition_find(a->ctx, a->uuid, parent, &def);
		if (r == -EBADMSG || r == -ENOENT)
			r = new_definition(a, a->uuid, parent, "mdev", &def);
		else if (r < 0)
			r = mc_find_definition(a, &def);
		if (!r)
			r = mc_apply_jsonfile(def, a->value[MC_JSONFILE]);
		if (!r && !vmdev_definition_is_saved(def)) {
			/* a new one, or over an unreadable file: replace it */
			struct vmdev_definition *old;

			if (vmdev_definition_find(a->ctx, a->uuid, parent, &old) == -EBADMSG)
				return mc_fail(MC_FAILED, "the definition of %s under %s cannot be read: undefine it first",
					       a->uuid, parent);
		}
		return r ? r : save(def);
	}
	r = mc_find_definition(a, &def);
	if (r)
		return r;
	if (a->given[MC_TYPE] && vmdev_definition_set_type(def, a->value[MC_TYPE]) < 0)
		return mc_fail(MC_USAGE, "invalid type '%s': not a name", a->value[MC_TYPE]);
	if (a->given[MC_AUTO] || a->given[MC_MANUAL])
		vmdev_definition_set_start(def, a->given[MC_AUTO] ? VMDEV_START_AUTO
								  : VMDEV_START_MANUAL);
	r = change_attrs(a, def);
	return r ? r : save(def);
}
