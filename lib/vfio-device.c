// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A device's VFIO device: <device>/vfio-dev/vfioN, there while a vfio
 * driver (vfio-pci, a variant, an mdev driver) has registered it, on 6.1
 * as on later kernels. Kernels built with IOMMUFD and VFIO_DEVICE_CDEV
 * (6.6 and later) also give it a character device, vfioN/dev, and the node
 * /dev/vfio/devices/vfioN that a VMM opens together with /dev/iommu. N is
 * neither the group number nor stable across rebinds: read live.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "model.h"
#include "parse.h"
#include "sysfs.h"

/* the one vfioN entry of DIR_FD (<device>/vfio-dev) */
static int first_entry(const char *entry, unsigned char d_type, void *data)
{
	char *name = data;

	(void)d_type;
	if (strncmp(entry, "vfio", 4) != 0 || strlen(entry) >= VMDEV_VFIO_DEVICE_NAME_MAX ||
	    vmdev_check_name(entry) < 0)
		return 0;
	strcpy(name, entry);
	return 1;
}

int vfio_device_read(struct vmdev_ctx *ctx, const char *dev_path,
		     struct vmdev_vfio_device *vdev)
{
	_cleanup_(closep) int dev_fd = -1;
	char path[PATH_MAX], buf[32];
	dev_t rdev;
	int r;

	memset(vdev, 0, sizeof(*vdev));
	if (!dev_path)
		return -ENOENT;
	dev_fd = sysfs_open_dir(ctx, dev_path);
	if (dev_fd < 0)
		return dev_fd;
	r = sysfs_each_entry_at(dev_fd, VFIO_DEV_DIR, first_entry, vdev->name);
	if (r < 0)
		return r == -ENOTDIR ? -ENOENT : r;
	if (r == 0)
		return -ENOENT;
	r = format_path(vdev->node, sizeof(vdev->node), DEV_VFIO_DEVICES "%s", vdev->name);
	if (r < 0)
		return r;
	r = format_path(path, sizeof(path), VFIO_DEV_DIR "/%s/dev", vdev->name);
	if (r < 0)
		return r;
	/* no "dev" without the cdev (6.1, or VFIO_DEVICE_CDEV off) */
	if (sysfs_read_at(dev_fd, path, buf, sizeof(buf)) >= 0 && parse_devnum(buf, &rdev) == 0) {
		vdev->has_cdev = true;
		vdev->major = major(rdev);
		vdev->minor = minor(rdev);
	}
	vdev->present = sysfs_exists(ctx, vdev->node);
	return 0;
}

/**
 * vmdev_pci_get_vfio_device - the device's VFIO device and its cdev (read live)
 * @pci: the device
 * @vdev: receives the name (vfioN), the node's host path, whether the kernel
 *        made a cdev for it (and its number) and whether the node exists
 *        under the root
 *
 * Returns 0, -ENOENT when no vfio driver has the device (no
 * <device>/vfio-dev/vfioN), or another negative errno.
 */
VMDEV_EXPORT int vmdev_pci_get_vfio_device(struct vmdev_pci *pci,
					   struct vmdev_vfio_device *vdev)
{
	if (!pci || !vdev)
		return -EINVAL;
	return vfio_device_read(pci->ctx, pci->path, vdev);
}

/**
 * vmdev_mdev_get_vfio_device - the mdev's VFIO device and its cdev (read live)
 * @mdev: the mdev
 * @vdev: as for vmdev_pci_get_vfio_device()
 *
 * Returns 0, -ENOENT when the mdev has no vfio device (no driver), or
 * another negative errno.
 */
VMDEV_EXPORT int vmdev_mdev_get_vfio_device(struct vmdev_mdev *mdev,
					    struct vmdev_vfio_device *vdev)
{
	if (!mdev || !vdev)
		return -EINVAL;
	return vfio_device_read(mdev->ctx, mdev->path, vdev);
}
