// SPDX-License-Identifier: GPL-2.0-or-later
/* list: the active mdevs, each read once and printed as it is read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "definitions.h"
#include "mdevs.h"
#include "vfio-device.h"

struct list_options {
	const char *parent, *type;
	char uuid[VMDEV_UUID_LEN];
	bool defined;
};

static const struct command_option list_options[] = {
	NAME_OPTION("parent", 'p', "parent name", struct list_options, parent),
	NAME_OPTION("type", 't', "type name", struct list_options, type),
	UUID_OPTION("uuid", 'u', struct list_options, uuid),
	FLAG_OPTION("defined", 0, struct list_options, defined),
	END_OPTIONS,
};

/* One mdev as list shows it, read once. */
struct mdev_record {
	const char *uuid, *parent, *type, *type_name, *device_api, *path;
	int iommu_group;    /* negative: none */
	const char *driver; /* NULL: none */
	char *live_driver;  /* what driver points at, when read live */
	int vfio_device_r;  /* 0: vfio_device holds it (read live) */
	struct vmdev_vfio_device vfio_device;
};

/* the per-mdev path of list: inlined, so the record costs nothing at 100k */
#define HOT static inline __attribute__((always_inline))

/* Everything but the driver is cached by the library; the driver is read
 * live for one mdev (a link), from the library's snapshot for a listing
 * (one read of every mdev driver's directory, not a link per mdev). */
HOT void mdev_record_read(struct vmdev_mdev *mdev, bool live, bool json,
			  struct mdev_record *rec)
{
	struct vmdev_type *type = vmdev_mdev_get_type(mdev);

	*rec = (struct mdev_record){
		.uuid = vmdev_mdev_get_uuid(mdev),
		.parent = vmdev_parent_get_name(vmdev_mdev_get_parent(mdev)),
		.type = vmdev_type_get_id(type),
		.type_name = vmdev_type_get_name(type),
		.device_api = vmdev_type_get_device_api(type),
		.path = vmdev_mdev_get_path(mdev),
		.iommu_group = vmdev_mdev_get_iommu_group(mdev),
		.vfio_device_r = -ENOENT,
	};
	/* JSON only: the text has no column for it, and it is a few reads */
	if (json)
		rec->vfio_device_r = vmdev_mdev_get_vfio_device(mdev, &rec->vfio_device);
	if (live) {
		vmdev_mdev_get_driver(mdev, &rec->live_driver);
		rec->driver = rec->live_driver;
	} else {
		vmdev_mdev_get_scanned_driver(mdev, &rec->driver);
	}
}

HOT void mdev_record_free(struct mdev_record *rec)
{
	free(rec->live_driver);
	rec->live_driver = NULL;
}

HOT void mdev_record_members(struct jout *j, const struct mdev_record *rec)
{
	jout_string(j, "uuid", rec->uuid);
	jout_string(j, "parent", rec->parent);
	jout_string(j, "type", rec->type);
	jout_string(j, "type_name", rec->type_name);
	jout_string(j, "device_api", rec->device_api);
	jout_int_or_null(j, "iommu_group", rec->iommu_group);
	jout_string(j, "driver", rec->driver);
	jout_string(j, "path", rec->path);
	vfio_device_json(j, rec->vfio_device_r, &rec->vfio_device);
}

HOT void mdev_record_json(struct jout *j, const struct mdev_record *rec)
{
	jout_open_object(j, NULL);
	mdev_record_members(j, rec);
	jout_close_object(j);
}

void mdev_json_document(struct vmdev_mdev *mdev, struct vmdev_definition *def)
{
	struct mdev_record rec;
	struct jout j;

	jout_begin(&j, stdout);
	mdev_record_read(mdev, true, true, &rec);
	jout_open_object(&j, NULL);
	mdev_record_members(&j, &rec);
	if (def)
		definition_attrs_json(&j, def);
	jout_close_object(&j);
	mdev_record_free(&rec);
	jout_end(&j);
}

static void mdev_record_text(const struct mdev_record *rec, bool *header)
{
	char number[16] = "-";

	if (!*header) {
		printf("%-36s  %-14s %-18s %-6s %s\n", "UUID", "PARENT", "TYPE",
		       "GROUP", "DRIVER");
		*header = true;
	}
	if (rec->iommu_group >= 0)
		snprintf(number, sizeof(number), "%d", rec->iommu_group);
	printf("%-36s  %-14s %-18s %-6s %s\n", rec->uuid, rec->parent, rec->type, number,
	       or_dash(rec->driver));
}

/* Nothing listed and nothing filtered: say what the host lacks. */
static void hint_empty(struct cli *cli)
{
	if (vmdev_parent_get_first(cli->ctx))
		hint_no_mdevs();
	else
		hint_no_mdev_parents();
}

static int run_list(struct cli *cli, const void *options)
{
	const struct list_options *o = options;
	const struct mdev_filter filter = { o->parent, o->type };
	struct vmdev_mdev *mdev;
	struct jout j;
	bool listed = false;
	int r;

	r = no_arguments(cli, "list");
	if (!r && o->defined)
		return list_definitions(cli, o->parent, o->type, *o->uuid ? o->uuid : NULL);
	if (!r)
		r = mdev_filter_check(cli->ctx, &filter);
	if (r)
		return r;
	if (*o->uuid && vmdev_mdev_find(cli->ctx, o->uuid, &mdev) < 0) {
		fail(0, "no mdev %s (see vmdevctl list)", o->uuid);
		return EXIT_NOT_FOUND;
	}
	if (cli->quiet)
		return EXIT_OK;
	/* every group first (the library reads them when asked): an mdev
	 * removed since the scan shows by it, and the iteration skips it */
	vmdev_mdev_foreach(cli->ctx, mdev)
		vmdev_mdev_get_iommu_group(mdev);
	jout_buffer(stdout);
	if (cli->json)
		jout_begin(&j, stdout);
	vmdev_mdev_foreach(cli->ctx, mdev) {
		struct mdev_record rec;

		if (!mdev_filter_match(&filter, vmdev_mdev_get_type(mdev)))
			continue;
		if (*o->uuid && strcmp(o->uuid, vmdev_mdev_get_uuid(mdev)))
			continue;
		mdev_record_read(mdev, *o->uuid != '\0', cli->json, &rec);
		if (cli->json)
			mdev_record_json(&j, &rec);
		else
			mdev_record_text(&rec, &listed);
		mdev_record_free(&rec);
	}
	if (cli->json)
		jout_end(&j);
	else if (!listed && !o->parent && !o->type && !*o->uuid)
		hint_empty(cli);
	return EXIT_OK;
}

const struct command cmd_list = {
	.name = "list",
	.usage = "list [--defined] [-p PARENT] [-t TYPE] [-u UUID]",
	.summary = "active mdevs; with --defined, the definitions",
	.options = list_options,
	.options_size = sizeof(struct list_options),
	.run = run_list,
};
