// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Setting a PF's VF count safely: autoprobe off while the VFs appear, so
 * that no VF ever passes through a host driver; a different count only
 * through 0; wait until the kernel (and udev) have them; bind each to the
 * driver chosen and verify it; autoprobe put back; on any failure the VFs
 * taken away again and autoprobe put back, so nothing is left half made.
 */
#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "policy.h"
#include "sysfs.h"

/* What the VFs wait for: all WANT of them there (udev done with each,
 * where udevd runs), or none left. */
struct vfs_wait {
	struct vmdev_pci *pf;
	unsigned int want;
	bool udev;
	char (*added)[VMDEV_PCI_ADDR_LEN]; /* VFs whose "add" udevd announced */
	size_t n_added;
};

static void vf_event(struct udev_device *dev, void *data)
{
	struct vfs_wait *w = data;
	const char *subsystem = udev_device_get_subsystem(dev);
	const char *action = udev_device_get_action(dev);
	const char *name = udev_device_get_sysname(dev);
	char (*grown)[VMDEV_PCI_ADDR_LEN];

	if (!subsystem || !action || !name || strcmp(subsystem, "pci") != 0 ||
	    strcmp(action, "add") != 0 || strlen(name) != VMDEV_PCI_ADDR_LEN - 1)
		return;
	grown = realloc(w->added, (w->n_added + 1) * sizeof(*grown));
	if (!grown)
		return; /* the wait then ends by its timeout */
	w->added = grown;
	memcpy(w->added[w->n_added++], name, VMDEV_PCI_ADDR_LEN);
}

static bool vf_added(struct vfs_wait *w, const char *address)
{
	for (size_t i = 0; i < w->n_added; i++)
		if (strcmp(w->added[i], address) == 0)
			return true;
	return false;
}

static int vfs_settled(struct vmdev_ctx *ctx, void *data)
{
	struct vfs_wait *w = data;
	char (*addresses)[VMDEV_PCI_ADDR_LEN];
	size_t n;
	int r, done;

	r = sriov_vf_addresses(w->pf, &addresses, &n);
	if (r < 0)
		return r;
	done = n == w->want;
	for (size_t i = 0; i < n && done; i++) {
		char dir[64];

		done = format_path(dir, sizeof(dir), SYS_PCI_DEVICES "/%s", addresses[i]) == 0 &&
		       sysfs_exists(ctx, dir) && (!w->udev || vf_added(w, addresses[i]));
	}
	free(addresses);
	return done;
}

static int pf_write(struct vmdev_pci *pf, const char *attr, unsigned int value)
{
	char path[128], text[16];
	int r = format_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/%s", pf->address, attr);

	snprintf(text, sizeof(text), "%u", value);
	return r < 0 ? r : sysfs_write(pf->ctx, path, text);
}

/* Write the count and wait until the kernel (and udev) have the VFs. */
static int write_count(struct vmdev_pci *pf, unsigned int numvfs)
{
	struct vmdev_ctx *ctx = pf->ctx;
	struct vfs_wait w = { pf, numvfs, numvfs > 0 && udevd_running(ctx), NULL, 0 };
	struct udev_monitor *monitor = waiter_open(ctx);
	int r;

	r = pf_write(pf, "sriov_numvfs", numvfs);
	if (r == 0 && !ctx->dry_run)
		r = wait_until(ctx, monitor, vfs_settled, vf_event, &w);
	waiter_close(monitor);
	free(w.added);
	return r;
}

/*
 * Take every VF away (count 0) and out of the model: the devices stay
 * valid for pointers held, the groups that went with them are forgotten.
 */
static int take_away(struct vmdev_pci *pf)
{
	struct vmdev_ctx *ctx = pf->ctx;
	struct vmdev_pci **vfs = NULL;
	size_t n = 0;
	int r;

	r = vmdev_pci_get_vfs(pf, &vfs, &n);
	if (r < 0)
		return r;
	r = write_count(pf, 0);
	for (size_t i = 0; i < n && r == 0 && !ctx->dry_run; i++) {
		int group = vfs[i]->iommu_group;
		char dir[64];

		pci_detach(vfs[i]);
		if (group >= 0 &&
		    format_path(dir, sizeof(dir), SYS_IOMMU_GROUPS "/%d", group) == 0 &&
		    !sysfs_exists(ctx, dir))
			group_forget(ctx, (unsigned int)group);
	}
	free(vfs);
	return r;
}

struct node_wait {
	char node[32];
};

static int node_present(struct vmdev_ctx *ctx, void *data)
{
	return sysfs_exists(ctx, ((struct node_wait *)data)->node);
}

/* Bind VF to DRIVER and verify it: the driver link and, for a vfio
 * driver, the group's /dev/vfio/N (at most the context's timeout). */
