// SPDX-License-Identifier: GPL-2.0-or-later
/* devices: PCI devices with their ids, names, drivers and groups. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmdevctl.h"

static json_object *pci_to_json(struct vmdev_pci *pci, const char *driver)
{
	json_object *o = json_object_new_object();
	char *override = NULL;
	unsigned int numvfs;
	int group = vmdev_pci_get_iommu_group(pci);

	json_add_string(o, "address", vmdev_pci_get_address(pci));
	json_add_hex(o, "vendor", vmdev_pci_get_vendor(pci), 4);
	json_add_hex(o, "device", vmdev_pci_get_device(pci), 4);
	json_add_hex(o, "subsystem_vendor", vmdev_pci_get_subsystem_vendor(pci), 4);
	json_add_hex(o, "subsystem_device", vmdev_pci_get_subsystem_device(pci), 4);
	json_add_hex(o, "class", vmdev_pci_get_class(pci), 6);
	json_add_hex(o, "revision", vmdev_pci_get_revision(pci), 2);
	json_add_string(o, "vendor_name", vmdev_pci_get_vendor_name(pci));
	json_add_string(o, "device_name", vmdev_pci_get_device_name(pci));
	json_add_string(o, "driver", driver);
	vmdev_pci_get_driver_override(pci, &override);
	json_add_string(o, "driver_override", override);
	free(override);
	json_object_object_add(o, "iommu_group",
			       group >= 0 ? json_object_new_int(group) : NULL);
	json_add_bool(o, "bridge", vmdev_pci_is_bridge(pci));
	if (vmdev_pci_get_sriov_numvfs(pci, &numvfs) == 0)
		json_add_int(o, "sriov_numvfs", numvfs);
	else
		json_object_object_add(o, "sriov_numvfs", NULL);
	json_add_bool(o, "mdev_parent", vmdev_pci_is_mdev_parent(pci));
	return o;
}

static void print_text(json_object *array)
{
	for (size_t i = 0; i < json_object_array_length(array); i++) {
		json_object *o = json_object_array_get_idx(array, i);
		json_object *group = json_object_object_get(o, "iommu_group");
		const char *vendor = json_object_get_string(json_object_object_get(o, "vendor_name"));
		const char *device = json_object_get_string(json_object_object_get(o, "device_name"));

		if (i == 0)
			printf("%-12s %-9s %-6s %-6s %-14s %s\n", "ADDRESS", "ID", "CLASS",
			       "GROUP", "DRIVER", "NAME");
		printf("%-12s %s:%s %.4s   %-6s %-14s %s%s%s\n",
		       json_object_get_string(json_object_object_get(o, "address")),
		       json_object_get_string(json_object_object_get(o, "vendor")),
		       json_object_get_string(json_object_object_get(o, "device")),
		       json_object_get_string(json_object_object_get(o, "class")),
		       group ? json_object_get_string(group) : "-",
		       or_dash(json_object_get_string(json_object_object_get(o, "driver"))),
		       vendor ? vendor : "", vendor && device ? " " : "",
		       device ? device : "");
	}
}

int cmd_devices(struct cli *cli)
{
	json_object *array;
	struct vmdev_pci *pci;
	char (*wanted)[VMDEV_PCI_ADDR_LEN] = NULL;

	if (cli->n_args > 0) {
		wanted = calloc((size_t)cli->n_args, sizeof(*wanted));
		if (!wanted)
			return fail(-ENOMEM, "devices");
	}
	/* every address is checked before any output */
	for (int i = 0; i < cli->n_args; i++) {
		int r = vmdev_parse_pci_address(cli->args[i], wanted[i]);

		if (r < 0) {
			free(wanted);
			return fail_usage("invalid PCI address '%s' (expected DDDD:BB:DD.F)",
					  shown(cli->args[i]));
		}
		r = vmdev_pci_find(cli->ctx, wanted[i], &pci);
		if (r == -ENOENT)
			fail(0, "no PCI device %s (see vmdevctl devices)", wanted[i]);
		else if (r < 0)
			fail(r, "cannot read PCI device %s", wanted[i]);
		if (r < 0) {
			free(wanted);
			return r == -ENOENT ? EXIT_NOT_FOUND : exit_code_for(r);
		}
	}
	if (cli->group) {
		struct vmdev_group *group;

		if (vmdev_group_find(cli->ctx, cli->group_number, &group) < 0) {
			free(wanted);
			fail(0, "no IOMMU group %u (see vmdevctl groups)", cli->group_number);
			return EXIT_NOT_FOUND;
		}
	}

	array = json_object_new_array();
	vmdev_pci_foreach(cli->ctx, pci) {
		char *driver = NULL;
		bool selected = cli->n_args == 0;

		for (int i = 0; i < cli->n_args && !selected; i++)
			selected = !strcmp(wanted[i], vmdev_pci_get_address(pci));
		if (!selected)
			continue;
		if (cli->group &&
		    vmdev_pci_get_iommu_group(pci) != (int)cli->group_number)
			continue;
		vmdev_pci_get_driver(pci, &driver);
		if (cli->driver && (!driver || strcmp(driver, cli->driver))) {
			free(driver);
			continue;
		}
		json_object_array_add(array, pci_to_json(pci, driver));
		free(driver);
	}
	free(wanted);
	if (cli->json)
		return json_print(cli, array);
	if (!cli->quiet)
		print_text(array);
	json_object_put(array);
	return EXIT_OK;
}
