// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qemu-args: the QEMU option that assigns a device. An mdev goes by its
 * sysfs path; a PCI device on vfio-pci (or a variant) by its address. A PCI
 * device wrapped by vfio-mdev-pci is reached only through an mdev on it.
 * With --iommufd (QEMU 8.2+) each device goes through one iommufd object
 * and its VFIO device cdev instead of its group; a noiommu group is never
 * assigned (nothing isolates it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "refusals.h"
#include "vmdevctl.h"

#define IOMMUFD_ID "iommufd0"

struct qemu_options {
	bool iommufd;
};

static const struct command_option qemu_options[] = {
	FLAG_OPTION("iommufd", 0, struct qemu_options, iommufd),
	END_OPTIONS,
};

struct qemu_arg {
	char id[VMDEV_UUID_LEN];
	const char *kind;
	char *value; /* "vfio-pci,..." */
};

/* 0, or the exit code once the refusal is said: a noiommu group; with
 * IOMMUFD, no cdev. R and VDEV: what vmdev_*_get_vfio_device() gave. */
static int assignable(struct cli *cli, const char *id, int group, bool iommufd, int r,
		      const struct vmdev_vfio_device *vdev)
{
	struct vmdev_group *g;

	if (group >= 0 && vmdev_group_find(cli->ctx, (unsigned int)group, &g) == 0 &&
	    vmdev_group_is_noiommu(g))
		return refuse_qemu_noiommu(id, group);
	if (iommufd && (r < 0 || !vdev->has_cdev || !vdev->present))
		return refuse_qemu_no_cdev(id, r < 0 ? NULL : vdev, r);
	return 0;
}

static int qemu_arg_mdev(struct cli *cli, const char *uuid, bool iommufd, struct qemu_arg *out)
{
	struct vmdev_vfio_device vdev;
	struct vmdev_mdev *mdev;
	int r = vmdev_mdev_find(cli->ctx, uuid, &mdev);

	if (r == -ENOENT) {
		fail(0, "no mdev %s (see vmdevctl list)", uuid);
		return EXIT_NOT_FOUND;
	}
	if (r < 0)
		return fail(r, "cannot read mdev %s", uuid);
	r = vmdev_mdev_get_vfio_device(mdev, &vdev);
	r = assignable(cli, uuid, vmdev_mdev_get_iommu_group(mdev), iommufd, r, &vdev);
	if (r)
		return r;
	out->kind = "mdev";
	/* QEMU finds an mdev's cdev from its sysfs path */
	if (asprintf(&out->value, "vfio-pci,sysfsdev=/sys/bus/mdev/devices/%s%s", uuid,
		     iommufd ? ",iommufd=" IOMMUFD_ID : "") < 0)
		return fail(-ENOMEM, "qemu-args");
	return 0;
}

/* The type names of a wrapped device, "T1|T2", for the hint. */
static char *type_names(struct cli *cli, const char *address)
{
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (vmdev_parent_find(cli->ctx, address, &parent) < 0 || !(f = open_memstream(&text, &len)))
		return NULL;
	vmdev_type_foreach(parent, type)
		fprintf(f, "%s%s", ftell(f) ? "|" : "", vmdev_type_get_id(type));
	fclose(f);
	if (text && !*text) {
		free(text);
		text = NULL;
	}
	return text;
}

static int qemu_arg_pci(struct cli *cli, const char *address, bool iommufd,
			struct qemu_arg *out)
{
	struct vmdev_vfio_device vdev;
	struct vmdev_pci *pci;
	char *driver = NULL;
	int r = vmdev_pci_find(cli->ctx, address, &pci);

	if (r == -ENOENT) {
		fail(0, "no PCI device %s (see vmdevctl devices)", address);
		return EXIT_NOT_FOUND;
	}
	if (r < 0)
		return fail(r, "cannot read PCI device %s", address);
	r = vmdev_pci_get_driver(pci, &driver);
	if (r < 0)
		return fail(r, "cannot read the driver of %s", address);
	if (driver && strcmp(driver, VMDEV_MDEV_PCI_DRIVER) == 0) {
		char *types = type_names(cli, address);

		fail(0, "cannot assign %s with host=: it is wrapped by %s, which offers it only as an mdev; create an mdev on it (vmdevctl create -p %s -t %s) and pass its UUID",
		     address, driver, address, types ? types : "TYPE");
		free(types);
		free(driver);
		return EXIT_FAILED;
	}
	if (!vmdev_driver_is_vfio_pci(driver)) {
		if (driver)
			fail(0, "cannot assign %s: it is on host driver %s, not on a vfio driver; bind it first (vmdevctl bind %s)",
			     address, driver, address);
		else
			fail(0, "cannot assign %s: it has no driver, not a vfio driver; bind it first (vmdevctl bind %s)",
			     address, address);
		free(driver);
		return EXIT_FAILED;
	}
	free(driver);
	r = vmdev_pci_get_vfio_device(pci, &vdev);
	r = assignable(cli, address, vmdev_pci_get_iommu_group(pci), iommufd, r, &vdev);
	if (r)
		return r;
	out->kind = "pci";
	if (asprintf(&out->value, "vfio-pci,host=%s%s", address,
		     iommufd ? ",iommufd=" IOMMUFD_ID : "") < 0)
		return fail(-ENOMEM, "qemu-args");
	return 0;
}

/* with IOMMUFD, the one iommufd object first, as its own item: the
 * items' args in order are the command line */
static void print_json(const struct qemu_arg *args, int n, bool iommufd)
{
	struct jout j;

	jout_begin(&j, stdout);
	if (iommufd) {
		jout_open_object(&j, NULL);
		jout_string(&j, "id", IOMMUFD_ID);
		jout_string(&j, "kind", "iommufd");
		jout_open_array(&j, "args");
		jout_string(&j, NULL, "-object");
		jout_string(&j, NULL, "iommufd,id=" IOMMUFD_ID);
		jout_close_array(&j);
		jout_close_object(&j);
	}
	for (int i = 0; i < n; i++) {
		jout_open_object(&j, NULL);
		jout_string(&j, "id", args[i].id);
		jout_string(&j, "kind", args[i].kind);
		jout_open_array(&j, "args");
		jout_string(&j, NULL, "-device");
		jout_string(&j, NULL, args[i].value);
		jout_close_array(&j);
		jout_close_object(&j);
	}
	jout_end(&j);
}

static int run_qemu_args(struct cli *cli, const void *options)
{
	const struct qemu_options *o = options;
	struct qemu_arg *args;
	int r = 0;

	if (cli->n_args == 0)
		return fail_usage("qemu-args needs an mdev UUID or a PCI address (see vmdevctl list, vmdevctl devices)");
	args = calloc((size_t)cli->n_args, sizeof(*args));
	if (!args)
		return fail(-ENOMEM, "qemu-args");
	/* every argument is checked before anything is printed */
	for (int i = 0; i < cli->n_args && !r; i++) {
		if (vmdev_parse_uuid(cli->args[i], args[i].id) == 0)
			continue;
		if (vmdev_parse_pci_address(cli->args[i], args[i].id) == 0)
			continue;
		r = fail_usage("invalid device '%s' (expected an mdev UUID or a PCI address DDDD:BB:DD.F)",
			       shown(cli->args[i]));
	}
	for (int i = 0; i < cli->n_args && !r; i++) {
		if (strlen(args[i].id) == VMDEV_UUID_LEN - 1)
			r = qemu_arg_mdev(cli, args[i].id, o->iommufd, &args[i]);
		else
			r = qemu_arg_pci(cli, args[i].id, o->iommufd, &args[i]);
	}
	if (!r && !cli->quiet) {
		if (cli->json) {
			print_json(args, cli->n_args, o->iommufd);
		} else {
			if (o->iommufd)
				printf("-object iommufd,id=" IOMMUFD_ID "\n");
			for (int i = 0; i < cli->n_args; i++)
				printf("-device %s\n", args[i].value);
		}
	}
	for (int i = 0; i < cli->n_args; i++)
		free(args[i].value);
	free(args);
	return r;
}

const struct command cmd_qemu_args = {
	.name = "qemu-args",
	.usage = "qemu-args [--iommufd] UUID|ADDRESS...",
	.summary = "print the QEMU -device option that assigns each device",
	.options = qemu_options,
	.options_size = sizeof(struct qemu_options),
	.run = run_qemu_args,
};
