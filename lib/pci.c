// SPDX-License-Identifier: LGPL-2.1-or-later
/* PCI devices: ids and topology cached at scan time, drivers read live. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "parse.h"
#include "sysfs.h"

#define PCI_HEADER_TYPE 0x0e

/*
 * A bridge is a PCI-to-PCI or CardBus bridge: header type 1 or 2 in config
 * space. Where config cannot be read, the class code says the same
 * (0x0604 PCI bridge, 0x0607 CardBus bridge); host and ISA bridges are not.
 */
static bool is_bridge(int dev_fd, unsigned int class_code)
{
	unsigned char header;

	if (sysfs_pread_at(dev_fd, "config", &header, 1, PCI_HEADER_TYPE) == 0) {
		header &= 0x7f;
		return header == 1 || header == 2;
	}
	return (class_code >> 8) == 0x0604 || (class_code >> 8) == 0x0607;
}

static void pci_free(struct vmdev_pci *pci)
{
	free(pci->path);
	free(pci->vendor_name);
	free(pci->device_name);
	free(pci);
}

static int pci_new(struct vmdev_ctx *ctx, const char *address,
		   struct vmdev_pci **out)
{
	_cleanup_(closep) int fd = -1;
	struct vmdev_pci *pci;
	char dir[64];
	int r;

	*out = NULL;
	r = format_path(dir, sizeof(dir), SYS_PCI_DEVICES "/%s", address);
	if (r < 0)
		return r;
	fd = sysfs_open_dir(ctx, dir);
	if (fd < 0)
		return fd;
	pci = calloc(1, sizeof(*pci));
	if (!pci)
		return -ENOMEM;
	pci->ctx = ctx;
	strcpy(pci->address, address);
	r = sysfs_read_hex_at(fd, "vendor", &pci->vendor);
	if (r == 0)
		r = sysfs_read_hex_at(fd, "device", &pci->device);
	if (r == 0)
		r = sysfs_read_hex_at(fd, "class", &pci->class_code);
	if (r < 0)
		goto err_free;
	/* optional on odd trees; the kernel always has them */
	sysfs_read_hex_at(fd, "subsystem_vendor", &pci->subsystem_vendor);
	sysfs_read_hex_at(fd, "subsystem_device", &pci->subsystem_device);
	sysfs_read_hex_at(fd, "revision", &pci->revision);
	pci->bridge = is_bridge(fd, pci->class_code);
	pci->mdev_parent = sysfs_exists_at(fd, "mdev_supported_types");
	r = sysfs_link_group_at(fd, "iommu_group", &pci->iommu_group);
	if (r < 0)
		goto err_free;
	r = sysfs_canonical_link(ctx, SYS_PCI_DEVICES, address, &pci->path);
	if (r < 0)
		goto err_free;
	*out = pci;
	return 0;

err_free:
	pci_free(pci);
	return r;
}

int pci_scan(struct vmdev_ctx *ctx)
{
	char **names;
	size_t count;
	int r;

	if (ctx->pci_scanned)
		return 0;
	r = sysfs_list_dir(ctx, SYS_PCI_DEVICES, cmp_names, &names, &count);
	if (r == -ENOENT)
		count = 0, names = NULL;
	else if (r < 0)
		return r;
	ctx->pci = calloc(count ? count : 1, sizeof(*ctx->pci));
	if (!ctx->pci) {
		free_names(names, count);
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		char address[VMDEV_PCI_ADDR_LEN];
		struct vmdev_pci *pci;

		/* only canonical names: sysfs never shows another form */
		if (vmdev_parse_pci_address(names[i], address) < 0 ||
		    strcmp(address, names[i]) != 0) {
			dbg(ctx, "skipping %s/%s: not a PCI address", SYS_PCI_DEVICES,
			    names[i]);
			continue;
		}
		r = pci_new(ctx, address, &pci);
		if (r == -ENOMEM) {
			free_names(names, count);
			pci_free_all(ctx);
			return r;
		}
		if (r < 0) {
			/* gone while we looked, or unreadable: leave it out */
			info(ctx, "skipping PCI device %s: %s", address,
			     strerror(-r));
			continue;
		}
		if (ctx->n_pci)
			ctx->pci[ctx->n_pci - 1]->next = pci;
		ctx->pci[ctx->n_pci++] = pci;
	}
	free_names(names, count);
	ctx->pci_scanned = true;
	return 0;
}

