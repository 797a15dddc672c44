// SPDX-License-Identifier: GPL-2.0-or-later
/* list, types and parents: the mdev side of the host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "vmdevctl.h"

static int no_arguments(struct cli *cli, const char *name)
{
	if (cli->n_args > 0)
		return fail_usage("%s takes no argument '%s' (see vmdevctl help %s)",
				  name, shown(cli->args[0]), name);
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
			     shown(cli->parent));
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
			fail(0, "no mdev type '%s'%s%s (see vmdevctl types)", shown(cli->type),
			     cli->parent ? " on " : "", cli->parent ? shown(cli->parent) : "");
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

/* One mdev as in the list schema, printed as it is read. */
static void mdev_print_json(struct jout *j, struct vmdev_mdev *mdev, const char *driver)
{
	struct vmdev_type *type = vmdev_mdev_get_type(mdev);
	int group = vmdev_mdev_get_iommu_group(mdev);

	jout_open_object(j, NULL);
	jout_string(j, "uuid", vmdev_mdev_get_uuid(mdev));
	jout_string(j, "parent", vmdev_parent_get_name(vmdev_mdev_get_parent(mdev)));
	jout_string(j, "type", vmdev_type_get_id(type));
	jout_string(j, "type_name", vmdev_type_get_name(type));
	jout_string(j, "device_api", vmdev_type_get_device_api(type));
	if (group >= 0)
		jout_int(j, "iommu_group", group);
	else
		jout_null(j, "iommu_group");
	jout_string(j, "driver", driver);
	jout_string(j, "path", vmdev_mdev_get_path(mdev));
	jout_close_object(j);
}

static void mdev_print_text(struct vmdev_mdev *mdev, const char *driver, bool *header)
{
	int group = vmdev_mdev_get_iommu_group(mdev);
	char number[16] = "-";

	if (!*header) {
		printf("%-36s  %-14s %-18s %-6s %s\n", "UUID", "PARENT", "TYPE",
		       "GROUP", "DRIVER");
		*header = true;
	}
	if (group >= 0)
		snprintf(number, sizeof(number), "%d", group);
	printf("%-36s  %-14s %-18s %-6s %s\n", vmdev_mdev_get_uuid(mdev),
	       vmdev_parent_get_name(vmdev_mdev_get_parent(mdev)),
	       vmdev_type_get_id(vmdev_mdev_get_type(mdev)), number, or_dash(driver));
}

/*
 * Each mdev is printed as it is read. The drivers come from the library's
 * snapshot (one listing of each mdev driver's directory for all mdevs);
 * with -u, one mdev, its driver link is read live instead.
 */
int cmd_list(struct cli *cli)
{
	struct vmdev_mdev *mdev;
	struct jout j;
	bool header = false;
	int r;

	r = no_arguments(cli, "list");
	if (!r)
		r = check_filters(cli);
	if (r)
		return r;
	if (cli->uuid && vmdev_mdev_find(cli->ctx, cli->uuid, &mdev) < 0) {
		fail(0, "no mdev %s (see vmdevctl list)", cli->uuid);
		return EXIT_NOT_FOUND;
	}
	if (cli->quiet)
		return EXIT_OK;
	jout_buffer(stdout);
	if (cli->json)
		jout_begin(&j, stdout);
	vmdev_mdev_foreach(cli->ctx, mdev) {
		const char *driver = NULL;
		char *live = NULL;

		if (!type_selected(cli, vmdev_mdev_get_type(mdev)))
			continue;
		if (cli->uuid && strcmp(cli->uuid, vmdev_mdev_get_uuid(mdev)))
			continue;
		if (cli->uuid)
			vmdev_mdev_get_driver(mdev, &live), driver = live;
		else
			vmdev_mdev_get_scanned_driver(mdev, &driver);
		if (cli->json)
			mdev_print_json(&j, mdev, driver);
		else
			mdev_print_text(mdev, driver, &header);
		free(live);
	}
	if (cli->json)
		jout_end(&j);
	return EXIT_OK;
}

/* The vfio-mdev-pci keys of a type: its decoded name, compatibility, drift. */
static void type_print_json_pci(struct jout *j, struct vmdev_type *type)
{
	char address[VMDEV_PCI_ADDR_LEN], hex[16], *key = NULL;
	struct vmdev_pci_ids ids;
	bool match, drift;

	if (vmdev_type_get_pci_ids(type, &ids) == 0) {
		const struct { const char *key; unsigned int value; int width; } f[] = {
			{ "vendor", ids.vendor, 4 },
			{ "device", ids.device, 4 },
			{ "subsystem_vendor", ids.subsystem_vendor, 4 },
			{ "subsystem_device", ids.subsystem_device, 4 },
			{ "class", ids.class_code, 6 },
			{ "revision", ids.revision, 2 },
		};

		jout_open_object(j, "pci_ids");
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			snprintf(hex, sizeof(hex), "%0*x", f[i].width, f[i].value);
			jout_string(j, f[i].key, hex);
		}
		jout_close_object(j);
	} else {
		jout_null(j, "pci_ids");
	}
	jout_string(j, "pci_address",
		    vmdev_type_get_pci_address(type, address) == 0 ? address : NULL);
	if (vmdev_type_pci_ids_match(type, &match) == 0)
		jout_bool(j, "pci_ids_match", match);
	else
		jout_null(j, "pci_ids_match");
	vmdev_type_get_compatibility_key(type, &key);
	jout_string(j, "compatibility_key", key);
	free(key);
	if (vmdev_type_get_instance_drift(type, &drift, NULL, NULL) == 0)
		jout_bool(j, "available_instances_drift", drift);
	else
		jout_null(j, "available_instances_drift");
}

