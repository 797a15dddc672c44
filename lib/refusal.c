// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What a bind, an unbind or a remove must refuse before anything is
 * written, as a vmdev_refusal with the facts behind it (the header type,
 * the VF count, the interface or mount point, the holders); the caller
 * words it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static int refusal_new(enum vmdev_refusal_kind kind, struct vmdev_refusal **out)
{
	struct vmdev_refusal *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->kind = kind;
	r->group = -1;
	*out = r;
	return 0;
}

/**
 * vmdev_refusal_free - free a refusal
 * @refusal: what a check returned, or NULL
 */
VMDEV_EXPORT void vmdev_refusal_free(struct vmdev_refusal *refusal)
{
	if (!refusal)
		return;
	host_use_clear(&refusal->use);
	free(refusal->holders);
	free(refusal);
}

/** vmdev_refusal_get_kind - why (VMDEV_REFUSAL_NONE for NULL) */
VMDEV_EXPORT enum vmdev_refusal_kind vmdev_refusal_get_kind(const struct vmdev_refusal *refusal)
{
	return refusal ? refusal->kind : VMDEV_REFUSAL_NONE;
}

/** vmdev_refusal_get_header_type - VMDEV_REFUSAL_HEADER_TYPE: the PCI
 * header type (config byte 0x0e without the multi-function bit); else 0 */
VMDEV_EXPORT unsigned int vmdev_refusal_get_header_type(const struct vmdev_refusal *refusal)
{
	return refusal ? refusal->header_type : 0;
}

/** vmdev_refusal_get_numvfs - VMDEV_REFUSAL_SRIOV_PF: the VFs enabled; else 0 */
VMDEV_EXPORT unsigned int vmdev_refusal_get_numvfs(const struct vmdev_refusal *refusal)
{
	return refusal ? refusal->numvfs : 0;
}

/** vmdev_refusal_get_host_use - VMDEV_REFUSAL_IN_USE: how the host uses
 * the device; else VMDEV_HOST_USE_NONE */
VMDEV_EXPORT enum vmdev_host_use vmdev_refusal_get_host_use(const struct vmdev_refusal *refusal)
{
	return refusal ? refusal->use.use : VMDEV_HOST_USE_NONE;
}

/** vmdev_refusal_get_device_name - the interface ("eth0") or block device
 * ("sda1") the host uses; NULL for the boot VGA device and other refusals */
VMDEV_EXPORT const char *vmdev_refusal_get_device_name(const struct vmdev_refusal *refusal)
{
	return refusal ? refusal->use.name : NULL;
}

/** vmdev_refusal_get_mount_point - VMDEV_HOST_USE_MOUNTED: where ("/boot") */
VMDEV_EXPORT const char *vmdev_refusal_get_mount_point(const struct vmdev_refusal *refusal)
{
	return refusal ? refusal->use.mount_point : NULL;
}

/** vmdev_refusal_get_group - VMDEV_REFUSAL_HELD: the VFIO group whose node
 * or device is held (the mdev's, when held through an mdev); else -1 */
VMDEV_EXPORT int vmdev_refusal_get_group(const struct vmdev_refusal *refusal)
{
	return refusal ? refusal->group : -1;
}

/** vmdev_refusal_get_vf - a refusal of an SR-IOV change
 * (vmdev_pci_check_sriov()) because of one VF: its address; else NULL */
VMDEV_EXPORT const char *vmdev_refusal_get_vf(const struct vmdev_refusal *refusal)
{
	return refusal && refusal->vf[0] ? refusal->vf : NULL;
}

/** vmdev_refusal_get_mdev - VMDEV_REFUSAL_HELD through an mdev of the
 * device (its parent's driver would take it along): its UUID; else NULL */
VMDEV_EXPORT const char *vmdev_refusal_get_mdev(const struct vmdev_refusal *refusal)
{
	return refusal && refusal->mdev[0] ? refusal->mdev : NULL;
}

/**
 * vmdev_refusal_get_holders - VMDEV_REFUSAL_HELD: the processes
 * @refusal: the refusal
 * @count: receives how many (0 for other refusals)
 *
 * Returns the array, owned by @refusal, or NULL.
 */
