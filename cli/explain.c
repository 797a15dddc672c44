// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sentences for the library's structured results: why a bind, an unbind
 * or a remove is refused, who holds a device, what a group's verdict does
 * not show. The library returns facts; every word about them is here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmdevctl.h"

/* "qemu (pid 42), vm2 (pid 43)" */
static void print_holders(FILE *f, const struct vmdev_refusal *refusal)
{
	const struct vmdev_holder *h;
	size_t n;

	h = vmdev_refusal_get_holders(refusal, &n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s (pid %d)", i ? ", " : "", h[i].comm, h[i].pid);
}

static void print_host_use(FILE *f, const struct vmdev_refusal *refusal)
{
	const char *name = vmdev_refusal_get_device_name(refusal);

	switch (vmdev_refusal_get_host_use(refusal)) {
	case VMDEV_HOST_USE_BOOT_VGA:
		fputs("it is the boot VGA device", f);
		break;
	case VMDEV_HOST_USE_INTERFACE:
		fprintf(f, "network interface %s is up", name);
		break;
	case VMDEV_HOST_USE_MOUNTED:
		fprintf(f, "block device %s is mounted on %s", name,
			vmdev_refusal_get_mount_point(refusal));
		break;
	case VMDEV_HOST_USE_SWAP:
		fprintf(f, "block device %s is in use as swap", name);
		break;
	default:
		fputs("the host uses it", f);
	}
}

char *refusal_text(const struct vmdev_refusal *refusal, struct vmdev_pci *pci,
		   const char *driver)
{
	bool mdev_pci = driver && strcmp(driver, VMDEV_MDEV_PCI_DRIVER) == 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	switch (vmdev_refusal_get_kind(refusal)) {
	case VMDEV_REFUSAL_BRIDGE:
		fputs("it is a bridge, not an endpoint", f);
		break;
	case VMDEV_REFUSAL_SRIOV_PF:
		fprintf(f, "it is an SR-IOV PF with %u VFs enabled%s",
			vmdev_refusal_get_numvfs(refusal),
			mdev_pci ? " (" VMDEV_MDEV_PCI_DRIVER "'s probe returns EBUSY for it)" : "");
		break;
	case VMDEV_REFUSAL_HEADER_TYPE:
		fprintf(f, "its PCI header type is %u, not a normal (type 0) header: "
			VMDEV_MDEV_PCI_DRIVER "'s probe refuses it%s",
			vmdev_refusal_get_header_type(refusal),
			pci && vmdev_pci_is_bridge(pci) ? " (it is a bridge)" : "");
		break;
	case VMDEV_REFUSAL_IN_USE:
		print_host_use(f, refusal);
		break;
	case VMDEV_REFUSAL_HELD:
		print_holders(f, refusal);
		if (vmdev_refusal_get_mdev(refusal))
			fprintf(f, " (through its mdev %s)", vmdev_refusal_get_mdev(refusal));
		break;
	default:
		break;
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* "UUID (group N), ...": the mdevs of a wrapped parent */
static void print_mdevs(FILE *f, struct vmdev_parent *parent)
{
	struct vmdev_type *type;
	struct vmdev_mdev *mdev;
	bool any = false;

	vmdev_type_foreach(parent, type) {
		vmdev_type_mdev_foreach(type, mdev) {
			int group = vmdev_mdev_get_iommu_group(mdev);

			fprintf(f, "%s%s", any ? ", " : "", vmdev_mdev_get_uuid(mdev));
			if (group >= 0)
				fprintf(f, " (group %d)", group);
			any = true;
		}
	}
}

/* "0000:00:04.0, 0000:00:04.1": the members of GROUP but SKIP */
static void print_others(FILE *f, struct vmdev_group *group, const char *skip)
{
	struct vmdev_member *m;
	bool any = false;

	vmdev_member_foreach(group, m) {
		if (strcmp(vmdev_member_get_name(m), skip) == 0)
			continue;
		fprintf(f, "%s%s", any ? ", " : "", vmdev_member_get_name(m));
		any = true;
	}
	if (!any)
		fputs("others", f);
}

char *warning_text(struct vmdev_group *group, struct vmdev_warning *w)
{
	struct vmdev_parent *wrapped = vmdev_warning_get_wrapped(w);
	struct vmdev_group *concerned = vmdev_warning_get_group(w);
	struct vmdev_member *member = vmdev_warning_get_member(w);
	const char *parent = vmdev_parent_get_name(wrapped);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	switch (vmdev_warning_get_kind(w)) {
	case VMDEV_WARNING_SPLIT:
		fprintf(f, "group %u is split between consumers: %s is on %s, and %s is wrapped by "
			VMDEV_MDEV_PCI_DRIVER " as mdev ", vmdev_group_get_number(group),
			vmdev_member_get_name(member), vmdev_warning_get_driver(w), parent);
		print_mdevs(f, wrapped);
		fputs(", in a group of its own that hides the sharing; one VM cannot use both "
		      "(the kernel would attach the same IOMMU group twice)", f);
		break;
	case VMDEV_WARNING_PARENT_NOT_ALONE:
		fprintf(f, "%s is not alone in group %u (with ", parent,
			vmdev_group_get_number(concerned));
		print_others(f, concerned, parent);
		fputs("): its IOMMU-backed mdev ", f);
		print_mdevs(f, wrapped);
		fputs(" needs its parent in a singleton group", f);
		break;
	case VMDEV_WARNING_MDEV_PARENT_NOT_ALONE:
		fprintf(f, "mdev %s is IOMMU-backed by %s, which is not alone in group %u (with ",
			vmdev_member_get_name(member), parent, vmdev_group_get_number(concerned));
		print_others(f, concerned, parent);
		fputs("): it needs its parent in a singleton group", f);
		break;
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
