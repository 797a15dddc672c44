// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Vendor and device names from udev's hardware database. The database is
 * the running system's, whatever the root: names are a courtesy, never a
 * failure, so any error just leaves them NULL.
 */
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static struct udev_hwdb *hwdb_get(struct vmdev_ctx *ctx)
{
	if (!ctx->hwdb_tried) {
		ctx->hwdb_tried = true;
		if (ctx_udev(ctx))
			ctx->hwdb = udev_hwdb_new(ctx->udev);
		if (!ctx->hwdb)
			info(ctx, "no udev hardware database: no device names");
	}
	return ctx->hwdb;
}

void hwdb_free(struct vmdev_ctx *ctx)
{
	if (ctx->hwdb)
		udev_hwdb_unref(ctx->hwdb);
	ctx->hwdb = NULL;
	ctx->hwdb_tried = false;
}

void hwdb_lookup(struct vmdev_pci *pci)
{
	struct udev_hwdb *hwdb;
	struct udev_list_entry *entry;
	char modalias[96];

	if (pci->names_looked_up)
		return;
	pci->names_looked_up = true;
	hwdb = hwdb_get(pci->ctx);
	if (!hwdb)
		return;
	/* the kernel's modalias form, which the database's globs match */
	snprintf(modalias, sizeof(modalias),
		 "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", pci->vendor,
		 pci->device, pci->subsystem_vendor, pci->subsystem_device,
		 pci->class_code >> 16, (pci->class_code >> 8) & 0xff,
		 pci->class_code & 0xff);
	udev_list_entry_foreach(entry,
				udev_hwdb_get_properties_list_entry(hwdb, modalias, 0)) {
		const char *key = udev_list_entry_get_name(entry);
		const char *value = udev_list_entry_get_value(entry);

		if (!pci->vendor_name && !strcmp(key, "ID_VENDOR_FROM_DATABASE"))
			pci->vendor_name = strdup(value);
		else if (!pci->device_name && !strcmp(key, "ID_MODEL_FROM_DATABASE"))
			pci->device_name = strdup(value);
	}
}
