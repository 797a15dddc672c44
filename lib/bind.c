// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Moving PCI devices between drivers: refuse what is unsafe before writing
 * anything, load the driver's module where it is not registered, bind with
 * driver_override (or new_id where asked), verify where the device ended,
 * and put back the driver it had on any failure.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "action.h"
#include "policy.h"
#include "sysfs.h"

struct driver_wait {
	struct vmdev_pci *pci;
	const char *driver; /* NULL: any driver but GONE */
	const char *gone;
};

static int driver_is(struct vmdev_ctx *ctx, void *data)
{
	struct driver_wait *w = data;
	_cleanup_(freep) char *now = NULL;
	int r = vmdev_pci_get_driver(w->pci, &now);

	if (r < 0)
		return r;
	if (w->driver)
		return now && strcmp(now, w->driver) == 0;
	return !now || strcmp(now, w->gone) != 0;
}

static int write_address(struct vmdev_pci *pci, const char *driver, const char *file)
{
	char path[PATH_MAX];
	int r = format_path(path, sizeof(path), SYS_PCI_DRIVERS "/%s/%s", driver, file);

	return r < 0 ? r : sysfs_write(pci->ctx, path, pci->address);
}

static int set_override(struct vmdev_pci *pci, const char *driver)
{
	char path[128];
	int r = format_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/driver_override",
			    pci->address);

	return r < 0 ? r : sysfs_write(pci->ctx, path, driver ? driver : "");
}

static int probe(struct vmdev_pci *pci)
{
	return sysfs_write(pci->ctx, SYS_PCI_PROBE, pci->address);
}

static bool same_driver(const char *a, const char *b)
{
	return a ? b && strcmp(a, b) == 0 : !b;
}

/*
 * Put the device back on DRIVER (NULL: no driver) with OVERRIDE as it was.
 * Best effort: it runs after a failure; returns whether it got there. A
 * driver that cannot be read is never guessed at: nothing is unbound on a
 * guess.
 */
bool pci_restore(struct vmdev_pci *pci, const char *driver, const char *override)
{
	_cleanup_(freep) char *now = NULL;
	int r;

	set_override(pci, override);
	r = vmdev_pci_get_driver(pci, &now);
	if (r == 0 && now && !same_driver(now, driver))
		write_address(pci, now, "unbind");
	if (r == 0 && driver) {
		/* a reprobe is harmless where it is bound already */
		free(now);
		now = NULL;
		probe(pci);
		r = vmdev_pci_get_driver(pci, &now);
		if (r == 0 && !same_driver(now, driver))
			write_address(pci, driver, "bind");
	}
	free(now);
	now = NULL;
	if (r == 0)
		r = vmdev_pci_get_driver(pci, &now);
	if (r < 0 || !same_driver(now, driver)) {
		err(pci->ctx, "could not restore %s to %s (now on %s)", pci->address,
		    driver ? driver : "no driver", r < 0 ? "an unreadable driver" :
		    now ? now : "no driver");
		return false;
	}
	return true;
}

/* new_id: "VVVV DDDD" binds every unbound device with those ids. */
static int bind_new_id(struct vmdev_pci *pci, const char *driver, bool *added)
{
	char ids[16], path[PATH_MAX];
	int r;

	*added = false;
	snprintf(ids, sizeof(ids), "%04x %04x", pci->vendor, pci->device);
	r = format_path(path, sizeof(path), SYS_PCI_DRIVERS "/%s/new_id", driver);
	if (r < 0)
		return r;
	r = sysfs_write(pci->ctx, path, ids);
	if (r == 0)
		*added = true;
	if (r == -EEXIST) /* the id is already dynamic: bind this one by hand */
		r = write_address(pci, driver, "bind");
	return r;
}

static void drop_new_id(struct vmdev_pci *pci, const char *driver)
{
	char ids[16], path[PATH_MAX];

	snprintf(ids, sizeof(ids), "%04x %04x", pci->vendor, pci->device);
	if (format_path(path, sizeof(path), SYS_PCI_DRIVERS "/%s/remove_id", driver) == 0)
		sysfs_write(pci->ctx, path, ids);
}

/*
 * Load the variant MODULE chosen for a device and name the PCI driver it
 * registered in *DRIVER (replacing the guess); in dry-run the guess, the
 * module's name, stands. Returns 0, -ENOENT when no such module is found,
 * -ENOPKG when it loaded but registered no PCI driver, or libkmod's error.
 */