VMDEV_EXPORT const struct vmdev_holder *vmdev_refusal_get_holders(const struct vmdev_refusal *refusal,
								  size_t *count)
{
	if (count)
		*count = refusal ? refusal->n_holders : 0;
	return refusal ? refusal->holders : NULL;
}

int refusal_errno(const struct vmdev_refusal *refusal)
{
	switch (vmdev_refusal_get_kind(refusal)) {
	case VMDEV_REFUSAL_NONE:
		return 0;
	case VMDEV_REFUSAL_IN_USE:
	case VMDEV_REFUSAL_HELD:
		return -EBUSY;
	default:
		return -ENOTSUP;
	}
}

/* A HELD refusal when anyone holds GROUP or the device at DEV_PATH, by
 * the last /proc scan: the caller rescans once per check. */
static int check_held(struct vmdev_ctx *ctx, int group, const char *dev_path,
		      const char *mdev, struct vmdev_refusal **out)
{
	struct vmdev_holder *holders;
	size_t n;
	int r;

	r = holders_of(ctx, group, dev_path, &holders, &n);
	if (r < 0 || n == 0)
		return r;
	r = refusal_new(VMDEV_REFUSAL_HELD, out);
	if (r < 0) {
		free(holders);
		return r;
	}
	(*out)->group = group;
	(*out)->holders = holders;
	(*out)->n_holders = n;
	if (mdev)
		memcpy((*out)->mdev, mdev, VMDEV_UUID_LEN);
	return 0;
}

/*
 * Whether taking @pci off its driver CURRENT would pull something from
 * under a process: its own VFIO group or device when CURRENT is a vfio
 * driver, and, whatever CURRENT is, the mdevs it parents (their groups or
 * devices), which go with it.
 */
static int driver_change_held_scanned(struct vmdev_pci *pci, const char *current,
				      struct vmdev_refusal **out)
{
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct vmdev_mdev *mdev;
	int r;

	if (driver_is_vfio(current)) {
		r = check_held(pci->ctx, pci->iommu_group, pci->path, NULL, out);
		if (r < 0 || *out)
			return r;
	}
	if (!current || !pci->mdev_parent)
		return 0;
	r = vmdev_parent_find(pci->ctx, pci->address, &parent);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	vmdev_type_foreach(parent, type) {
		vmdev_type_mdev_foreach(type, mdev) {
			r = check_held(pci->ctx, mdev_iommu_group(mdev), mdev->path, mdev->uuid, out);
			if (r < 0 || *out)
				return r;
		}
	}
	return 0;
}

static int driver_change_held(struct vmdev_pci *pci, const char *current,
			      struct vmdev_refusal **out)
{
	int r;

	if (!driver_is_vfio(current) && !(current && pci->mdev_parent))
		return 0;
	/* one /proc scan for the device and all its mdevs, not one each */
	r = vfio_users_rescan(pci->ctx);
	if (r < 0)
		return r;
	return driver_change_held_scanned(pci, current, out);
}

/* The refusals of the kernel's own probe for a vfio DRIVER. */
static int vfio_probe_refuses(struct vmdev_pci *pci, const char *driver,
			      struct vmdev_refusal **out)
{
	unsigned int numvfs, header;
	int r;

	if (strcmp(driver, VMDEV_MDEV_PCI_DRIVER) == 0) {
		r = pci_header_type(pci, &header);
		if (r < 0 && r != -ENOENT && r != -EIO)
			return r;
		if (header != 0) {
			r = refusal_new(VMDEV_REFUSAL_HEADER_TYPE, out);
			if (r == 0)
				(*out)->header_type = header;
			return r;
		}
	}
	if (driver_is_vfio(driver) && pci->bridge)
		return refusal_new(VMDEV_REFUSAL_BRIDGE, out);
	if (driver_is_vfio(driver)) {
		r = vmdev_pci_get_sriov_numvfs(pci, &numvfs);
		if (r < 0 && r != -ENOENT)
			return r;
		if (r == 0 && numvfs > 0) {
			r = refusal_new(VMDEV_REFUSAL_SRIOV_PF, out);
			if (r == 0)
				(*out)->numvfs = numvfs;
			return r;
		}
	}
	return 0;
}

