// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vfio-mdev-pci's type names (see mdev-pci.c for the driver): one type per
 * device, "vfio-mdev-pci-" + "%04x:%04x:%04x:%04x:%06x:%02x" (vendor,
 * device, subvendor, subdevice, class, revision) after Alex Williamson's
 * fix; the original had one "vfio-mdev-pci-type1" for every device, whose
 * name attribute is "ADDRESS-type1". A pure parser: no context, no I/O.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "parse.h"
#include "util.h"

#define MDEV_PCI_PREFIX VMDEV_MDEV_PCI_DRIVER "-"
#define MDEV_PCI_TYPE1 MDEV_PCI_PREFIX "type1"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* the kernel prints %x: upper case is not its form */
}

/* Exactly WIDTH lower-case hex digits at *P, advancing it. */
static bool take_hex(const char **p, int width, unsigned int *value)
{
	unsigned int v = 0;

	for (int i = 0; i < width; i++) {
		int d = hex_digit((*p)[i]);

		if (d < 0)
			return false;
		v = v << 4 | (unsigned int)d;
	}
	*p += width;
	*value = v;
	return true;
}

/**
 * vmdev_parse_mdev_pci_type - decode a vfio-mdev-pci type
 * @id: the type's directory name ("vfio-mdev-pci-8086:10d3:8086:0000:020000:00")
 * @name: the type's name attribute, or NULL (only the original form has one)
 * @ids: if not NULL, receives the ids of the new form
 * @address: if not NULL, receives the normalised address of the old form
 *
 * The new form is exactly "vfio-mdev-pci-" followed by the kernel's
 * "%04x:%04x:%04x:%04x:%06x:%02x" (lower-case hex, fixed widths, nothing
 * after). The old form is the directory "vfio-mdev-pci-type1" with a name
 * "ADDRESS-type1". No context needed.
 *
 * Returns VMDEV_MDEV_PCI_FORM_IDS or VMDEV_MDEV_PCI_FORM_ADDRESS, or
 * -EINVAL when @id (with @name) is neither.
 */
VMDEV_EXPORT int vmdev_parse_mdev_pci_type(const char *id, const char *name,
					   struct vmdev_pci_ids *ids,
					   char address[VMDEV_PCI_ADDR_LEN])
{
	static const int widths[] = { 4, 4, 4, 4, 6, 2 };
	unsigned int v[6];
	const char *p;

	if (!id || strncmp(id, MDEV_PCI_PREFIX, strlen(MDEV_PCI_PREFIX)) != 0)
		return -EINVAL;
	if (strcmp(id, MDEV_PCI_TYPE1) == 0) {
		char text[64];
		size_t len;

		if (!name)
			return -EINVAL;
		len = strcspn(name, "\n");
		if (len <= 6 || len >= sizeof(text) || strncmp(name + len - 6, "-type1", 6))
			return -EINVAL;
		memcpy(text, name, len - 6);
		text[len - 6] = '\0';
		if (address)
			return vmdev_parse_pci_address(text, address) < 0
				       ? -EINVAL : VMDEV_MDEV_PCI_FORM_ADDRESS;
		else {
			char scratch[VMDEV_PCI_ADDR_LEN];

			return vmdev_parse_pci_address(text, scratch) < 0
				       ? -EINVAL : VMDEV_MDEV_PCI_FORM_ADDRESS;
		}
	}
	p = id + strlen(MDEV_PCI_PREFIX);
	for (int i = 0; i < 6; i++) {
		if (i > 0 && *p++ != ':')
			return -EINVAL;
		if (!take_hex(&p, widths[i], &v[i]))
			return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	if (ids)
		*ids = (struct vmdev_pci_ids){ v[0], v[1], v[2], v[3], v[4], v[5] };
	return VMDEV_MDEV_PCI_FORM_IDS;
}
