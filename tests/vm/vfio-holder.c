// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hold a VFIO group open the way a VM does, for the VM tier's busy tests:
 *
 *   vfio-holder GROUP               only the group fd
 *   vfio-holder GROUP ADDRESS|UUID  group + container + IOMMU + device fd
 *   vfio-holder --cdev CDEV IOMMU   the device's cdev (/dev/vfio/devices/vfioN,
 *                                   or a node of the same number anywhere, as in
 *                                   a private /dev) bound to an iommufd (/dev/iommu)
 *                                   and attached to an IOAS, as QEMU 8.2+ does
 *
 *   vfio-holder --run GROUP [DEVICE] -- CMD [ARG...]
 *                                   holds as above, then runs CMD as its child
 *                                   (which inherits none of the fds) and exits
 *                                   with CMD's status: the caller holding the
 *                                   group while its tool runs, as libvirt's
 *                                   nodedev-destroy does around "mdevctl stop"
 *
 * Prints "ready" once it holds what it was asked to, then waits for a
 * signal. While it holds a device fd (or a bound cdev), the kernel's unbind
 * and mdev remove block until it exits: vmdevctl must refuse them instead.
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The iommufd interface (6.6+ for the cdev): Debian 12's linux-libc-dev
 * (6.1) has neither linux/iommufd.h nor these vfio ioctls, so they are
 * spelled here, as include/uapi/linux/{vfio,iommufd}.h give them.
 */
#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)
#endif
struct holder_iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define HOLDER_IOMMU_IOAS_ALLOC _IO(';', 0x81)

static int hold_cdev(const char *cdev_path, const char *iommu_path)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct holder_iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	int cdev = open(cdev_path, O_RDWR), iommufd;

	if (cdev < 0) {
		perror(cdev_path);
		return 1;
	}
	iommufd = open(iommu_path, O_RDWR);
	if (iommufd < 0) {
		perror(iommu_path);
		return 1;
	}
	bind.iommufd = iommufd;
	if (ioctl(cdev, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		perror("VFIO_DEVICE_BIND_IOMMUFD");
		return 1;
	}
	if (ioctl(iommufd, HOLDER_IOMMU_IOAS_ALLOC, &ioas) < 0) {
		perror("IOMMU_IOAS_ALLOC");
		return 1;
	}
	attach.pt_id = ioas.out_ioas_id;
	if (ioctl(cdev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0) {
		perror("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
		return 1;
	}
	printf("ready devid %u ioas %u\n", bind.out_devid, ioas.out_ioas_id);
	fflush(stdout);
	pause();
	return 0;
}

/* --run: CMD as a child, while this process holds; CMD's exit status */
static int run_child(char **cmd)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	char path[64], **cmd = NULL;
	int group, container, device;

	if (argc == 4 && strcmp(argv[1], "--cdev") == 0)
		return hold_cdev(argv[2], argv[3]);
	if (argc > 1 && strcmp(argv[1], "--run") == 0) {
		int i = 2;

		while (i < argc && strcmp(argv[i], "--") != 0)
			i++;
		if (i >= argc - 1 || i < 3) {
			fprintf(stderr, "usage: vfio-holder --run GROUP [DEVICE] -- CMD [ARG...]\n");
			return 2;
		}
		cmd = argv + i + 1;
		argv[i] = NULL;
		argc = i - 1;
		argv++;
	}
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: vfio-holder GROUP [DEVICE] | vfio-holder --cdev CDEV IOMMU\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%s", argv[1]);
	group = open(path, O_RDWR | O_CLOEXEC);
	if (group < 0) {
		perror(path);
		return 1;
	}
	if (argc == 3) {
		container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
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
	if (cmd)
		return run_child(cmd);
	pause();
	return 0;
}
