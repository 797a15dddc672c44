// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PCI drivers as facts: whether one is registered, which module provides
 * it (libkmod, by name or alias), whether it has an id table. Loading a
 * module is a change to the system: write.c does it.
 */
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "model.h"
#include "parse.h"
#include "sysfs.h"

/* A driver that hands a device to userspace: a bridge must never go there. */
bool driver_is_vfio(const char *driver)
{
	return driver && strstr(driver, "vfio") != NULL;
}

bool driver_registered(struct vmdev_ctx *ctx, const char *driver)
{
	char path[PATH_MAX];

	return format_path(path, sizeof(path), SYS_PCI_DRIVERS "/%s", driver) == 0 &&
	       sysfs_exists(ctx, path);
}

static struct kmod_ctx *kmod_get(struct vmdev_ctx *ctx)
{
	char dir[PATH_MAX];
	struct utsname uts;

	if (ctx->kmod)
		return ctx->kmod;
	if (ctx_is_host(ctx)) {
		ctx->kmod = kmod_new(NULL, NULL);
	} else if (uname(&uts) == 0 &&
		   format_path(dir, sizeof(dir), "/lib/modules/%s", uts.release) == 0 &&
		   sysfs_full_path(ctx, dir, dir, sizeof(dir)) == 0) {
		ctx->kmod = kmod_new(dir, NULL);
	}
	return ctx->kmod;
}

void kmod_free(struct vmdev_ctx *ctx)
{
	if (ctx->kmod)
		kmod_unref(ctx->kmod);
	ctx->kmod = NULL;
}

/* The module that provides DRIVER, by name or alias (vfio-pci: vfio_pci). */
int driver_module(struct vmdev_ctx *ctx, const char *driver,
		  struct kmod_module **module)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *kmod = kmod_get(ctx);
	int r;

	*module = NULL;
	if (!kmod)
		return -ENOENT;
	r = kmod_module_new_from_lookup(kmod, driver, &list);
	if (r < 0)
		return r;
	kmod_list_foreach(l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		/* a module that exists on disk, or built in, or loaded */
		if (kmod_module_get_path(m) || kmod_module_get_initstate(m) >= 0) {
			*module = m;
			break;
		}
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	return *module ? 0 : -ENOENT;
}

/**
 * vmdev_driver_lookup - whether a PCI driver is registered or loadable
 * @ctx: the context
 * @driver: the driver's name ("vfio-pci")
 * @registered: receives true when /sys/bus/pci/drivers/DRIVER exists
 *
 * Returns 0 when registered or loadable as a module (found through
 * libkmod, by name or alias), -EINVAL for a bad name, -ENOENT otherwise.
 */
VMDEV_EXPORT int vmdev_driver_lookup(struct vmdev_ctx *ctx, const char *driver,
				     bool *registered)
{
	struct kmod_module *module;
	int r;

	if (!ctx || !registered)
		return -EINVAL;
	r = vmdev_check_name(driver);
	if (r < 0)
		return r;
	*registered = driver_registered(ctx, driver);
	if (*registered)
		return 0;
	r = driver_module(ctx, driver, &module);
	if (r < 0)
		return -ENOENT;
	kmod_module_unref(module);
	return 0;
}

/**
 * vmdev_driver_has_id_table - whether a PCI driver matches devices by itself
 * @ctx: the context
 * @driver: the driver ("vfio-mdev-pci")
 * @has_id_table: receives false for a vfio driver without an id table,
 *                which binds only through new_id (vfio-mdev-pci)
 *
 * Asks libkmod: a module whose aliases include no "pci:" alias (nor
 * vfio-pci's "vfio_pci:" driver_override table) has no id table. Where
 * kmod does not know the module (a recorded tree), the driver is known by
 * its name: vfio-mdev-pci has none. Drivers that are not vfio drivers
 * (pci-stub) are always bound through driver_override and so count as
 * having one.
 *
 * Returns 0, or -EINVAL for a bad name.
 */
VMDEV_EXPORT int vmdev_driver_has_id_table(struct vmdev_ctx *ctx, const char *driver,
					   bool *has_id_table)
{
	struct kmod_module *module;
	int r;

	if (!ctx || !has_id_table)
		return -EINVAL;
	r = vmdev_check_name(driver);
	if (r < 0)
		return r;
	*has_id_table = true;
	if (!strstr(driver, "vfio"))
		return 0;
	if (driver_module(ctx, driver, &module) == 0) {
		struct kmod_list *info = NULL, *l;
		bool pci_alias = false;

		r = kmod_module_get_info(module, &info);
		kmod_list_foreach(l, info) {
			const char *key = kmod_module_info_get_key(l);
			const char *value = kmod_module_info_get_value(l);

			if (key && value && strcmp(key, "alias") == 0 &&
			    (strncmp(value, "pci:", 4) == 0 || strncmp(value, "vfio_pci:", 9) == 0))
				pci_alias = true;
		}
		kmod_module_info_free_list(info);
		kmod_module_unref(module);
		if (r > 0) {
			*has_id_table = pci_alias;
			return 0;
		}
	}
	*has_id_table = strcmp(driver, VMDEV_MDEV_PCI_DRIVER) != 0;
	return 0;
}

/**
 * vmdev_parent_get_mdev_driver - the mdev-bus driver that takes @parent's
 * mdevs (read live)
 * @parent: the parent
 * @driver: receives a new string the caller frees
 *
 * The driver another mdev of @parent is bound to; else the only driver on
 * the mdev bus: the driver an unbound mdev (VMDEV_VERDICT_MDEV_UNBOUND) had,
 * and gets again when created anew (the mdev bus binds only at create).
 *
 * Returns 0, -ENOENT when it cannot be told, or a read's error.
 */
VMDEV_EXPORT int vmdev_parent_get_mdev_driver(struct vmdev_parent *parent, char **driver)
{
	struct vmdev_type *type;
	struct vmdev_mdev *mdev;
	char **names;
	size_t n;
	int r;

	if (!parent || !driver)
		return -EINVAL;
	*driver = NULL;
	vmdev_type_foreach(parent, type) {
		vmdev_type_mdev_foreach(type, mdev) {
			r = vmdev_mdev_get_driver(mdev, driver);
			if (r < 0 || *driver)
				return r;
		}
	}
	r = sysfs_list_dir(parent->ctx, SYS_MDEV_DRIVERS, cmp_names, &names, &n);
	if (r < 0)
		return r;
	if (n == 1) {
		*driver = names[0];
		names[0] = NULL;
	}
	free_names(names, n);
	return *driver ? 0 : -ENOENT;
}
