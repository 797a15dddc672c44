// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the library refuses, or warns about, as sentences for people. This
 * is the one place that reads the library's detail strings (the "why" of
 * a refusal, a group's warnings): when they become structured results,
 * only this file changes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "refusals.h"

/* A refusal of bind (DRIVER) or unbind (DRIVER NULL) as one error line
 * with its hint; the exit code, 0 for none. */
static int refused(struct vmdev_pci *pci, const char *driver, enum vmdev_refusal why,
		   const char *detail)
{
	const char *address = vmdev_pci_get_address(pci);
	int group = vmdev_pci_get_iommu_group(pci);

	switch (why) {
	case VMDEV_REFUSAL_BRIDGE:
		fail(0, "cannot bind %s to %s: %s (bind the devices behind it)", address,
		     driver, detail);
		return EXIT_FAILED;
	case VMDEV_REFUSAL_SRIOV_PF:
		fail(0, "cannot bind %s to %s: %s, which the driver refuses (first: echo 0 > /sys/bus/pci/devices/%s/sriov_numvfs)",
		     address, driver, detail, address);
		return EXIT_FAILED;
	case VMDEV_REFUSAL_HEADER_TYPE:
		fail(0, "cannot bind %s to %s: %s", address, driver, detail);
		return EXIT_FAILED;
	case VMDEV_REFUSAL_IN_USE:
		if (driver)
			fail(0, "cannot bind %s to %s: %s (--force takes it anyway)", address,
			     driver, detail);
		else
			fail(0, "cannot unbind %s: %s (--force takes it anyway)", address, detail);
		return EXIT_BUSY;
	case VMDEV_REFUSAL_HELD:
		fail(0, "cannot %s %s: it is in use by %s (VFIO group %d or its mdevs); stop that first",
		     driver ? "rebind" : "unbind", address, detail, group);
		return EXIT_BUSY;
	default:
		return EXIT_OK;
	}
}

int check_bind(struct vmdev_pci *pci, const char *driver, unsigned int flags)
{
	enum vmdev_refusal why;
	char *detail = NULL;
	int r = vmdev_pci_check_bind(pci, driver, flags, &why, &detail);

	if (r < 0)
		return fail(r, "cannot check %s", vmdev_pci_get_address(pci));
	r = refused(pci, driver, why, detail);
	free(detail);
	return r;
}

int check_unbind(struct vmdev_pci *pci, unsigned int flags)
{
	enum vmdev_refusal why;
	char *detail = NULL;
	int r = vmdev_pci_check_unbind(pci, flags, &why, &detail);

	if (r < 0)
		return fail(r, "cannot check %s", vmdev_pci_get_address(pci));
	r = refused(pci, NULL, why, detail);
	free(detail);
	return r;
}

int check_remove(struct vmdev_mdev *mdev)
{
	const char *uuid = vmdev_mdev_get_uuid(mdev);
	enum vmdev_refusal why;
	char *detail = NULL;
	int r = vmdev_mdev_check_remove(mdev, &why, &detail);

	if (r < 0) {
		r = fail(r, "cannot remove mdev %s", uuid);
	} else if (why == VMDEV_REFUSAL_HELD) {
		fail(0, "cannot remove mdev %s: it is in use by %s; stop that first", uuid, detail);
		r = EXIT_BUSY;
	}
	free(detail);
	return r;
}

int group_warnings(struct vmdev_group *group, char ***sentences, size_t *count)
{
	*sentences = NULL;
	*count = 0;
	/* the library's sentences are ours for now */
	return vmdev_group_get_warnings(group, sentences, count);
}
