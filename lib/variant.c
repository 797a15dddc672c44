// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which vfio driver a PCI device should get, as the kernel intends it: a
 * vfio-pci variant driver (mlx5_vfio_pci, virtio_vfio_pci, ...) lists its
 * devices as "vfio_pci:" aliases in modules.alias (PCI_DRIVER_OVERRIDE_
 * DEVICE_VFIO) and is never autoloaded nor autoprobed; userspace matches
 * "vfio_" + the device's modalias against them and takes the alias with
 * the fewest wildcards (libvirt does the same for managed hostdevs). The
 * running kernel's modules.alias is read through the sysfs door, so a
 * recorded tree under --root carries its own. Facts only: loading the
 * module is write.c's.
 */
#include <errno.h>
#include <fnmatch.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "model.h"
#include "parse.h"
#include "sysfs.h"

#define VFIO_ALIAS_PREFIX "vfio_pci:"
#define GENERIC_MODULE "vfio_pci"
#define GENERIC_DRIVER "vfio-pci"

/* The best alias seen so far while reading modules.alias. */
struct alias_match {
	struct vmdev_ctx *ctx;
	char key[128];      /* "vfio_pci:v0000...": what the aliases are matched with */
	char module[NAME_MAX + 1];
	unsigned int wildcards; /* the best's; UINT_MAX before any match */
	int error;
};

static unsigned int count_wildcards(const char *pattern)
{
	unsigned int n = 0;

	for (; *pattern; pattern++)
		n += *pattern == '*';
	return n;
}

/* "alias vfio_pci:PATTERN MODULE": the fewest wildcards wins; on a tie the
 * first in the file (depmod's order), as libvirt takes it. */
static bool match_alias_line(const char *line, void *data)
{
	struct alias_match *m = data;
	char pattern[512], module[NAME_MAX + 1];
	unsigned int wildcards;

	if (strncmp(line, "alias " VFIO_ALIAS_PREFIX, 6 + strlen(VFIO_ALIAS_PREFIX)) != 0)
		return false;
	if (sscanf(line, "alias %511s %255s", pattern, module) != 2)
		return false;
	if (fnmatch(pattern, m->key, 0) != 0)
		return false;
	wildcards = count_wildcards(pattern);
	if (wildcards < m->wildcards) {
		m->wildcards = wildcards;
		snprintf(m->module, sizeof(m->module), "%s", module);
		dbg(m->ctx, "%s matches %s (%u wildcards)", module, pattern, wildcards);
	} else if (wildcards == m->wildcards && strcmp(module, m->module) != 0) {
		info(m->ctx, "%s ties with %s for %s (%u wildcards): %s comes first in modules.alias",
		     module, m->module, m->key, wildcards, m->module);
	}
	return false;
}

/* The device's modalias, as the kernel writes it (pci-sysfs.c); made from
 * its ids where the attribute cannot be read (a tree that lacks it). */
static void pci_modalias(struct vmdev_pci *pci, char *buf, size_t size)
{
	char path[PATH_MAX];

	if (format_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/modalias", pci->address) == 0 &&
	    sysfs_read(pci->ctx, path, buf, size) > 0 && strncmp(buf, "pci:", 4) == 0)
		return;
	snprintf(buf, size, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", pci->vendor,
		 pci->device, pci->subsystem_vendor, pci->subsystem_device,
		 (pci->class_code >> 16) & 0xff, (pci->class_code >> 8) & 0xff,
		 pci->class_code & 0xff);
}

/*
 * The module of the most specific "vfio_pci:" alias matching PCI, in
 * *MODULE (a new string), or NULL where only the generic vfio_pci matches,
 * nothing matches, or the kernel has no modules.alias. Returns 0 or -ENOMEM.
 */
int vfio_variant_find(struct vmdev_pci *pci, char **module)
{
	struct alias_match m = { .ctx = pci->ctx, .wildcards = UINT_MAX };
	char modalias[96], path[PATH_MAX];
	struct utsname uts;
	int r;

	*module = NULL;
	pci_modalias(pci, modalias, sizeof(modalias));
	snprintf(m.key, sizeof(m.key), "vfio_%s", modalias);
	if (uname(&uts) < 0 ||
	    format_path(path, sizeof(path), LIB_MODULES "/%s/modules.alias", uts.release) < 0)
		return 0;
	r = sysfs_scan_lines(pci->ctx, path, match_alias_line, &m);
	if (r < 0) {
		dbg(pci->ctx, "%s: %s: no variant chosen", path, strerror(-r));
		return 0;
	}
	if (m.wildcards == UINT_MAX || strcmp(m.module, GENERIC_MODULE) == 0)
		return 0;
	*module = strdup(m.module);
	return *module ? 0 : -ENOMEM;
}