/* An IN_USE refusal when the host visibly uses @pci. */
static int host_uses(struct vmdev_pci *pci, struct vmdev_refusal **out)
{
	struct host_use use;
	int r = pci_host_use(pci, &use);

	if (r < 0 || use.use == VMDEV_HOST_USE_NONE)
		return r;
	r = refusal_new(VMDEV_REFUSAL_IN_USE, out);
	if (r < 0) {
		host_use_clear(&use);
		return r;
	}
	(*out)->use = use;
	return 0;
}

/* The common start of a check: *OUT NULL, a name to check, the driver now. */
static int check_start(struct vmdev_pci *pci, struct vmdev_refusal **out, char **current)
{
	if (!pci || !out)
		return -EINVAL;
	*out = NULL;
	return vmdev_pci_get_driver(pci, current);
}

/**
 * vmdev_pci_check_bind - whether binding @pci to @driver would be refused
 * @pci: the device
 * @driver: the driver, or NULL for the one vmdev_pci_choose_vfio_driver()
 *          chooses
 * @flags: VMDEV_BIND_FORCE to accept a device the host visibly uses
 * @refusal: receives NULL when the bind may go ahead, else a refusal the
 *           caller frees with vmdev_refusal_free()
 *
 * Refused: for vfio-mdev-pci, a device whose header type is not normal
 * (type 0; VMDEV_REFUSAL_HEADER_TYPE, from config byte 0x0e); a bridge for
 * any other vfio driver; an SR-IOV PF with VFs enabled for a vfio driver
 * (vfio-pci's and vfio-mdev-pci's probes return EBUSY for it); without
 * VMDEV_BIND_FORCE, a device the host uses (a network interface up, a
 * mounted or swap block device below it, the boot VGA device); a device on
 * a vfio driver whose group or device a process holds open, or whose
 * mdevs' are held. A device already on @driver is never refused. Nothing
 * is written.
 *
 * Returns 0 (with or without a refusal), -EINVAL for a bad driver name,
 * or a read's error.
 */
VMDEV_EXPORT int vmdev_pci_check_bind(struct vmdev_pci *pci, const char *driver,
				      unsigned int flags, struct vmdev_refusal **refusal)
{
	_cleanup_(freep) char *current = NULL, *chosen = NULL;
	int r;

	r = check_start(pci, refusal, &current);
	if (r < 0)
		return r;
	if (!driver) {
		enum vmdev_driver_choice choice;

		r = vfio_driver_choose(pci, &chosen, NULL, &choice);
		driver = chosen;
	} else {
		r = vmdev_check_name(driver);
	}
	if (r < 0)
		return r;
	if (current && strcmp(current, driver) == 0)
		return 0;
	r = vfio_probe_refuses(pci, driver, refusal);
	if (r < 0 || *refusal)
		return r;
	if (!(flags & VMDEV_BIND_FORCE)) {
		r = host_uses(pci, refusal);
		if (r < 0 || *refusal)
			return r;
	}
	return driver_change_held(pci, current, refusal);
}

/**
 * vmdev_pci_check_unbind - whether unbinding @pci would be refused
 * @pci: the device
 * @flags: VMDEV_UNBIND_FORCE to accept a device the host visibly uses
 * @refusal: receives NULL, or VMDEV_REFUSAL_HELD when a process holds the
 *           device's VFIO group or device (on a vfio driver) or one of its
 *           mdevs open; VMDEV_REFUSAL_IN_USE, without VMDEV_UNBIND_FORCE,
 *           when the device is on a host driver and the host visibly uses
 *           it. The caller frees it with vmdev_refusal_free().
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_pci_check_unbind(struct vmdev_pci *pci, unsigned int flags,
					struct vmdev_refusal **refusal)
{
	_cleanup_(freep) char *current = NULL;
	int r;

	r = check_start(pci, refusal, &current);
	if (r < 0)
		return r;
	r = driver_change_held(pci, current, refusal);
	if (r < 0 || *refusal)
		return r;
	/* taking a device from its host driver while the host uses it */
	if (!(flags & VMDEV_UNBIND_FORCE) && current && !driver_is_vfio(current) &&
	    strcmp(current, "pci-stub") != 0)
		return host_uses(pci, refusal);
	return 0;
}

/**
 * vmdev_mdev_check_remove - whether removing @mdev would be refused
 * @mdev: the mdev
 * @refusal: receives NULL, or VMDEV_REFUSAL_HELD when a process holds its
 *           group or device open (the kernel would then block, or pull the
 *           device from under its user); the caller frees it
 *
 * Returns 0 or a negative errno from reading /proc.
 */
