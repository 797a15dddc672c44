// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "vfio_device" key of devices and list: a device's VFIO device while a
 * vfio driver has it, with the cdev node a VMM opens on kernels built with
 * IOMMUFD and VFIO_DEVICE_CDEV ("present": the node exists); null when no
 * vfio driver has it, or it cannot be read.
 */
#include "vfio-device.h"

void vfio_device_json(struct jout *j, int r, const struct vmdev_vfio_device *vdev)
{
	if (r != 0) {
		jout_null(j, "vfio_device");
		return;
	}
	jout_open_object(j, "vfio_device");
	jout_string(j, "name", vdev->name);
	jout_string(j, "node", vdev->node);
	jout_bool(j, "present", vdev->present);
	jout_close_object(j);
}