static int bind_vf(struct vmdev_pci *vf, const char *driver)
{
	struct vmdev_ctx *ctx = vf->ctx;
	_cleanup_(freep) char *bound = NULL;
	struct node_wait w;
	int r;

	/* no DRIVER: what vmdevctl bind takes without -d (a vfio-pci variant
	 * by the VF's alias, else vfio-pci); bind loads the variant's module */
	r = vmdev_pci_bind(vf, driver, 0, NULL);
	if (r < 0 || ctx->dry_run)
		return r;
	if (!driver) {
		r = vmdev_pci_get_driver(vf, &bound);
		if (r < 0)
			return r;
		if (!bound)
			return -EIO;
		driver = bound;
	}
	if (!driver_is_vfio(driver))
		return r;
	if (vf->iommu_group < 0)
		return -EIO;
	snprintf(w.node, sizeof(w.node), DEV_VFIO "/%d", vf->iommu_group);
	r = wait_until(ctx, NULL, node_present, NULL, &w);
	if (r < 0)
		err(ctx, "%s is on %s but %s did not appear", vf->address, driver, w.node);
	return r == -ETIMEDOUT ? -EIO : r;
}

/* Put one VF where CHOICE says, and verify it. */
static int place_vf(struct vmdev_pci *vf, enum vmdev_vf_driver choice, const char *named)
{
	_cleanup_(freep) char *driver = NULL;
	int r;

	switch (choice) {
	case VMDEV_VF_DRIVER_NONE:
		/* autoprobe was off: nothing may have taken it */
		r = vmdev_pci_get_driver(vf, &driver);
		if (r == 0 && driver) {
			err(vf->ctx, "%s was taken by %s, though autoprobe was off", vf->address,
			    driver);
			r = -EIO;
		}
		return r;
	case VMDEV_VF_DRIVER_PROBE:
		return 0; /* the kernel's choice, whatever it was */
	case VMDEV_VF_DRIVER_NAMED:
		return bind_vf(vf, named);
	case VMDEV_VF_DRIVER_DEFAULT:
	default:
		return bind_vf(vf, NULL);
	}
}

/*
 * A dry run cannot see VFs that are not made: report the binds the new,
 * driverless VFs would get, at the addresses their offset and stride give.
 */
