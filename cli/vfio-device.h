/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A device's VFIO device cdev as devices and list show it: see vfio-device.c. */
#ifndef VMDEVCTL_VFIO_DEVICE_H
#define VMDEVCTL_VFIO_DEVICE_H

#include "jsonout.h"
#include "vmdevctl.h"

/* "vfio_device": {"name", "node", "present"}, or null when R (what
 * vmdev_*_get_vfio_device() returned) is not 0 */
void vfio_device_json(struct jout *j, int r, const struct vmdev_vfio_device *vdev);

#endif
