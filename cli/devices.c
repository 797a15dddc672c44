// SPDX-License-Identifier: GPL-2.0-or-later
/* devices: PCI devices with their ids, names, drivers and groups. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "vfio-device.h"
#include "vmdevctl.h"

struct devices_options {
	const char *driver;
	struct group_option group;
};

static const struct command_option devices_options[] = {
	NAME_OPTION("driver", 'd', "driver name", struct devices_options, driver),
	GROUP_OPTION("iommu-group", 'g', struct devices_options, group),
	END_OPTIONS,
};

struct device_record {
	struct vmdev_pci *pci; /* for its ids and names, cached by the library */
	char *driver, *driver_override; /* read live; NULL: none */
	int iommu_group;
	bool numvfs_known;
	unsigned int numvfs;
	bool totalvfs_known;
	unsigned int totalvfs;
	struct vmdev_pci *physfn; /* the PF of a VF */
	int vfio_device_r; /* 0: vfio_device holds it */
	struct vmdev_vfio_device vfio_device;
};

static void device_record_read(struct vmdev_pci *pci, char *driver,
			       struct device_record *rec)
{
	*rec = (struct device_record){
		.pci = pci,
		.driver = driver,
		.iommu_group = vmdev_pci_get_iommu_group(pci),
	};
	vmdev_pci_get_driver_override(pci, &rec->driver_override);
	rec->numvfs_known = vmdev_pci_get_sriov_numvfs(pci, &rec->numvfs) == 0;
	rec->totalvfs_known = vmdev_pci_get_sriov_totalvfs(pci, &rec->totalvfs) == 0;
	if (vmdev_pci_get_physfn(pci, &rec->physfn) < 0)
		rec->physfn = NULL;
	rec->vfio_device_r = vmdev_pci_get_vfio_device(pci, &rec->vfio_device);
}

static void device_record_free(struct device_record *rec)
{
	free(rec->driver);
	free(rec->driver_override);
}

static void device_record_json(struct jout *j, const struct device_record *rec)
{
	struct vmdev_pci *pci = rec->pci;

	jout_open_object(j, NULL);
	jout_string(j, "address", vmdev_pci_get_address(pci));
	jout_hex(j, "vendor", vmdev_pci_get_vendor(pci), 4);
	jout_hex(j, "device", vmdev_pci_get_device(pci), 4);
	jout_hex(j, "subsystem_vendor", vmdev_pci_get_subsystem_vendor(pci), 4);
	jout_hex(j, "subsystem_device", vmdev_pci_get_subsystem_device(pci), 4);
	jout_hex(j, "class", vmdev_pci_get_class(pci), 6);
	jout_hex(j, "revision", vmdev_pci_get_revision(pci), 2);
	jout_string(j, "vendor_name", vmdev_pci_get_vendor_name(pci));
	jout_string(j, "device_name", vmdev_pci_get_device_name(pci));
	jout_string(j, "driver", rec->driver);
	jout_string(j, "driver_override", rec->driver_override);
	jout_int_or_null(j, "iommu_group", rec->iommu_group);
	jout_bool(j, "bridge", vmdev_pci_is_bridge(pci));
	if (rec->numvfs_known)
		jout_int(j, "sriov_numvfs", rec->numvfs);
	else
		jout_null(j, "sriov_numvfs");
	jout_bool(j, "mdev_parent", vmdev_pci_is_mdev_parent(pci));
	jout_string(j, "physfn", rec->physfn ? vmdev_pci_get_address(rec->physfn) : NULL);
	if (rec->totalvfs_known)
		jout_int(j, "sriov_totalvfs", rec->totalvfs);
	else
		jout_null(j, "sriov_totalvfs");
	vfio_device_json(j, rec->vfio_device_r, &rec->vfio_device);
	jout_close_object(j);
}

