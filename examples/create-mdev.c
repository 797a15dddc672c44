// SPDX-License-Identifier: MIT
/*
 * Create an mdev and use it once the kernel (and udev) are done, then
 * remove it again:
 *
 *   ./create-mdev PARENT TYPE [UUID]      e.g. ./create-mdev mtty mtty-2
 *
 * Prints the UUID, its IOMMU group and driver. Exit 0 on success, 1 when
 * the create or remove failed, 2 on bad input, 3 when PARENT or TYPE does
 * not exist, 5 when no instance is available or the UUID is taken.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvmdev.h>

int main(int argc, char **argv)
{
	char uuid[VMDEV_UUID_LEN];
	struct vmdev_ctx *ctx;
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct vmdev_mdev *mdev;
	char *driver = NULL;
	int r, status = 1;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: create-mdev PARENT TYPE [UUID]\n");
		return 2;
	}
	r = vmdev_new(&ctx);
	if (r < 0) {
		fprintf(stderr, "create-mdev: %s\n", strerror(-r));
		return 1;
	}
	if (vmdev_parent_find(ctx, argv[1], &parent) < 0 ||
	    vmdev_type_find(parent, argv[2], &type) < 0) {
		fprintf(stderr, "create-mdev: no type %s/%s\n", argv[1], argv[2]);
		status = 3;
		goto out;
	}
	/* returns once the mdev exists and has its driver, with it in the model */
	r = vmdev_mdev_create(type, argc == 4 ? argv[3] : NULL, &mdev);
	if (r < 0) {
		fprintf(stderr, "create-mdev: create: %s\n", strerror(-r));
		status = r == -ENOSPC || r == -EEXIST ? 5 : r == -EINVAL ? 2 : 1;
		goto out;
	}
	memcpy(uuid, vmdev_mdev_get_uuid(mdev), sizeof(uuid));
	r = vmdev_mdev_get_driver(mdev, &driver);
	if (r < 0) {
		fprintf(stderr, "create-mdev: %s: %s\n", uuid, strerror(-r));
		goto out;
	}
	printf("%s group=%d driver=%s\n", uuid, vmdev_mdev_get_iommu_group(mdev),
	       driver ? driver : "none");
	free(driver);
	r = vmdev_mdev_remove(mdev); /* on success, mdev leaves the model */
	if (r < 0) {
		fprintf(stderr, "create-mdev: remove: %s\n", strerror(-r));
		goto out;
	}
	printf("removed %s\n", uuid);
	status = 0;
out:
	vmdev_unref(ctx);
	return status;
}