static int variant_load(struct vmdev_ctx *ctx, const char *module, char **driver)
{
	char *registered = NULL;
	int r = module_pci_driver(ctx, module, &registered);

	if (r == -ENOENT) {
		r = module_load(ctx, module);
		if (r < 0 || ctx->dry_run)
			return r;
		r = module_pci_driver(ctx, module, &registered);
		if (r == -ENOENT)
			return -ENOPKG;
	}
	if (r < 0)
		return r;
	free(*driver);
	*driver = registered;
	return 0;
}

/**
 * vmdev_pci_bind - bind a PCI device to a driver, safely
 * @pci: the device
 * @driver: the driver ("vfio-pci"), or NULL for the one
 *          vmdev_pci_choose_vfio_driver() chooses: a vfio-pci variant
 *          whose alias matches the device (its module loaded, the PCI
 *          driver it registers bound), else vfio-pci
 * @flags: VMDEV_BIND_NEW_ID to bind through the driver's new_id (which
 *         also binds every other unbound device with the same vendor and
 *         device ids; the dynamic id is removed again afterwards, the
 *         devices stay bound) instead of driver_override (a vfio driver
 *         without an id table, vfio-mdev-pci, is always bound so: see
 *         vmdev_driver_has_id_table()); VMDEV_BIND_FORCE
 *         to bind a device the host visibly uses
 * @previous: if not NULL, receives the driver it had (a string the caller
 *            frees, or NULL when it had none)
 *
 * Refuses (see vmdev_pci_check_bind()) before writing anything. Loads the
 * driver's module through libkmod when the driver is not registered.
 * Verifies, waiting at most the context's timeout, that the device ended
 * on @driver, and on any failure puts back the driver and override it had.
 * A device already on @driver is left alone. Binds and unbinds of one
 * device by processes using libvmdev are serialized (an advisory flock(2)
 * on its sysfs directory): the second sees the first's result.
 *
 * Returns 0; -EINVAL for a bad driver name; -EBUSY when another process
 * kept the device locked longer than the context's timeout; -ENOTSUP for a bridge or an
 * SR-IOV PF with VFs; -EBUSY for a device in use or held; -ENOENT when the
 * driver is neither registered nor loadable (or the chosen variant's module
 * is not found); -ENOPKG when its module loaded but registered no driver of
 * that name (a variant's: no PCI driver); -EIO when the device did not
 * end on @driver (restored); -ENOTRECOVERABLE when, after that, its old
 * driver could not be restored either; or a write's error (restored).
 */
VMDEV_EXPORT int vmdev_pci_bind(struct vmdev_pci *pci, const char *driver,
				unsigned int flags, char **previous)
{
	_cleanup_(freep) char *current = NULL, *override = NULL, *chosen = NULL, *variant = NULL;
	_cleanup_(closep) int lock = -1;
	struct vmdev_refusal *refusal = NULL;
	struct vmdev_ctx *ctx;
	struct driver_wait w = { pci, driver, NULL };
	bool added = false;
	int r;

	if (previous)
		*previous = NULL;
	if (!pci)
		return -EINVAL;
	ctx = pci->ctx;
	r = driver ? vmdev_check_name(driver) : 0;
	if (r < 0)
		return r;
	r = pci_lock(pci, &lock);
	if (r < 0)
		return r;
	if (!driver) {
		enum vmdev_driver_choice choice;

		r = vfio_driver_choose(pci, &chosen, &variant, &choice);
		if (r < 0)
			return r;
		driver = chosen;
		info(ctx, "%s: %s chosen (%s%s)", pci->address, driver,
		     variant ? "the vfio_pci: alias of " : "no variant's alias matches",
		     variant ? variant : "");
	}
	r = vmdev_pci_check_bind(pci, driver, flags, &refusal);
	if (r < 0)
		return r;
	if (refusal) {
		r = refusal_errno(refusal);
		info(ctx, "not binding %s to %s: refusal %d", pci->address, driver,
		     refusal->kind);
		vmdev_refusal_free(refusal);
		return r;
	}
	r = vmdev_pci_get_driver(pci, &current);
	if (r < 0)
		return r;
	if (previous && current && !(*previous = strdup(current)))
		return -ENOMEM;
	if (current && strcmp(current, driver) == 0)
		return 0;
	if (variant) {
		r = variant_load(ctx, variant, &chosen);
		driver = chosen;
		if (r == 0 && current && strcmp(current, driver) == 0)
			return 0;
	} else {
		r = driver_load(ctx, driver);
	}
	if (r < 0)
		return r;
	w.driver = driver;
	/* what to restore on failure must be known before anything changes */
	r = vmdev_pci_get_driver_override(pci, &override);
	if (r < 0 && r != -ENOENT)
		return r;
	r = 0;
	if (!(flags & VMDEV_BIND_NEW_ID) && !variant) {
		bool has_table = true;

		/* vfio-mdev-pci has no id table: only new_id binds it */
		r = vmdev_driver_has_id_table(ctx, driver, &has_table);
		if (r < 0)
			return r;
		if (!has_table)
			flags |= VMDEV_BIND_NEW_ID;
	}

	if (flags & VMDEV_BIND_NEW_ID) {
		/* with an override set, only that driver may take the device */
		if (override && strcmp(override, driver) != 0)
			r = set_override(pci, NULL);
		if (r == 0 && current)
			r = write_address(pci, current, "unbind");
		if (r == 0)
			r = bind_new_id(pci, driver, &added);
	} else {
		r = set_override(pci, driver);
		if (r == 0 && current)
			r = write_address(pci, current, "unbind");
		if (r == 0)
			r = probe(pci);
	}
	if (ctx->dry_run) {
		if (r == 0 && (flags & VMDEV_BIND_NEW_ID))
			drop_new_id(pci, driver);
		return r;
	}
	if (r == 0)
		r = wait_until(ctx, NULL, driver_is, NULL, &w);
	if (added)
		drop_new_id(pci, driver);
	if (r < 0) {
		err(ctx, "binding %s to %s failed: %s; restoring %s", pci->address,
		    driver, strerror(-r), current ? current : "no driver");
		if (!pci_restore(pci, current, override))
			return -ENOTRECOVERABLE;
		return r == -ETIMEDOUT ? -EIO : r;
	}
	return 0;
}

