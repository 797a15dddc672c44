// SPDX-License-Identifier: GPL-2.0-or-later
/* list, types and parents: the mdev side of the host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmdevctl.h"

static int no_arguments(struct cli *cli, const char *name)
{
	if (cli->n_args > 0)
		return fail_usage("%s takes no argument '%s' (see vmdevctl help %s)",
				  name, cli->args[0], name);
	return 0;
}

/* Check -p and -t name something that exists before listing anything. */
static int check_filters(struct cli *cli)
{
	struct vmdev_parent *parent = NULL;
	struct vmdev_type *type;
	int r;

	if (cli->parent) {
		r = vmdev_parent_find(cli->ctx, cli->parent, &parent);
		if (r == -ENOENT) {
			fail(0, "no mdev parent '%s' (see vmdevctl parents)",
			     cli->parent);
			return EXIT_NOT_FOUND;
		}
		if (r < 0)
			return fail(r, "cannot read mdev parents");
	}
	if (cli->type) {
		bool found = false;

		vmdev_parent_foreach(cli->ctx, parent) {
			if (cli->parent && strcmp(vmdev_parent_get_name(parent), cli->parent))
				continue;
			if (vmdev_type_find(parent, cli->type, &type) == 0)
				found = true;
		}
		if (!found) {
			fail(0, "no mdev type '%s'%s%s (see vmdevctl types)", cli->type,
			     cli->parent ? " on " : "", cli->parent ? cli->parent : "");
			return EXIT_NOT_FOUND;
		}
	}
	return 0;
}

static bool type_selected(struct cli *cli, struct vmdev_type *type)
{
	struct vmdev_parent *parent = vmdev_type_get_parent(type);

	if (cli->parent && strcmp(vmdev_parent_get_name(parent), cli->parent))
		return false;
	return !cli->type || !strcmp(vmdev_type_get_id(type), cli->type);
}

static json_object *mdev_to_json(struct vmdev_mdev *mdev, char *driver)
{
	struct vmdev_type *type = vmdev_mdev_get_type(mdev);
	json_object *o = json_object_new_object();
	int group = vmdev_mdev_get_iommu_group(mdev);

	json_add_string(o, "uuid", vmdev_mdev_get_uuid(mdev));
	json_add_string(o, "parent", vmdev_parent_get_name(vmdev_mdev_get_parent(mdev)));
	json_add_string(o, "type", vmdev_type_get_id(type));
	json_add_string(o, "type_name", vmdev_type_get_name(type));
	json_add_string(o, "device_api", vmdev_type_get_device_api(type));
	json_object_object_add(o, "iommu_group",
			       group >= 0 ? json_object_new_int(group) : NULL);
	json_add_string(o, "driver", driver);
	json_add_string(o, "path", vmdev_mdev_get_path(mdev));
	return o;
}

int cmd_list(struct cli *cli)
{
	json_object *array = json_object_new_array();
	struct vmdev_mdev *mdev;
	bool header = false;
	int r;

	r = no_arguments(cli, "list");
	if (!r)
		r = check_filters(cli);
	if (r) {
		json_object_put(array);
		return r;
	}
	if (cli->uuid && vmdev_mdev_find(cli->ctx, cli->uuid, &mdev) < 0) {
		json_object_put(array);
		fail(0, "no mdev %s (see vmdevctl list)", cli->uuid);
		return EXIT_NOT_FOUND;
	}
	vmdev_mdev_foreach(cli->ctx, mdev) {
		char *driver = NULL;

		if (!type_selected(cli, vmdev_mdev_get_type(mdev)))
			continue;
		if (cli->uuid && strcmp(cli->uuid, vmdev_mdev_get_uuid(mdev)))
			continue;
		vmdev_mdev_get_driver(mdev, &driver);
		json_object_array_add(array, mdev_to_json(mdev, driver));
		free(driver);
	}
	if (cli->json)
		return json_print(cli, array);
	for (size_t i = 0; !cli->quiet && i < json_object_array_length(array); i++) {
		json_object *o = json_object_array_get_idx(array, i), *v;

		if (!header) {
			printf("%-36s  %-14s %-18s %-6s %s\n", "UUID", "PARENT", "TYPE",
			       "GROUP", "DRIVER");
			header = true;
		}
		printf("%-36s  %-14s %-18s ",
		       json_object_get_string(json_object_object_get(o, "uuid")),
		       json_object_get_string(json_object_object_get(o, "parent")),
		       json_object_get_string(json_object_object_get(o, "type")));
		v = json_object_object_get(o, "iommu_group");
		printf("%-6s %s\n", v ? json_object_get_string(v) : "-",
		       or_dash(json_object_get_string(json_object_object_get(o, "driver"))));
	}
	json_object_put(array);
	return EXIT_OK;
}

