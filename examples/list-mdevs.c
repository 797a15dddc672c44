// SPDX-License-Identifier: MIT
/*
 * List the active mdevs with their parent, type, IOMMU group and driver:
 * the smallest useful libvmdev program.
 *
 *   cc list-mdevs.c $(pkg-config --cflags --libs libvmdev) -o list-mdevs
 *   VMDEV_ROOT=/some/recorded/tree ./list-mdevs
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvmdev.h>

int main(void)
{
	struct vmdev_ctx *ctx;
	struct vmdev_mdev *mdev;
	int r, count = 0;

	r = vmdev_new(&ctx);
	if (r < 0) {
		fprintf(stderr, "list-mdevs: %s\n", strerror(-r));
		return 1;
	}
	vmdev_mdev_foreach(ctx, mdev) {
		struct vmdev_type *type = vmdev_mdev_get_type(mdev);
		char *driver = NULL;

		vmdev_mdev_get_driver(mdev, &driver);
		printf("%s %s %s group=%d driver=%s\n", vmdev_mdev_get_uuid(mdev),
		       vmdev_parent_get_name(vmdev_mdev_get_parent(mdev)),
		       vmdev_type_get_id(type), vmdev_mdev_get_iommu_group(mdev),
		       driver ? driver : "none");
		free(driver);
		count++;
	}
	printf("%d mdevs\n", count);
	vmdev_unref(ctx);
	return 0;
}
