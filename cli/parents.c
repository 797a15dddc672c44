// SPDX-License-Identifier: GPL-2.0-or-later
/* parents: the devices that offer mdevs, on every bus. */
#include <stdio.h>
#include <stdlib.h>

#include "jsonout.h"
#include "vmdevctl.h"

struct parent_record {
	struct vmdev_parent *parent; /* for its types, listed where printed */
	const char *name, *bus, *path;
	char *driver; /* read live; NULL: none */
	int iommu_group;
	bool wrapped_pci;
};

static void parent_record_read(struct vmdev_parent *parent, struct parent_record *rec)
{
	*rec = (struct parent_record){
		.parent = parent,
		.name = vmdev_parent_get_name(parent),
		.bus = vmdev_parent_get_bus(parent),
		.path = vmdev_parent_get_path(parent),
		.iommu_group = vmdev_parent_get_iommu_group(parent),
		.wrapped_pci = vmdev_parent_is_wrapped_pci(parent),
	};
	vmdev_parent_get_driver(parent, &rec->driver);
}

static void parent_record_json(struct jout *j, const struct parent_record *rec)
{
	struct vmdev_type *type;

	jout_open_object(j, NULL);
	jout_string(j, "parent", rec->name);
	jout_string(j, "bus", rec->bus);
	jout_string(j, "driver", rec->driver);
	jout_int_or_null(j, "iommu_group", rec->iommu_group);
	jout_string(j, "path", rec->path);
	jout_open_array(j, "types");
	vmdev_type_foreach(rec->parent, type)
		jout_string(j, NULL, vmdev_type_get_id(type));
	jout_close_array(j);
	jout_bool(j, "wrapped_pci", rec->wrapped_pci);
	jout_close_object(j);
}

static void parent_record_text(const struct parent_record *rec, bool *header)
{
	struct vmdev_type *type;
	char group[16] = "-";
	bool first = true;

	if (!*header) {
		printf("%-16s %-8s %-12s %-6s %s\n", "PARENT", "BUS", "DRIVER", "GROUP", "TYPES");
		*header = true;
	}
	if (rec->iommu_group >= 0)
		snprintf(group, sizeof(group), "%d", rec->iommu_group);
	printf("%-16s %-8s %-12s %-6s", rec->name, or_dash(rec->bus), or_dash(rec->driver),
	       group);
	vmdev_type_foreach(rec->parent, type) {
		printf("%s%s", first ? " " : ",", vmdev_type_get_id(type));
		first = false;
	}
	putchar('\n');
}

static int run_parents(struct cli *cli, const void *options)
{
	struct vmdev_parent *parent;
	struct jout j;
	bool listed = false;
	int r;

	r = no_arguments(cli, "parents");
	if (r)
		return r;
	if (cli->quiet)
		return EXIT_OK;
	if (cli->json)
		jout_begin(&j, stdout);
	vmdev_parent_foreach(cli->ctx, parent) {
		struct parent_record rec;

		parent_record_read(parent, &rec);
		if (cli->json)
			parent_record_json(&j, &rec);
		else
			parent_record_text(&rec, &listed);
		free(rec.driver);
	}
	if (cli->json)
		jout_end(&j);
	else if (!listed)
		hint_no_mdev_parents();
	return EXIT_OK;
}

const struct command cmd_parents = {
	.name = "parents",
	.usage = "parents",
	.summary = "mdev-capable parent devices",
	.run = run_parents,
};