int cmd_types(struct cli *cli)
{
	json_object *array = json_object_new_array();
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	int r;

	r = no_arguments(cli, "types");
	if (!r)
		r = check_filters(cli);
	if (r) {
		json_object_put(array);
		return r;
	}
	vmdev_parent_foreach(cli->ctx, parent) {
		vmdev_type_foreach(parent, type) {
			json_object *o, *mdevs;
			struct vmdev_mdev *mdev;
			unsigned int avail;

			if (!type_selected(cli, type))
				continue;
			o = json_object_new_object();
			mdevs = json_object_new_array();
			json_add_string(o, "parent", vmdev_parent_get_name(parent));
			json_add_string(o, "type", vmdev_type_get_id(type));
			json_add_string(o, "name", vmdev_type_get_name(type));
			json_add_string(o, "description", vmdev_type_get_description(type));
			json_add_string(o, "device_api", vmdev_type_get_device_api(type));
			if (vmdev_type_get_available_instances(type, &avail) == 0)
				json_add_int(o, "available_instances", avail);
			else
				json_object_object_add(o, "available_instances", NULL);
			vmdev_type_mdev_foreach(type, mdev)
				json_object_array_add(mdevs,
					json_object_new_string(vmdev_mdev_get_uuid(mdev)));
			json_object_object_add(o, "mdevs", mdevs);
			json_object_array_add(array, o);
		}
	}
	if (cli->json)
		return json_print(cli, array);
	const char *last_parent = NULL;
	for (size_t i = 0; !cli->quiet && i < json_object_array_length(array); i++) {
		json_object *o = json_object_array_get_idx(array, i);
		const char *p = json_object_get_string(json_object_object_get(o, "parent"));
		json_object *avail = json_object_object_get(o, "available_instances");
		const char *desc = json_object_get_string(json_object_object_get(o, "description"));

		if (!last_parent || strcmp(last_parent, p)) {
			printf("%s\n", p);
			last_parent = p;
		}
		printf("  %-24s %-9s available %-4s mdevs %-4zu %s\n",
		       json_object_get_string(json_object_object_get(o, "type")),
		       or_dash(json_object_get_string(json_object_object_get(o, "device_api"))),
		       avail ? json_object_get_string(avail) : "?",
		       json_object_array_length(json_object_object_get(o, "mdevs")),
		       or_dash(json_object_get_string(json_object_object_get(o, "name"))));
		for (const char *line = desc; line && *line;) {
			size_t len = strcspn(line, "\n");

			printf("    %.*s\n", (int)len, line);
			line += len + (line[len] == '\n');
		}
	}
	json_object_put(array);
	return EXIT_OK;
}

int cmd_parents(struct cli *cli)
{
	json_object *array = json_object_new_array();
	struct vmdev_parent *parent;
	int r;

	r = no_arguments(cli, "parents");
	if (r) {
		json_object_put(array);
		return r;
	}
	vmdev_parent_foreach(cli->ctx, parent) {
		json_object *o = json_object_new_object(), *types = json_object_new_array();
		int group = vmdev_parent_get_iommu_group(parent);
		struct vmdev_type *type;
		char *driver = NULL;

		vmdev_parent_get_driver(parent, &driver);
		json_add_string(o, "parent", vmdev_parent_get_name(parent));
		json_add_string(o, "bus", vmdev_parent_get_bus(parent));
		json_add_string(o, "driver", driver);
		json_object_object_add(o, "iommu_group",
				       group >= 0 ? json_object_new_int(group) : NULL);
		json_add_string(o, "path", vmdev_parent_get_path(parent));
		vmdev_type_foreach(parent, type)
			json_object_array_add(types,
				json_object_new_string(vmdev_type_get_id(type)));
		json_object_object_add(o, "types", types);
		json_object_array_add(array, o);
		free(driver);
	}
	if (cli->json)
		return json_print(cli, array);
	for (size_t i = 0; !cli->quiet && i < json_object_array_length(array); i++) {
		json_object *o = json_object_array_get_idx(array, i);
		json_object *types = json_object_object_get(o, "types");
		json_object *group = json_object_object_get(o, "iommu_group");

		if (i == 0)
			printf("%-16s %-8s %-12s %-6s %s\n", "PARENT", "BUS", "DRIVER",
			       "GROUP", "TYPES");
		printf("%-16s %-8s %-12s %-6s",
		       json_object_get_string(json_object_object_get(o, "parent")),
		       or_dash(json_object_get_string(json_object_object_get(o, "bus"))),
		       or_dash(json_object_get_string(json_object_object_get(o, "driver"))),
		       group ? json_object_get_string(group) : "-");
		for (size_t t = 0; t < json_object_array_length(types); t++)
			printf("%s%s", t ? "," : " ",
			       json_object_get_string(json_object_array_get_idx(types, t)));
		putchar('\n');
	}
	json_object_put(array);
	return EXIT_OK;
}
