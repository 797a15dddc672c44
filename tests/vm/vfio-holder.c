// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hold a VFIO group open the way a VM does, for the VM tier's busy tests:
 *
 *   vfio-holder GROUP               only the group fd
 *   vfio-holder GROUP ADDRESS|UUID  group + container + IOMMU + device fd
 *
 * Prints "ready" once it holds what it was asked to, then waits for a
 * signal. While it holds a device fd, the kernel's unbind and mdev remove
 * block until it exits: vmdevctl must refuse them instead.
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[64];
	int group, container, device;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: vfio-holder GROUP [DEVICE]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%s", argv[1]);
	group = open(path, O_RDWR);
	if (group < 0) {
		perror(path);
		return 1;
	}
	if (argc == 3) {
		container = open("/dev/vfio/vfio", O_RDWR);
		if (container < 0) {
			perror("/dev/vfio/vfio");
			return 1;
		}
		if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0) {
			perror("VFIO_GROUP_SET_CONTAINER");
			return 1;
		}
		if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0 &&
		    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) < 0) {
			perror("VFIO_SET_IOMMU");
			return 1;
		}
		device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[2]);
		if (device < 0) {
			perror("VFIO_GROUP_GET_DEVICE_FD");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	pause();
	return 0;
}
