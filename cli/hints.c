// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A host without IOMMU groups or mdev parents lists nothing, which tells a
 * new user nothing: in text mode the read commands say what is missing and
 * what provides it. On stdout, exit code unchanged; JSON stays [] and -q
 * quiet, and a filter that matched nothing stays silent.
 */
#include <stdio.h>

#include "vmdevctl.h"

void hint_no_iommu_groups(void)
{
	puts("no IOMMU groups: the IOMMU is off or absent, so no device can be assigned\n"
	     "turn on VT-d (Intel) or AMD-Vi in the firmware and boot with intel_iommu=on or amd_iommu=on");
}

void hint_no_mdev_parents(void)
{
	puts("no mdev parents: no loaded driver offers mediated devices\n"
	     "load a driver that does: a vendor's (i915 with GVT-g, NVIDIA's vGPU driver), vfio_ccw or vfio_ap on s390, "
	     "or a kernel sample (mtty, mdpy, mbochs)");
}

void hint_no_mdevs(void)
{
	puts("no mdevs: see the types the parents offer (vmdevctl types), then create one "
	     "(vmdevctl create -p PARENT -t TYPE)");
}

void hint_no_definitions(void)
{
	puts("no definitions in /etc/mdevctl.d: store one with vmdevctl define -p PARENT -t TYPE, "
	     "or keep a running mdev with vmdevctl define -u UUID");
}