/* Text-mode notes: ids that are not the parent's, a miscounted pool. */
static void type_print_text_notes(struct vmdev_type *type)
{
	unsigned int available, existing;
	bool match, drift;

	if (vmdev_type_pci_ids_match(type, &match) == 0 && !match) {
		struct vmdev_pci *pci = vmdev_parent_get_pci(vmdev_type_get_parent(type));

		printf("    note: the ids in the type name are not those of %s (%04x:%04x:%04x:%04x:%06x:%02x)\n",
		       vmdev_pci_get_address(pci), vmdev_pci_get_vendor(pci),
		       vmdev_pci_get_device(pci), vmdev_pci_get_subsystem_vendor(pci),
		       vmdev_pci_get_subsystem_device(pci), vmdev_pci_get_class(pci),
		       vmdev_pci_get_revision(pci));
	}
	if (vmdev_type_get_instance_drift(type, &drift, &available, &existing) == 0 && drift)
		printf("    note: available_instances says %u but %u mdev%s exist%s: the driver miscounts (one instance per device)\n",
		       available, existing, existing == 1 ? "" : "s", existing == 1 ? "s" : "");
}

static void type_print_json(struct jout *j, struct vmdev_type *type, const int *avail)
{
	struct vmdev_mdev *mdev;

	jout_open_object(j, NULL);
	jout_string(j, "parent", vmdev_parent_get_name(vmdev_type_get_parent(type)));
	jout_string(j, "type", vmdev_type_get_id(type));
	jout_string(j, "name", vmdev_type_get_name(type));
	jout_string(j, "description", vmdev_type_get_description(type));
	jout_string(j, "device_api", vmdev_type_get_device_api(type));
	if (avail)
		jout_int(j, "available_instances", *avail);
	else
		jout_null(j, "available_instances");
	jout_open_array(j, "mdevs");
	vmdev_type_mdev_foreach(type, mdev)
		jout_string(j, NULL, vmdev_mdev_get_uuid(mdev));
	jout_close_array(j);
	type_print_json_pci(j, type);
	jout_close_object(j);
}

static void type_print_text(struct vmdev_type *type, const int *avail,
			    const char **last_parent)
{
	const char *p = vmdev_parent_get_name(vmdev_type_get_parent(type));
	const char *desc = vmdev_type_get_description(type);
	struct vmdev_mdev *mdev;
	char number[16] = "?";
	size_t n = 0;

	if (!*last_parent || strcmp(*last_parent, p)) {
		printf("%s\n", p);
		*last_parent = p;
	}
	if (avail)
		snprintf(number, sizeof(number), "%d", *avail);
	vmdev_type_mdev_foreach(type, mdev)
		n++;
	printf("  %-24s %-9s available %-4s mdevs %-4zu %s\n", vmdev_type_get_id(type),
	       or_dash(vmdev_type_get_device_api(type)), number, n,
	       or_dash(vmdev_type_get_name(type)));
	for (const char *line = desc; line && *line;) {
		size_t len = strcspn(line, "\n");

		printf("    %.*s\n", (int)len, line);
		line += len + (line[len] == '\n');
	}
	type_print_text_notes(type);
}

/* Each type is printed as it is read; its attributes are read once. */
int cmd_types(struct cli *cli)
{
	const char *last_parent = NULL;
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct jout j;
	int r;

	r = no_arguments(cli, "types");
	if (!r)
		r = check_filters(cli);
	if (r)
		return r;
	if (cli->quiet)
		return EXIT_OK;
	jout_buffer(stdout);
	if (cli->json)
		jout_begin(&j, stdout);
	vmdev_parent_foreach(cli->ctx, parent) {
		vmdev_type_foreach(parent, type) {
			unsigned int avail;
			int count;
			bool known;

			if (!type_selected(cli, type))
				continue;
			known = vmdev_type_get_available_instances(type, &avail) == 0;
			count = (int)avail;
			if (cli->json)
				type_print_json(&j, type, known ? &count : NULL);
			else
				type_print_text(type, known ? &count : NULL, &last_parent);
		}
	}
	if (cli->json)
		jout_end(&j);
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
				json_string(vmdev_type_get_id(type)));
		json_object_object_add(o, "types", types);
		json_add_bool(o, "wrapped_pci", vmdev_parent_is_wrapped_pci(parent));
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