void pci_free_all(struct vmdev_ctx *ctx)
{
	struct vmdev_pci *gone, *next;

	for (size_t i = 0; i < ctx->n_pci; i++)
		pci_free(ctx->pci[i]);
	free(ctx->pci);
	ctx->pci = NULL;
	ctx->n_pci = 0;
	for (gone = ctx->pci_gone; gone; gone = next) {
		next = gone->next;
		pci_free(gone);
	}
	ctx->pci_gone = NULL;
	ctx->pci_scanned = false;
}

/* Link the devices in array order again, after one came or went. */
static void pci_relink(struct vmdev_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_pci; i++)
		ctx->pci[i]->next = i + 1 < ctx->n_pci ? ctx->pci[i + 1] : NULL;
}

/*
 * A device that appeared after the scan (a VF an SR-IOV change made):
 * into the model in address order, without a rescan that would invalidate
 * the caller's pointers. *OUT is the device, also when it was there (its
 * group read again); -ENOENT when there is no such device (any more).
 */
int pci_insert(struct vmdev_ctx *ctx, const char *address, struct vmdev_pci **out)
{
	struct vmdev_pci **grown, *pci;
	size_t at = 0;
	int r;

	*out = NULL;
	r = pci_scan(ctx);
	if (r < 0)
		return r;
	while (at < ctx->n_pci && strcmp(ctx->pci[at]->address, address) < 0)
		at++;
	if (at < ctx->n_pci && strcmp(ctx->pci[at]->address, address) == 0) {
		char dir[64];
		_cleanup_(closep) int fd = -1;

		/* a VF taken away and made again (by another process) may have
		 * a new group: the one fact of a known device read again */
		r = format_path(dir, sizeof(dir), SYS_PCI_DEVICES "/%s", address);
		if (r == 0)
			fd = sysfs_open_dir(ctx, dir);
		if (fd < 0)
			return r < 0 ? r : fd;
		r = sysfs_link_group_at(fd, "iommu_group", &ctx->pci[at]->iommu_group);
		if (r < 0)
			return r;
		*out = ctx->pci[at];
		return 0;
	}
	r = pci_new(ctx, address, &pci);
	if (r < 0)
		return r;
	grown = realloc(ctx->pci, (ctx->n_pci + 1) * sizeof(*grown));
	if (!grown) {
		pci_free(pci);
		return -ENOMEM;
	}
	ctx->pci = grown;
	memmove(&ctx->pci[at + 1], &ctx->pci[at], (ctx->n_pci - at) * sizeof(*grown));
	ctx->pci[at] = pci;
	ctx->n_pci++;
	pci_relink(ctx);
	*out = pci;
	return 0;
}

/*
 * A device that went away (a VF an SR-IOV change took away): out of the
 * listing and the look-ups, but kept until the cache is dropped, so that
 * a pointer the caller (or a group member) holds never dangles.
 */
void pci_detach(struct vmdev_pci *pci)
{
	struct vmdev_ctx *ctx = pci->ctx;

	for (size_t i = 0; i < ctx->n_pci; i++) {
		if (ctx->pci[i] != pci)
			continue;
		memmove(&ctx->pci[i], &ctx->pci[i + 1], (ctx->n_pci - i - 1) * sizeof(*ctx->pci));
		ctx->n_pci--;
		pci_relink(ctx);
		pci->next = ctx->pci_gone;
		ctx->pci_gone = pci;
		return;
	}
}

/**
 * vmdev_pci_get_first - the first PCI device, in address order
 * @ctx: the context
 *
 * Scans /sys/bus/pci/devices on first use. Returns NULL when there is none
 * (or the scan failed: see vmdev_pci_find() for an error code).
 */
VMDEV_EXPORT struct vmdev_pci *vmdev_pci_get_first(struct vmdev_ctx *ctx)
{
	if (!ctx || pci_scan(ctx) < 0 || ctx->n_pci == 0)
		return NULL;
	return ctx->pci[0];
}

/**
 * vmdev_pci_get_next - the PCI device after @pci, or NULL
 * @pci: a device
 */
VMDEV_EXPORT struct vmdev_pci *vmdev_pci_get_next(struct vmdev_pci *pci)
{
	return pci ? pci->next : NULL;
}