/**
 * vmdev_pci_unbind - give a device back to the host
 * @pci: the device
 * @flags: VMDEV_UNBIND_NO_PROBE to leave it without a driver
 * @previous: if not NULL, receives the driver it had (a string the caller
 *            frees, or NULL)
 *
 * Clears driver_override, unbinds the device and, unless
 * VMDEV_UNBIND_NO_PROBE, lets the kernel probe it again so that its host
 * driver takes it. Refuses while a process holds its VFIO group or device
 * open (the unbind would pull the device from under it, or block in the
 * kernel until it exits).
 *
 * Returns 0, -EBUSY when held, -EIO when VMDEV_UNBIND_NO_PROBE was asked
 * and the device stayed on its driver, or a write's error.
 */
VMDEV_EXPORT int vmdev_pci_unbind(struct vmdev_pci *pci, unsigned int flags,
				  char **previous)
{
	_cleanup_(freep) char *current = NULL, *override = NULL;
	_cleanup_(closep) int lock = -1;
	struct vmdev_refusal *refusal = NULL;
	struct driver_wait w = { pci, NULL, NULL };
	int r;

	if (previous)
		*previous = NULL;
	if (!pci)
		return -EINVAL;
	r = pci_lock(pci, &lock);
	if (r < 0)
		return r;
	r = vmdev_pci_check_unbind(pci, flags, &refusal);
	if (r < 0)
		return r;
	if (refusal) {
		r = refusal_errno(refusal);
		info(pci->ctx, "not unbinding %s: refusal %d", pci->address, refusal->kind);
		vmdev_refusal_free(refusal);
		return r;
	}
	r = vmdev_pci_get_driver(pci, &current);
	if (r < 0)
		return r;
	if (previous && current && !(*previous = strdup(current)))
		return -ENOMEM;
	r = vmdev_pci_get_driver_override(pci, &override);
	if (r < 0 && r != -ENOENT)
		return r;
	r = override ? set_override(pci, NULL) : 0;
	if (r == 0 && current)
		r = write_address(pci, current, "unbind");
	if (r == 0 && !(flags & VMDEV_UNBIND_NO_PROBE))
		r = probe(pci);
	/* after a reprobe any driver may take it, its old one too */
	if (r < 0 || pci->ctx->dry_run || !current || !(flags & VMDEV_UNBIND_NO_PROBE))
		return r;
	w.gone = current;
	r = wait_until(pci->ctx, NULL, driver_is, NULL, &w);
	return r == -ETIMEDOUT ? -EIO : r;
}

