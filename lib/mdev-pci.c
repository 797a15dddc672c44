// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vfio-mdev-pci: the sample driver of the 2019 "vfio_pci: wrap pci device
 * as a mediated device" series (never merged; the IOMMU-backed mdev it
 * relied on has left the kernel since). It wraps a whole PCI device as one
 * mdev, so we support it exactly as its thread describes it:
 *  - it has no id table: a device is bound through new_id;
 *  - one type per device, "vfio-mdev-pci-" + "%04x:%04x:%04x:%04x:%06x:%02x"
 *    (vendor, device, subvendor, subdevice, class, revision) after Alex
 *    Williamson's fix; the original had one "vfio-mdev-pci-type1" for every
 *    device, whose name attribute is "ADDRESS-type1";
 *  - one instance; the original's available_instances always said 1;
 *  - its mdevs are IOMMU-backed: the parent must be alone in its IOMMU
 *    group, and each mdev gets a group of its own, which hides a physical
 *    group split between vfio-pci and vfio-mdev-pci.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "sysfs.h"

#define MDEV_PCI_PREFIX VMDEV_MDEV_PCI_DRIVER "-"
#define MDEV_PCI_TYPE1 MDEV_PCI_PREFIX "type1"

/**
 * vmdev_type_is_mdev_pci - whether @type is offered by vfio-mdev-pci (by
 * its directory name, which the mdev core prefixes with the driver's name)
 */
VMDEV_EXPORT bool vmdev_type_is_mdev_pci(struct vmdev_type *type)
{
	return type && strncmp(type->id, MDEV_PCI_PREFIX, strlen(MDEV_PCI_PREFIX)) == 0;
}

/**
 * vmdev_type_get_pci_ids - the PCI ids a vfio-mdev-pci type name carries
 * @type: the type
 * @ids: receives them
 *
 * Returns 0, or -ENOENT when the type's name carries no ids (another
 * driver's type, the original "vfio-mdev-pci-type1", a malformed name).
 */
VMDEV_EXPORT int vmdev_type_get_pci_ids(struct vmdev_type *type, struct vmdev_pci_ids *ids)
{
	if (!type || !ids)
		return -EINVAL;
	return vmdev_parse_mdev_pci_type(type->id, NULL, ids, NULL) == VMDEV_MDEV_PCI_FORM_IDS
		       ? 0 : -ENOENT;
}

/**
 * vmdev_type_get_pci_address - the PCI address the original vfio-mdev-pci
 * type carries in its name attribute ("0000:02:02.0-type1")
 * @type: the type
 * @address: receives the address, normalised
 *
 * Returns 0, or -ENOENT when the type carries none.
 */
VMDEV_EXPORT int vmdev_type_get_pci_address(struct vmdev_type *type,
					    char address[VMDEV_PCI_ADDR_LEN])
{
	if (!type || !address)
		return -EINVAL;
	if (strcmp(type->id, MDEV_PCI_TYPE1) != 0)
		return -ENOENT;
	return vmdev_parse_mdev_pci_type(type->id, vmdev_type_get_name(type), NULL, address) ==
			       VMDEV_MDEV_PCI_FORM_ADDRESS
		       ? 0 : -ENOENT;
}

static void pci_ids_of(struct vmdev_pci *pci, struct vmdev_pci_ids *ids)
{
	*ids = (struct vmdev_pci_ids){ pci->vendor, pci->device, pci->subsystem_vendor,
				       pci->subsystem_device, pci->class_code, pci->revision };
}

/**
 * vmdev_type_pci_ids_match - whether the ids a type's name carries are its
 * parent PCI device's
 * @type: the type
 * @match: receives the answer
 *
 * Returns 0, or -ENOENT when they cannot be compared (the name carries no
 * ids, or the parent is not a PCI device).
 */
VMDEV_EXPORT int vmdev_type_pci_ids_match(struct vmdev_type *type, bool *match)
{
	struct vmdev_pci_ids ids, own;
	struct vmdev_pci *pci;

	if (!type || !match)
		return -EINVAL;
	if (vmdev_type_get_pci_ids(type, &ids) < 0)
		return -ENOENT;
	pci = vmdev_parent_get_pci(type->parent);
	if (!pci)
		return -ENOENT;
	pci_ids_of(pci, &own);
	*match = memcmp(&ids, &own, sizeof(ids)) == 0;
	return 0;
}

