// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-lib: what `vmdevctl list` asks of the library, in-process: every
 * mdev with its parent, type, type name, device_api, group, driver and
 * path. Output goes to stdout as one line per mdev (like floor), the time
 * to stderr.
 *
 * usage: bench-lib [-p] ROOT   (-p: print one line per mdev; without it the
 * values are only touched; "bench-lib: N mdevs in MS ms" goes to stderr)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libvmdev.h"

static const char *dash(const char *s)
{
	return s ? s : "-";
}

int main(int argc, char **argv)
{
	struct vmdev_ctx *ctx;
	struct vmdev_mdev *mdev;
	struct timespec t0, t1;
	unsigned long count = 0;

	bool print = argc == 3 && strcmp(argv[1], "-p") == 0;
	unsigned long sum = 0;

	if (argc != 2 && !print) {
		fprintf(stderr, "usage: bench-lib [-p] ROOT\n");
		return 2;
	}
	argv += print;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (vmdev_new(&ctx) < 0 || vmdev_set_root(ctx, argv[1]) < 0)
		return 1;
	vmdev_mdev_foreach(ctx, mdev) {
		struct vmdev_type *type = vmdev_mdev_get_type(mdev);
		char *driver = NULL;

		vmdev_mdev_get_driver(mdev, &driver);
		if (print)
			printf("%s %s %s %s %s %d %s %s\n", vmdev_mdev_get_uuid(mdev),
		       vmdev_parent_get_name(vmdev_mdev_get_parent(mdev)),
		       vmdev_type_get_id(type), dash(vmdev_type_get_name(type)),
		       dash(vmdev_type_get_device_api(type)),
		       vmdev_mdev_get_iommu_group(mdev), dash(driver),
		       vmdev_mdev_get_path(mdev));
		else
			sum += strlen(vmdev_mdev_get_uuid(mdev)) +
			       strlen(dash(vmdev_type_get_name(type))) +
			       strlen(dash(vmdev_type_get_device_api(type))) +
			       (unsigned long)vmdev_mdev_get_iommu_group(mdev) +
			       strlen(dash(driver)) + strlen(vmdev_mdev_get_path(mdev));
		free(driver);
		count++;
	}
	vmdev_unref(ctx);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "bench-lib: %lu mdevs in %.3f ms (%lx)\n", count,
		(t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6, sum);
	return 0;
}