static int cmp_pci_address(const void *key, const void *elem)
{
	return strcmp(key, (*(struct vmdev_pci *const *)elem)->address);
}

/**
 * vmdev_pci_find - look up a PCI device by address
 * @ctx: the context
 * @address: any form vmdev_parse_pci_address() accepts
 * @pci: receives the device
 *
 * Returns 0, -EINVAL for a malformed address, -ENOENT when there is no such
 * device, or the scan's error.
 */
VMDEV_EXPORT int vmdev_pci_find(struct vmdev_ctx *ctx, const char *address,
				struct vmdev_pci **pci)
{
	char normal[VMDEV_PCI_ADDR_LEN];
	struct vmdev_pci **found;
	int r;

	if (!ctx || !pci)
		return -EINVAL;
	*pci = NULL;
	r = vmdev_parse_pci_address(address, normal);
	if (r < 0)
		return r;
	r = pci_scan(ctx);
	if (r < 0)
		return r;
	found = ctx->n_pci ? bsearch(normal, ctx->pci, ctx->n_pci,
				     sizeof(*ctx->pci), cmp_pci_address)
			   : NULL;
	if (!found)
		return -ENOENT;
	*pci = *found;
	return 0;
}

/** vmdev_pci_get_ctx - the context @pci belongs to */
VMDEV_EXPORT struct vmdev_ctx *vmdev_pci_get_ctx(struct vmdev_pci *pci)
{
	return pci ? pci->ctx : NULL;
}

/** vmdev_pci_get_address - "dddd:bb:dd.f", lower case (cached) */
VMDEV_EXPORT const char *vmdev_pci_get_address(struct vmdev_pci *pci)
{
	return pci ? pci->address : NULL;
}

/** vmdev_pci_get_path - canonical host path "/sys/devices/..." (cached) */
VMDEV_EXPORT const char *vmdev_pci_get_path(struct vmdev_pci *pci)
{
	return pci ? pci->path : NULL;
}

/** vmdev_pci_get_vendor - PCI vendor id (cached) */
VMDEV_EXPORT unsigned int vmdev_pci_get_vendor(struct vmdev_pci *pci)
{
	return pci ? pci->vendor : 0;
}

/** vmdev_pci_get_device - PCI device id (cached) */
VMDEV_EXPORT unsigned int vmdev_pci_get_device(struct vmdev_pci *pci)
{
	return pci ? pci->device : 0;
}

/** vmdev_pci_get_subsystem_vendor - subsystem vendor id (cached) */
VMDEV_EXPORT unsigned int vmdev_pci_get_subsystem_vendor(struct vmdev_pci *pci)
{
	return pci ? pci->subsystem_vendor : 0;
}

/** vmdev_pci_get_subsystem_device - subsystem device id (cached) */
VMDEV_EXPORT unsigned int vmdev_pci_get_subsystem_device(struct vmdev_pci *pci)
{
	return pci ? pci->subsystem_device : 0;
}

/** vmdev_pci_get_class - class code 0xCCSSPP (cached) */
VMDEV_EXPORT unsigned int vmdev_pci_get_class(struct vmdev_pci *pci)
{
	return pci ? pci->class_code : 0;
}

/** vmdev_pci_get_revision - revision id (cached) */
VMDEV_EXPORT unsigned int vmdev_pci_get_revision(struct vmdev_pci *pci)
{
	return pci ? pci->revision : 0;
}

/** vmdev_pci_is_bridge - a PCI-to-PCI or CardBus bridge (cached) */
VMDEV_EXPORT bool vmdev_pci_is_bridge(struct vmdev_pci *pci)
{
	return pci && pci->bridge;
}

/** vmdev_pci_is_mdev_parent - the device has mdev_supported_types (cached) */
VMDEV_EXPORT bool vmdev_pci_is_mdev_parent(struct vmdev_pci *pci)
{
	return pci && pci->mdev_parent;
}

/** vmdev_pci_get_iommu_group - the group number, or -1 without one (cached) */
VMDEV_EXPORT int vmdev_pci_get_iommu_group(struct vmdev_pci *pci)
{
	return pci ? pci->iommu_group : -1;
}

/** vmdev_pci_get_vendor_name - the vendor's name from the udev hardware
 * database, or NULL where it has none (looked up once) */