VMDEV_EXPORT int vmdev_mdev_check_remove(struct vmdev_mdev *mdev,
					 struct vmdev_refusal **refusal)
{
	int r;

	if (!mdev || !refusal)
		return -EINVAL;
	*refusal = NULL;
	r = vfio_users_rescan(mdev->ctx);
	if (r < 0)
		return r;
	return check_held(mdev->ctx, mdev_iommu_group(mdev), mdev->path, NULL, refusal);
}

/*
 * Whether taking VF away (with the PF's VFs) would pull it from under a
 * process or the host, by the /proc scan the caller made: its VFIO group
 * or device held, its mdevs' held, or (unless FORCE) the host using it
 * through a host driver.
 */
static int vf_removal_refused(struct vmdev_pci *vf, bool force, struct vmdev_refusal **out)
{
	_cleanup_(freep) char *driver = NULL;
	int r;

	r = vmdev_pci_get_driver(vf, &driver);
	if (r < 0)
		return r;
	r = driver_change_held_scanned(vf, driver, out);
	if (r == 0 && !*out && !force && driver && !driver_is_vfio(driver) &&
	    strcmp(driver, "pci-stub") != 0)
		r = host_uses(vf, out);
	if (r == 0 && *out)
		memcpy((*out)->vf, vf->address, VMDEV_PCI_ADDR_LEN);
	return r;
}

/**
 * vmdev_pci_check_sriov - whether setting @pf's VF count to @numvfs would
 * be refused
 * @pf: the device
 * @numvfs: the count wanted
 * @flags: VMDEV_BIND_FORCE to take away VFs the host visibly uses
 * @refusal: receives NULL when the change may go ahead, else a refusal
 *           the caller frees with vmdev_refusal_free()
 *
 * Refused: a device that is no SR-IOV PF (VMDEV_REFUSAL_NOT_SRIOV_PF); a
 * PF without a driver (VMDEV_REFUSAL_NO_PF_DRIVER: the kernel makes VFs
 * only through the PF's driver); when the change takes the VFs there are
 * away (a different count goes through 0), any of them whose VFIO group
 * or device, or whose mdevs', a process holds open (VMDEV_REFUSAL_HELD),
 * or, without VMDEV_BIND_FORCE, that the host visibly uses
 * (VMDEV_REFUSAL_IN_USE); vmdev_refusal_get_vf() names that VF. A count
 * that is already @numvfs is never refused. Nothing is written.
 *
 * Returns 0 (with or without a refusal), -ERANGE when @numvfs is over
 * sriov_totalvfs, or a read's error.
 */
VMDEV_EXPORT int vmdev_pci_check_sriov(struct vmdev_pci *pf, unsigned int numvfs,
				       unsigned int flags, struct vmdev_refusal **refusal)
{
	_cleanup_(freep) char *driver = NULL;
	struct vmdev_pci **vfs = NULL;
	unsigned int total, current;
	size_t n = 0;
	int r;

	r = check_start(pf, refusal, &driver);
	if (r < 0)
		return r;
	r = vmdev_pci_get_sriov_totalvfs(pf, &total);
	if (r == -ENOENT)
		return refusal_new(VMDEV_REFUSAL_NOT_SRIOV_PF, refusal);
	if (r < 0)
		return r;
	if (numvfs > total)
		return -ERANGE;
	r = vmdev_pci_get_sriov_numvfs(pf, &current);
	if (r < 0 || current == numvfs)
		return r;
	if (!driver)
		return refusal_new(VMDEV_REFUSAL_NO_PF_DRIVER, refusal);
	if (current == 0)
		return 0;
	r = vmdev_pci_get_vfs(pf, &vfs, &n);
	/* one /proc scan for every VF */
	if (r == 0)
		r = vfio_users_rescan(pf->ctx);
	for (size_t i = 0; i < n && r == 0 && !*refusal; i++)
		r = vf_removal_refused(vfs[i], flags & VMDEV_BIND_FORCE, refusal);
	free(vfs);
	if (r < 0) {
		vmdev_refusal_free(*refusal);
		*refusal = NULL;
	}
	return r;
}
