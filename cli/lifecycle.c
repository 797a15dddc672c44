// SPDX-License-Identifier: GPL-2.0-or-later
/* create and remove: mdevs made and gone, waiting for the kernel and udev. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdevs.h"
#include "refusals.h"

struct create_options {
	const char *parent, *type;
	char uuid[VMDEV_UUID_LEN];
	bool force;
};

static const struct command_option create_options[] = {
	NAME_OPTION("parent", 'p', "parent name", struct create_options, parent),
	NAME_OPTION("type", 't', "type name", struct create_options, type),
	UUID_OPTION("uuid", 'u', struct create_options, uuid),
	FLAG_OPTION("force", 0, struct create_options, force),
	END_OPTIONS,
};

struct remove_options {
	char uuid[VMDEV_UUID_LEN];
	bool force; /* past a refusing callout */
};

static const struct command_option remove_options[] = {
	UUID_OPTION("uuid", 'u', struct remove_options, uuid),
	FLAG_OPTION("force", 0, struct remove_options, force),
	END_OPTIONS,
};


static int run_create(struct cli *cli, const void *options)
{
	const struct create_options *o = options;
	const char *given = *o->uuid ? o->uuid : NULL;
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct vmdev_mdev *mdev = NULL;
	const char *uuid;
	unsigned int left = 0;
	int r;

	r = no_arguments(cli, "create");
	if (r)
		return r;
	if (!o->parent || !o->type)
		return fail_usage("create needs -p PARENT and -t TYPE (see vmdevctl types)");
	r = vmdev_parent_find(cli->ctx, o->parent, &parent);
	if (r == -ENOENT) {
		fail(0, "no mdev parent '%s' (see vmdevctl parents)", shown(o->parent));
		return EXIT_NOT_FOUND;
	}
	if (r < 0)
		return fail(r, "cannot read mdev parents");
	if (vmdev_type_find(parent, o->type, &type) < 0) {
		fail(0, "no mdev type '%s' on %s (see vmdevctl types -p %s)", shown(o->type),
		     shown(o->parent), shown(o->parent));
		return EXIT_NOT_FOUND;
	}
	/* the new mdev comes back in the library's model, as list shows it */
	vmdev_set_callout_force(cli->ctx, o->force);
	r = vmdev_mdev_create(type, given, &mdev);
	uuid = mdev ? vmdev_mdev_get_uuid(mdev) : given ? given : "(unknown)";
	switch (r) {
	case 0:
		break;
	case -ENOSPC: {
		unsigned int existing;
		bool drift;

		if (vmdev_type_get_instance_drift(type, &drift, &left, &existing) == 0 &&
		    existing > 0 && left > 0) {
			fail(0, "cannot create mdev on %s/%s: available_instances says %u but %u mdev%s exist%s: the driver miscounts; remove it first (vmdevctl list -t %s)",
			     o->parent, o->type, left, existing, existing == 1 ? "" : "s",
			     existing == 1 ? "s" : "", o->type);
			return EXIT_BUSY;
		}
	}
		vmdev_type_get_available_instances(type, &left);
		fail(0, "cannot create mdev on %s/%s: no available instances (%u left; remove one first)",
		     o->parent, o->type, left);
		return EXIT_BUSY;
	case -EEXIST:
		if (given)
			fail(0, "cannot create mdev %s: an mdev with that UUID exists (see vmdevctl list -u %s)",
			     given, given);
		else
			fail(0, "cannot create mdev on %s/%s: the generated UUID is taken; try again",
			     o->parent, o->type);
		return EXIT_BUSY;
	case -ECANCELED: {
		char what[512];

		if (given)
			snprintf(what, sizeof(what), "%s", given);
		else
			snprintf(what, sizeof(what), "an mdev on %s/%s", o->parent, o->type);
		return fail_callout(cli, "start", what);
	}
	case -ETIMEDOUT:
		fail(0, "cannot create mdev on %s/%s: not ready after %u ms; nothing of it is left (raise --timeout?)",
		     o->parent, o->type, vmdev_get_timeout_ms(cli->ctx));
		return EXIT_FAILED;
	case -ENOTRECOVERABLE:
		fail(0, "cannot create mdev on %s/%s: not ready after %u ms, and removing it failed: it is left at /sys/bus/mdev/devices/%s (vmdevctl remove %s)",
		     o->parent, o->type, vmdev_get_timeout_ms(cli->ctx), uuid, uuid);
		return EXIT_FAILED;
	default:
		return fail(r, "cannot create mdev on %s/%s", o->parent, o->type);
	}
	if (cli->dry_run || cli->quiet)
		return EXIT_OK;
	if (cli->json)
		mdev_json_document(mdev, NULL);
	else
		puts(uuid);
	return EXIT_OK;
}

const struct command cmd_create = {
	.name = "create",
	.usage = "create -p PARENT -t TYPE [-u UUID] [--force]",
	.summary = "create an mdev, print its UUID once it is ready",
	.options = create_options,
	.options_size = sizeof(struct create_options),
	.run = run_create,
};

static int run_remove(struct cli *cli, const void *options)
{
	const struct remove_options *o = options;
	int n = cli->n_args + (*o->uuid ? 1 : 0);
	struct vmdev_mdev **mdevs;
	int r = 0;

	if (n == 0)
		return fail_usage("remove needs a UUID (see vmdevctl list)");
	mdevs = calloc((size_t)n, sizeof(*mdevs));
	if (!mdevs)
		return fail(-ENOMEM, "remove");
	/* every UUID is checked, and every mdev found and free, before any write */
	for (int i = 0; i < n && !r; i++) {
		const char *text = i < cli->n_args ? cli->args[i] : o->uuid;
		char uuid[VMDEV_UUID_LEN];

		if (vmdev_parse_uuid(text, uuid) < 0) {
			r = fail_usage("invalid UUID '%s' (expected 8-4-4-4-12 hex digits)", shown(text));
			break;
		}
		for (int j = 0; j < i; j++) {
			if (strcmp(vmdev_mdev_get_uuid(mdevs[j]), uuid) == 0) {
				r = fail_usage("mdev %s given twice", uuid);
				break;
			}
		}
		if (r)
			break;
		if (vmdev_mdev_find(cli->ctx, uuid, &mdevs[i]) < 0) {
			fail(0, "no mdev %s (see vmdevctl list)", uuid);
			r = EXIT_NOT_FOUND;
			break;
		}
		r = check_remove(mdevs[i]);
	}
	for (int i = 0; i < n && !r; i++) {
		char uuid[VMDEV_UUID_LEN];
		int e;

		/* a removed mdev leaves the model: keep its name for a message */
		memcpy(uuid, vmdev_mdev_get_uuid(mdevs[i]), sizeof(uuid));
		vmdev_set_callout_force(cli->ctx, o->force);
		e = vmdev_mdev_remove(mdevs[i]);
		if (e == -ECANCELED)
			r = fail_callout(cli, "stop", uuid);
		else if (e == -ETIMEDOUT)
			r = fail_code(EXIT_FAILED, "cannot remove mdev %s: still there after %u ms",
				      uuid, vmdev_get_timeout_ms(cli->ctx));
		else if (e < 0)
			r = fail(e, "cannot remove mdev %s", uuid);
	}
	free(mdevs);
	return r;
}

const struct command cmd_remove = {
	.name = "remove",
	.usage = "remove [--force] UUID... | -u UUID",
	.summary = "remove mdevs, return once they are gone",
	.options = remove_options,
	.options_size = sizeof(struct remove_options),
	.run = run_remove,
};