static void device_record_text(const struct device_record *rec, bool *header)
{
	struct vmdev_pci *pci = rec->pci;
	const char *vendor = vmdev_pci_get_vendor_name(pci);
	const char *device = vmdev_pci_get_device_name(pci);
	char class[16], group[16] = "-";

	if (!*header) {
		printf("%-12s %-9s %-6s %-6s %-14s %s\n", "ADDRESS", "ID", "CLASS", "GROUP",
		       "DRIVER", "NAME");
		*header = true;
	}
	snprintf(class, sizeof(class), "%06x", vmdev_pci_get_class(pci));
	if (rec->iommu_group >= 0)
		snprintf(group, sizeof(group), "%d", rec->iommu_group);
	printf("%-12s %04x:%04x %.4s   %-6s %-14s ", vmdev_pci_get_address(pci),
	       vmdev_pci_get_vendor(pci), vmdev_pci_get_device(pci), class, group,
	       or_dash(rec->driver));
	/* names come from the hardware database, as it has them */
	print_utf8(vendor ? vendor : "");
	fputs(vendor && device ? " " : "", stdout);
	print_utf8(device ? device : "");
	/* SR-IOV: where a VF comes from, what a PF can make */
	if (rec->physfn)
		printf("%s(VF of %s)", vendor || device ? " " : "", vmdev_pci_get_address(rec->physfn));
	if (rec->totalvfs_known)
		printf("%s(SR-IOV PF: %u of %u VFs)", vendor || device ? " " : "",
		       rec->numvfs_known ? rec->numvfs : 0, rec->totalvfs);
	putchar('\n');
}

/* Every address parsed and found before any output. */
static int find_addresses(struct cli *cli, char (*wanted)[VMDEV_PCI_ADDR_LEN])
{
	struct vmdev_pci *pci;

	for (int i = 0; i < cli->n_args; i++) {
		int r = vmdev_parse_pci_address(cli->args[i], wanted[i]);

		if (r < 0)
			return fail_usage("invalid PCI address '%s' (expected DDDD:BB:DD.F)",
					  shown(cli->args[i]));
		r = vmdev_pci_find(cli->ctx, wanted[i], &pci);
		if (r == -ENOENT) {
			fail(0, "no PCI device %s (see vmdevctl devices)", wanted[i]);
			return EXIT_NOT_FOUND;
		}
		if (r < 0)
			return fail(r, "cannot read PCI device %s", wanted[i]);
	}
	return 0;
}

static bool selected(struct cli *cli, const struct devices_options *o,
		     char (*wanted)[VMDEV_PCI_ADDR_LEN], struct vmdev_pci *pci)
{
	bool named = cli->n_args == 0;

	for (int i = 0; i < cli->n_args && !named; i++)
		named = !strcmp(wanted[i], vmdev_pci_get_address(pci));
	return named && (!o->group.given ||
			 vmdev_pci_get_iommu_group(pci) == (int)o->group.number);
}

static int run_devices(struct cli *cli, const void *options)
{
	const struct devices_options *o = options;
	char (*wanted)[VMDEV_PCI_ADDR_LEN] = NULL;
	struct vmdev_pci *pci;
	struct jout j;
	bool listed = false;
	int r;

	if (cli->n_args > 0) {
		wanted = calloc((size_t)cli->n_args, sizeof(*wanted));
		if (!wanted)
			return fail(-ENOMEM, "devices");
	}
	r = find_addresses(cli, wanted);
	if (!r && o->group.given) {
		struct vmdev_group *group;

		if (vmdev_group_find(cli->ctx, o->group.number, &group) < 0) {
			fail(0, "no IOMMU group %u (see vmdevctl groups)", o->group.number);
			r = EXIT_NOT_FOUND;
		}
	}
	if (r || cli->quiet) {
		free(wanted);
		return r;
	}
	if (cli->json)
		jout_begin(&j, stdout);
	vmdev_pci_foreach(cli->ctx, pci) {
		struct device_record rec;
		char *driver = NULL;

		if (!selected(cli, o, wanted, pci))
			continue;
		vmdev_pci_get_driver(pci, &driver);
		if (o->driver && (!driver || strcmp(driver, o->driver))) {
			free(driver);
			continue;
		}
		device_record_read(pci, driver, &rec);
		if (cli->json)
			device_record_json(&j, &rec);
		else
			device_record_text(&rec, &listed);
		device_record_free(&rec);
	}
	if (cli->json)
		jout_end(&j);
	free(wanted);
	return EXIT_OK;
}

const struct command cmd_devices = {
	.name = "devices",
	.usage = "devices [-d DRIVER] [-g GROUP] [ADDRESS...]",
	.summary = "PCI devices: ids, names, driver, override, group",
	.options = devices_options,
	.options_size = sizeof(struct devices_options),
	.run = run_devices,
};