VMDEV_EXPORT const char *vmdev_pci_get_vendor_name(struct vmdev_pci *pci)
{
	if (!pci)
		return NULL;
	hwdb_lookup(pci);
	return pci->vendor_name;
}

/** vmdev_pci_get_device_name - the device's name from the udev hardware
 * database, or NULL where it has none (looked up once) */
VMDEV_EXPORT const char *vmdev_pci_get_device_name(struct vmdev_pci *pci)
{
	if (!pci)
		return NULL;
	hwdb_lookup(pci);
	return pci->device_name;
}

static int pci_attr_path(struct vmdev_pci *pci, const char *attr, char *buf,
			 size_t size)
{
	return format_path(buf, size, SYS_PCI_DEVICES "/%s/%s", pci->address, attr);
}

/** vmdev_pci_is_boot_vga - the firmware's boot display device (read live) */
VMDEV_EXPORT bool vmdev_pci_is_boot_vga(struct vmdev_pci *pci)
{
	char path[128], buf[8];

	return pci && pci_attr_path(pci, "boot_vga", path, sizeof(path)) == 0 &&
	       sysfs_read(pci->ctx, path, buf, sizeof(buf)) > 0 && buf[0] == '1';
}

/*
 * The header type, config byte 0x0e without the multi-function bit; where
 * config cannot be read, what the class code says (as for the bridge
 * flag) and -ENOENT.
 */
int pci_header_type(struct vmdev_pci *pci, unsigned int *header)
{
	char path[128];
	unsigned char byte;
	int r;

	*header = pci->bridge ? 1 : 0;
	r = pci_attr_path(pci, "config", path, sizeof(path));
	if (r < 0)
		return r;
	r = sysfs_pread(pci->ctx, path, &byte, 1, PCI_HEADER_TYPE);
	if (r < 0)
		return r;
	*header = byte & 0x7f;
	return 0;
}

/**
 * vmdev_pci_get_driver - the driver bound now (read live)
 * @pci: the device
 * @driver: receives a new string the caller frees, or NULL when unbound
 *
 * Returns 0 (also when unbound) or a negative errno.
 */
VMDEV_EXPORT int vmdev_pci_get_driver(struct vmdev_pci *pci, char **driver)
{
	char path[128];
	int r;

	if (!pci || !driver)
		return -EINVAL;
	r = pci_attr_path(pci, "driver", path, sizeof(path));
	if (r < 0)
		return r;
	r = sysfs_link_name(pci->ctx, path, driver);
	return r == -ENOENT ? 0 : r;
}

/**
 * vmdev_pci_get_driver_override - the driver_override attribute (read live)
 * @pci: the device
 * @driver: receives a new string the caller frees, or NULL when unset
 *
 * Returns 0, or -ENOENT on kernels without driver_override.
 */
VMDEV_EXPORT int vmdev_pci_get_driver_override(struct vmdev_pci *pci,
					       char **driver)
{
	char path[128];
	int r;

	if (!pci || !driver)
		return -EINVAL;
	*driver = NULL;
	r = pci_attr_path(pci, "driver_override", path, sizeof(path));
	if (r < 0)
		return r;
	r = sysfs_read_string(pci->ctx, path, driver);
	if (r < 0)
		return r;
	if (*driver && strcmp(*driver, "(null)") == 0) {
		free(*driver);
		*driver = NULL;
	}
	return 0;
}

/**
 * vmdev_pci_get_sriov_numvfs - how many SR-IOV VFs are enabled (read live)
 * @pci: the device
 * @numvfs: receives the number
 *
 * Returns 0, -ENOENT when the device is not an SR-IOV PF, or another errno.
 */
VMDEV_EXPORT int vmdev_pci_get_sriov_numvfs(struct vmdev_pci *pci,
					    unsigned int *numvfs)
{
	char path[128], buf[32], *end;
	unsigned long value;
	int r;

	if (!pci || !numvfs)
		return -EINVAL;
	r = pci_attr_path(pci, "sriov_numvfs", path, sizeof(path));
	if (r < 0)
		return r;
	r = sysfs_read(pci->ctx, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	value = strtoul(buf, &end, 10);
	if (end == buf || *end || value > 65535)
		return -EINVAL;
	*numvfs = (unsigned int)value;
	return 0;
}