static int ids_key(const struct vmdev_pci_ids *ids, char **key)
{
	return asprintf(key, "%04x:%04x:%04x:%04x:%06x:%02x", ids->vendor, ids->device,
			ids->subsystem_vendor, ids->subsystem_device, ids->class_code,
			ids->revision) < 0 ? -ENOMEM : 0;
}

/**
 * vmdev_type_get_compatibility_key - a key equal for two types iff their
 * mdevs are software (and migration) compatible
 * @type: the type
 * @key: receives a new string the caller frees
 *
 * For vfio-mdev-pci, the ids the type name carries
 * ("8086:10d3:8086:0000:020000:00"); for its original "vfio-mdev-pci-type1",
 * which every wrapped device shared, the ids of the device its name
 * attribute names (or, when that device is unknown, the type qualified by
 * that address, equal to no other). For every other driver the type's
 * directory name qualified by its device_api ("vfio-pci/mtty-2"; "unknown/"
 * without one).
 *
 * Returns 0 or -ENOMEM.
 */
VMDEV_EXPORT int vmdev_type_get_compatibility_key(struct vmdev_type *type, char **key)
{
	char address[VMDEV_PCI_ADDR_LEN];
	const char *api;
	struct vmdev_pci_ids ids;
	struct vmdev_pci *pci;

	if (!type || !key)
		return -EINVAL;
	*key = NULL;
	if (vmdev_type_get_pci_ids(type, &ids) == 0)
		return ids_key(&ids, key);
	api = vmdev_type_get_device_api(type);
	if (!api)
		api = "unknown";
	if (vmdev_type_get_pci_address(type, address) == 0) {
		if (vmdev_pci_find(type->parent->ctx, address, &pci) == 0) {
			pci_ids_of(pci, &ids);
			return ids_key(&ids, key);
		}
		return asprintf(key, "%s/%s/%s", api, type->id, address) < 0 ? -ENOMEM : 0;
	}
	return asprintf(key, "%s/%s", api, type->id) < 0 ? -ENOMEM : 0;
}

/* The number of mdevs of @type now: its devices/ directory, read live. */
static int type_count_mdevs(struct vmdev_type *type, unsigned int *count)
{
	char path[PATH_MAX], **names;
	size_t n;
	int r;

	*count = 0;
	r = format_path(path, sizeof(path), "mdev_supported_types/%s/devices", type->id);
	if (r < 0)
		return r;
	r = sysfs_list_dir_at(type->parent->fd, path, cmp_names, &names, &n);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		char uuid[VMDEV_UUID_LEN];

		if (vmdev_parse_uuid(names[i], uuid) == 0)
			(*count)++;
	}
	free_names(names, n);
	return 0;
}

/**
 * vmdev_type_get_instance_drift - whether available_instances miscounts
 * @type: the type
 * @drift: receives true when available_instances plus the mdevs that exist
 *         is not the type's fixed pool
 * @available: if not NULL, receives available_instances (read live)
 * @existing: if not NULL, receives the number of mdevs of the type (live)
 *
 * Decidable only where the pool is known: vfio-mdev-pci has one instance
 * per type (its original said 1 available whatever existed). Other types
 * share their pool with their parent's other types, or it is unknown.
 *
 * Returns 0; -ENODATA when undecidable; or a read's error.
 */
VMDEV_EXPORT int vmdev_type_get_instance_drift(struct vmdev_type *type, bool *drift,
					       unsigned int *available,
					       unsigned int *existing)
{
	unsigned int avail, count;
	int r;

	if (!type || !drift)
		return -EINVAL;
	if (!vmdev_type_is_mdev_pci(type))
		return -ENODATA;
	r = vmdev_type_get_available_instances(type, &avail);
	if (r < 0)
		return r;
	r = type_count_mdevs(type, &count);
	if (r < 0)
		return r;
	*drift = avail + count != 1;
	if (available)
		*available = avail;
	if (existing)
		*existing = count;
	return 0;
}

/**
 * vmdev_parent_is_wrapped_pci - a PCI parent bound to vfio-mdev-pci now
 * (its driver is read live)
 */
VMDEV_EXPORT bool vmdev_parent_is_wrapped_pci(struct vmdev_parent *parent)
{
	_cleanup_(freep) char *driver = NULL;

	if (!parent || !vmdev_parent_get_pci(parent))
		return false;
	return vmdev_parent_get_driver(parent, &driver) == 0 && driver &&
	       strcmp(driver, VMDEV_MDEV_PCI_DRIVER) == 0;
}