static int dry_run_binds(struct vmdev_pci *pf, unsigned int numvfs,
			 enum vmdev_vf_driver choice, const char *named)
{
	for (unsigned int i = 0; i < numvfs; i++) {
		char address[VMDEV_PCI_ADDR_LEN], path[128];
		/* the generic driver: the VF's alias cannot be read before it exists */
		const char *driver = choice == VMDEV_VF_DRIVER_NAMED ? named : "vfio-pci";
		int r;

		if (choice == VMDEV_VF_DRIVER_NONE || choice == VMDEV_VF_DRIVER_PROBE)
			return 0;
		r = sriov_vf_address(pf, i, address);
		if (r == 0)
			r = format_path(path, sizeof(path), SYS_PCI_DEVICES "/%s/driver_override",
					address);
		if (r == 0)
			r = sysfs_write(pf->ctx, path, driver);
		if (r == 0)
			r = sysfs_write(pf->ctx, SYS_PCI_PROBE, address);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Make NUMVFS VFs (none are there) and place each; autoprobe as CHOICE
 * wants it while they appear. The caller puts autoprobe back and undoes. */
static int make_vfs(struct vmdev_pci *pf, unsigned int numvfs, enum vmdev_vf_driver choice,
		    const char *named, bool autoprobe)
{
	bool probe = choice == VMDEV_VF_DRIVER_PROBE;
	struct vmdev_pci **vfs = NULL;
	size_t n = 0;
	int r = 0;

	if (autoprobe != probe)
		r = pf_write(pf, "sriov_drivers_autoprobe", probe ? 1 : 0);
	if (r == 0)
		r = write_count(pf, numvfs);
	if (r < 0)
		return r;
	if (pf->ctx->dry_run)
		return dry_run_binds(pf, numvfs, choice, named);
	r = vmdev_pci_get_vfs(pf, &vfs, &n);
	for (size_t i = 0; i < n && r == 0; i++)
		r = place_vf(vfs[i], choice, named);
	free(vfs);
	return r;
}

/* A count that is already right: its VFs placed as asked (a VF already
 * on its driver is left alone). */
static int place_existing(struct vmdev_pci *pf, enum vmdev_vf_driver choice, const char *named)
{
	struct vmdev_pci **vfs = NULL;
	size_t n = 0;
	int r;

	if (choice == VMDEV_VF_DRIVER_NONE || choice == VMDEV_VF_DRIVER_PROBE)
		return 0;
	r = vmdev_pci_get_vfs(pf, &vfs, &n);
	for (size_t i = 0; i < n && r == 0; i++)
		r = place_vf(vfs[i], choice, named);
	free(vfs);
	return r;
}

/**
 * vmdev_pci_set_sriov_numvfs - set the number of a PF's VFs, safely
 * @pf: the PF
 * @numvfs: how many VFs (0 takes them all away)
 * @choice: where the new VFs go: VMDEV_VF_DRIVER_DEFAULT, the driver
 *          vmdev_pci_bind() is given by vmdevctl bind without -d
 *          (vfio-pci); VMDEV_VF_DRIVER_NONE, unbound;
 *          VMDEV_VF_DRIVER_PROBE, whatever driver the kernel probes
 *          (autoprobe on while they appear: what mdev parents on VFs
 *          need); VMDEV_VF_DRIVER_NAMED, @driver
 * @driver: the driver for VMDEV_VF_DRIVER_NAMED; else NULL
 * @flags: VMDEV_BIND_FORCE to take away VFs the host visibly uses
 *
 * Refuses before writing anything what vmdev_pci_check_sriov() refuses;
 * loads a named driver's module first. A different non-zero count goes
 * through 0. New VFs appear with sriov_drivers_autoprobe off (on for
 * VMDEV_VF_DRIVER_PROBE), so none is touched by a host driver; it waits,
 * at most the context's timeout, until the kernel and, where udevd runs,
 * udev have each; binds each with vmdev_pci_bind() and verifies it (the
 * driver link and, for a vfio driver, /dev/vfio/N; unbound for
 * VMDEV_VF_DRIVER_NONE); then puts autoprobe back as it was. On any
 * failure after the count was written it takes the VFs away again and
 * puts autoprobe back. A count that is already @numvfs is kept and its VFs
 * are bound as asked. Calls for one PF from processes using libvmdev are
 * serialized (as binds of one device are): the second waits at most the
 * context's timeout and sees the first's result. The VFs made join the
 * model (vmdev_pci_find(), their groups); VFs taken away leave it, their
 * objects staying valid memory until vmdev_refresh(). In dry-run mode it
 * reports the writes, the binds at the addresses the VFs would get.
 *
 * Returns 0; -EINVAL for bad arguments or driver name; -ERANGE for
 * @numvfs over sriov_totalvfs; -ENOTSUP for a device that is no PF or a
 * PF without a driver; -EBUSY when a VF to take away is held or in use, or
 * another process kept the PF locked longer than the timeout; -ENOENT or
 * -ENOPKG for a driver that is neither registered nor loadable; the PF
 * driver's error for the count (its driver cannot configure SR-IOV:
 * -ENOENT, -ENOSYS or -EPERM as the kernel says); -ETIMEDOUT when the VFs
 * did not appear; -EIO when a VF did not end where it should; or a
 * write's error: after every failure the VFs are gone again and autoprobe
 * is restored, or -ENOTRECOVERABLE says it could not be.
 */
VMDEV_EXPORT int vmdev_pci_set_sriov_numvfs(struct vmdev_pci *pf, unsigned int numvfs,
					    enum vmdev_vf_driver choice, const char *driver,
					    unsigned int flags)
{
	_cleanup_(closep) int lock = -1;
	struct vmdev_refusal *refusal = NULL;
	unsigned int current;
	bool autoprobe, changed;
	int r, undo;

	if (!pf || (flags & ~VMDEV_BIND_FORCE) || choice > VMDEV_VF_DRIVER_NAMED ||
	    (choice == VMDEV_VF_DRIVER_NAMED) != (driver != NULL))
		return -EINVAL;
	if (driver && (r = vmdev_check_name(driver)) < 0)
		return r;
	r = pci_lock(pf, &lock);
	if (r < 0)
		return r;
	r = vmdev_pci_check_sriov(pf, numvfs, flags, &refusal);
	if (r < 0)
		return r;
	if (refusal) {
		r = refusal_errno(refusal);
		info(pf->ctx, "not setting %s's VFs to %u: refusal %d", pf->address, numvfs,
		     refusal->kind);
		vmdev_refusal_free(refusal);
		return r;
	}
	r = vmdev_pci_get_sriov_numvfs(pf, &current);
	if (r == 0)
		r = vmdev_pci_get_sriov_autoprobe(pf, &autoprobe);
	if (r < 0)
		return r;
	if (current == numvfs)
		return place_existing(pf, choice, driver);
	/* a driver that cannot be had is known before anything changes */
	if (driver && (r = driver_load(pf->ctx, driver)) < 0)
		return r;
	if (current > 0) {
		r = take_away(pf);
		if (r < 0)
			return r;
	}
	if (numvfs == 0)
		return 0;
	changed = autoprobe != (choice == VMDEV_VF_DRIVER_PROBE);
	r = make_vfs(pf, numvfs, choice, driver, autoprobe);
	if (r == 0 && changed)
		r = pf_write(pf, "sriov_drivers_autoprobe", autoprobe);
	if (r == 0)
		return 0;
	/* the VFs away first, then autoprobe: no VF appears with it on */
	err(pf->ctx, "setting %s's VFs to %u failed: %s; taking them away", pf->address,
	    numvfs, strerror(-r));
	undo = take_away(pf);
	if (undo == 0 && changed)
		undo = pf_write(pf, "sriov_drivers_autoprobe", autoprobe);
	if (undo < 0) {
		err(pf->ctx, "could not undo the VFs of %s: %s", pf->address, strerror(-undo));
		return -ENOTRECOVERABLE;
	}
	return r;
}
