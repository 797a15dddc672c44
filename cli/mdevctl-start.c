// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mdevctl start, stop and start-parent-mdevs (what mdevctl's udev rule
 * runs). mdevctl's rules for what start needs (a definition by UUID, or a
 * parent and a type, or a parent and a --jsonfile); the library does the
 * work: it refuses an active UUID and a type without instances, writes
 * the attributes in order, removes the device again if one fails, and
 * returns once the device is ready (mdevctl does not wait: a documented
 * difference).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mdevctl.h"
#include "refusals.h"

static const char *opt(struct mc_args *a, enum mc_opt o)
{
	return a->given[o] ? a->value[o] : NULL;
}

/* the definition to start: by UUID (and parent), or made from the
 * options or the JSON, in memory only (a transient mdev) */
static int what_to_start(struct mc_args *a, struct vmdev_definition **def)
{
	const char *uuid = a->given[MC_UUID] ? a->uuid : NULL;
	const char *parent = opt(a, MC_PARENT), *type = opt(a, MC_TYPE);
	int r;

	if (a->given[MC_JSONFILE]) {
		if (!parent)
			return mc_fail(MC_FAILED, "Parent device required to start device via json file");
		r = vmdev_definition_new(a->ctx, uuid, parent, "mdev", def);
		if (r < 0)
			return mc_fail(r == -EINVAL ? MC_USAGE : MC_FAILED, "cannot start an mdev on '%s': %s",
				       parent, strerror(-r));
		return mc_apply_jsonfile(*def, a->value[MC_JSONFILE]);
	}
	if (uuid) {
		r = vmdev_definition_find(a->ctx, uuid, parent, def);
		if (r == -ENOTUNIQ)
			return mc_fail(MC_FAILED, "Multiple definitions found for device %s. Please specify a parent.",
				       uuid);
		if (r == -EBADMSG)
			return mc_find_definition(a, def);
		if (r == 0 && type && strcmp(type, vmdev_definition_get_type(*def)) != 0)
			return mc_fail(MC_FAILED, "Device %s already exists on parent %s with type %s",
				       uuid, vmdev_definition_get_parent(*def),
				       vmdev_definition_get_type(*def));
		if (r == 0)
			return 0;
	}
	if (type && !parent)
		return mc_fail(MC_FAILED, "can't provide type without parent");
	if (!type || !parent)
		return mc_fail(MC_FAILED, "Device is insufficiently specified");
	r = vmdev_definition_new(a->ctx, uuid, parent, type, def);
	if (r < 0)
		return mc_fail(r == -EINVAL ? MC_USAGE : MC_FAILED, "cannot start %s on %s/%s: %s",
			       uuid ? uuid : "an mdev", parent, type, strerror(-r));
	return 0;
}

int mc_start(struct mc_args *a)
{
	struct vmdev_definition *def;
	struct vmdev_mdev *mdev = NULL;
	size_t failed = SIZE_MAX;
	char *why = NULL;
	int r = what_to_start(a, &def);

	if (r)
		return r;
	r = vmdev_definition_start(def, &mdev, &failed);
	if (r < 0) {
		start_failure_text(def, r, failed, mdev, &why);
		mc_fail(MC_FAILED, "cannot start %s on %s/%s: %s", vmdev_definition_get_uuid(def),
			vmdev_definition_get_parent(def), vmdev_definition_get_type(def),
			why ? why : strerror(-r));
		free(why);
		return MC_FAILED;
	}
	if (!a->given[MC_UUID])
		puts(vmdev_definition_get_uuid(def));
	return MC_OK;
}

int mc_stop(struct mc_args *a)
{
	struct vmdev_mdev *mdev;
	int r = vmdev_mdev_find(a->ctx, a->uuid, &mdev);

	if (r < 0)
		return mc_fail(MC_FAILED, "Error removing device %s: it is not active", a->uuid);
	r = vmdev_mdev_remove(mdev);
	if (r == -EBUSY)
		return mc_fail(MC_FAILED, "Error removing device %s: a process holds it open (see vmdevctl groups)",
			       a->uuid);
	if (r < 0)
		return mc_fail(MC_FAILED, "Error removing device %s: %s", a->uuid, strerror(-r));
	return MC_OK;
}

/* every "auto" definition of PARENT that is not running yet; like mdevctl,
 * a failed one is a warning and the command still succeeds */
int mc_start_parent_mdevs(struct mc_args *a)
{
	struct vmdev_autostart *results = NULL, *res;
	int r;

	if (vmdev_check_name(a->positional) < 0)
		return mc_fail(MC_USAGE, "invalid parent name '%s'", a->positional);
	r = vmdev_parent_autostart(a->ctx, a->positional, &results);
	if (r < 0)
		return mc_fail(MC_FAILED, "cannot start the mdevs of %s: %s", a->positional,
			       strerror(-r));
	vmdev_autostart_foreach(results, res) {
		struct vmdev_definition *def = vmdev_autostart_get_definition(res);
		enum vmdev_autostart_action action = vmdev_autostart_get_action(res);
		size_t index = SIZE_MAX;
		char *why = NULL;

		if (action == VMDEV_AUTOSTART_STARTED || action == VMDEV_AUTOSTART_ALREADY_ACTIVE)
			continue;
		if (action == VMDEV_AUTOSTART_FAILED) {
			vmdev_autostart_get_failed_attr(res, &index);
			start_failure_text(def, vmdev_autostart_get_error(res), index,
					   index != SIZE_MAX ? vmdev_autostart_get_mdev(res) : NULL,
					   &why);
		}
		fprintf(stderr, "Warning: %s on %s/%s not started: %s\n",
			vmdev_definition_get_uuid(def), vmdev_definition_get_parent(def),
			vmdev_definition_get_type(def),
			why ? why : "its UUID runs on another parent or with another type");
		free(why);
	}
	vmdev_autostart_free(results);
	return MC_OK;
}
