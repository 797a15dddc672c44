// SPDX-License-Identifier: GPL-2.0-or-later
/* create and remove: mdevs made and gone, waiting for the kernel and udev. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmdevctl.h"

int cmd_create(struct cli *cli)
{
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct vmdev_mdev *mdev = NULL;
	const char *uuid;
	unsigned int left = 0;
	int r;

	if (cli->n_args > 0)
		return fail_usage("create takes no argument '%s' (see vmdevctl help create)",
				  shown(cli->args[0]));
	if (!cli->parent || !cli->type)
		return fail_usage("create needs -p PARENT and -t TYPE (see vmdevctl types)");
	r = vmdev_parent_find(cli->ctx, cli->parent, &parent);
	if (r == -ENOENT) {
		fail(0, "no mdev parent '%s' (see vmdevctl parents)", shown(cli->parent));
		return EXIT_NOT_FOUND;
	}
	if (r < 0)
		return fail(r, "cannot read mdev parents");
	if (vmdev_type_find(parent, cli->type, &type) < 0) {
		fail(0, "no mdev type '%s' on %s (see vmdevctl types -p %s)", shown(cli->type),
		     shown(cli->parent), shown(cli->parent));
		return EXIT_NOT_FOUND;
	}
	r = vmdev_mdev_create(type, cli->uuid, &mdev);
	uuid = mdev ? vmdev_mdev_get_uuid(mdev) : "(unknown)";
	switch (r) {
	case 0:
		break;
	case -ENOSPC: {
		unsigned int existing;
		bool drift;

		if (vmdev_type_get_instance_drift(type, &drift, &left, &existing) == 0 &&
		    existing > 0 && left > 0) {
			fail(0, "cannot create mdev on %s/%s: available_instances says %u but %u mdev%s exist%s: the driver miscounts; remove it first (vmdevctl list -t %s)",
			     cli->parent, cli->type, left, existing, existing == 1 ? "" : "s",
			     existing == 1 ? "s" : "", cli->type);
			return EXIT_BUSY;
		}
	}
		vmdev_type_get_available_instances(type, &left);
		fail(0, "cannot create mdev on %s/%s: no available instances (%u left; remove one first)",
		     cli->parent, cli->type, left);
		return EXIT_BUSY;
	case -EEXIST:
		if (cli->uuid)
			fail(0, "cannot create mdev %s: an mdev with that UUID exists (see vmdevctl list -u %s)",
			     cli->uuid, cli->uuid);
		else
			fail(0, "cannot create mdev on %s/%s: the generated UUID is taken; try again",
			     cli->parent, cli->type);
		return EXIT_BUSY;
	case -ETIMEDOUT:
		fail(0, "cannot create mdev on %s/%s: not ready after %u ms; nothing of it is left (raise --timeout?)",
		     cli->parent, cli->type, vmdev_get_timeout_ms(cli->ctx));
		return EXIT_FAILED;
	case -ENOTRECOVERABLE:
		fail(0, "cannot create mdev on %s/%s: not ready after %u ms, and removing it failed: it is left at /sys/bus/mdev/devices/%s (vmdevctl remove %s)",
		     cli->parent, cli->type, vmdev_get_timeout_ms(cli->ctx), uuid, uuid);
		return EXIT_FAILED;
	default:
		return fail(r, "cannot create mdev on %s/%s", cli->parent, cli->type);
	}
	if (cli->dry_run)
		return EXIT_OK;
	if (!cli->json) {
		if (!cli->quiet)
			puts(uuid);
		return EXIT_OK;
	}
	/* print it as list does: it is in the model already */
	memcpy(cli->uuid_buf, uuid, VMDEV_UUID_LEN);
	cli->uuid = cli->uuid_buf;
	return cmd_list(cli);
}

int cmd_remove(struct cli *cli)
{
	int n = cli->n_args + (cli->uuid ? 1 : 0);
	struct vmdev_mdev **mdevs;
	int r = 0;

	if (n == 0)
		return fail_usage("remove needs a UUID (see vmdevctl list)");
	mdevs = calloc((size_t)n, sizeof(*mdevs));
	if (!mdevs)
		return fail(-ENOMEM, "remove");
	/* every UUID is checked, and every mdev found and free, before any write */
	for (int i = 0; i < n && !r; i++) {
		const char *text = i < cli->n_args ? cli->args[i] : cli->uuid;
		char uuid[VMDEV_UUID_LEN];
		struct vmdev_refusal *refusal = NULL;
		char *detail = NULL;

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
		r = vmdev_mdev_check_remove(mdevs[i], &refusal);
		if (r < 0) {
			r = fail(r, "cannot remove mdev %s", uuid);
		} else if (refusal) {
			detail = refusal_text(refusal, NULL, NULL);
			vmdev_refusal_free(refusal);
			fail(0, "cannot remove mdev %s: it is in use by %s; stop that first",
			     uuid, detail);
			r = EXIT_BUSY;
		}
		free(detail);
	}
	for (int i = 0; i < n && !r; i++) {
		char uuid[VMDEV_UUID_LEN];
		int e;

		/* a removed mdev leaves the model: keep its name for the message */
		memcpy(uuid, vmdev_mdev_get_uuid(mdevs[i]), sizeof(uuid));
		e = vmdev_mdev_remove(mdevs[i]);
		if (e == -ETIMEDOUT)
			r = fail_code(EXIT_FAILED, "cannot remove mdev %s: still there after %u ms",
				      uuid, vmdev_get_timeout_ms(cli->ctx));
		else if (e < 0)
			r = fail(e, "cannot remove mdev %s", uuid);
	}
	free(mdevs);
	return r;
}