/*
 * The PCI driver MODULE registered, from /sys/module/MODULE/drivers/
 * pci:NAME (driver_override wants the driver's name, which need not be the
 * module's). Returns 0, -ENOENT when MODULE is not loaded or registered no
 * PCI driver, -EINVAL for a bad module name, or -ENOMEM.
 */
int module_pci_driver(struct vmdev_ctx *ctx, const char *module, char **driver)
{
	char path[PATH_MAX];
	char **names;
	size_t n;
	int r;

	*driver = NULL;
	if (vmdev_check_name(module) < 0)
		return -EINVAL;
	r = format_path(path, sizeof(path), SYS_MODULE "/%s/drivers", module);
	if (r < 0)
		return r;
	r = sysfs_list_dir(ctx, path, cmp_names, &names, &n);
	if (r < 0)
		return r == -ENOMEM ? r : -ENOENT;
	for (size_t i = 0; i < n && !*driver; i++) {
		if (strncmp(names[i], "pci:", 4) == 0 && vmdev_check_name(names[i] + 4) == 0 &&
		    !(*driver = strdup(names[i] + 4)))
			r = -ENOMEM;
	}
	free_names(names, n);
	if (r < 0)
		return r;
	return *driver ? 0 : -ENOENT;
}

/* Whether the variant MODULE is loaded with its PCI driver, or can be
 * loaded (libkmod finds it): 0, else -ENOENT. */
int vfio_variant_available(struct vmdev_ctx *ctx, const char *module)
{
	struct kmod_module *m;
	char *driver;

	if (module_pci_driver(ctx, module, &driver) == 0) {
		free(driver);
		return 0;
	}
	if (driver_module(ctx, module, &m) < 0)
		return -ENOENT;
	kmod_module_unref(m);
	return 0;
}

/*
 * The choice for PCI: a variant's module and the driver it registers (its
 * module's name while it is not loaded: the in-kernel variants name their
 * driver so), else vfio-pci. *MODULE may be NULL (not wanted); it gets
 * NULL for the default.
 */
int vfio_driver_choose(struct vmdev_pci *pci, char **driver, char **module,
		       enum vmdev_driver_choice *choice)
{
	_cleanup_(freep) char *variant = NULL;
	int r;

	*driver = NULL;
	if (module)
		*module = NULL;
	r = vfio_variant_find(pci, &variant);
	if (r < 0)
		return r;
	if (!variant) {
		*choice = VMDEV_DRIVER_CHOICE_DEFAULT;
		*driver = strdup(GENERIC_DRIVER);
		return *driver ? 0 : -ENOMEM;
	}
	*choice = VMDEV_DRIVER_CHOICE_ALIAS;
	r = module_pci_driver(pci->ctx, variant, driver);
	if (r == -ENOENT)
		r = (*driver = strdup(variant)) ? 0 : -ENOMEM;
	if (r < 0)
		return r;
	if (module) {
		*module = variant;
		variant = NULL;
	}
	return 0;
}

/**
 * vmdev_pci_choose_vfio_driver - the vfio driver a bind without a driver
 * name gives a PCI device
 * @pci: the device
 * @driver: receives the driver's name (a new string the caller frees)
 * @module: if not NULL, receives the variant's module (a new string), or
 *          NULL for the default
 * @choice: receives VMDEV_DRIVER_CHOICE_ALIAS when a vfio-pci variant
 *          driver's "vfio_pci:" alias in the running kernel's modules.alias
 *          matches the device (the one with the fewest wildcards; on a tie
 *          the first in the file), else VMDEV_DRIVER_CHOICE_DEFAULT
 *          ("vfio-pci")
 *
 * Reads only: nothing is loaded. A variant's driver name is the one its
 * loaded module registered (/sys/module/MODULE/drivers/pci:NAME); while
 * the module is not loaded it is the module's name, which vmdev_pci_bind()
 * with a NULL driver corrects after loading it.
 *
 * Returns 0, -EINVAL for a NULL argument, or -ENOMEM.
 */
VMDEV_EXPORT int vmdev_pci_choose_vfio_driver(struct vmdev_pci *pci, char **driver,
					      char **module,
					      enum vmdev_driver_choice *choice)
{
	if (!pci || !driver || !choice)
		return -EINVAL;
	return vfio_driver_choose(pci, driver, module, choice);
}
