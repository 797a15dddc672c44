// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The VFIO device cdev (<dev>/vfio-dev/vfioN, /dev/vfio/devices/vfioN),
 * noiommu groups, and holders found by device number, on small trees built
 * in a temporary root. A recorded tree has no device nodes: where a test
 * needs one, the tree's node is a link to a character device of the host
 * (/dev/null, /dev/zero, /dev/full, /dev/random), whose number the tree's sysfs "dev"
 * files then give.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <cmocka.h>

#include "libvmdev.h"
#include "tree.h"

#define DEV_0200 "sys/devices/pci0000:00/0000:00:02.0"
#define MTTY_DEV "sys/devices/virtual/mtty/mtty"
#define UUID1 "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"

struct fixture {
	char *root;
	struct vmdev_ctx *ctx;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	unsetenv("VMDEV_ROOT");
	f->root = tree_new();
	if (!f->root || vmdev_new(&f->ctx) < 0) {
		free(f->root);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct vmdev_ctx *left = vmdev_unref(f->ctx);

	tree_remove(f->root);
	free(f->root);
	free(f);
	assert_null(left);
	return 0;
}

static struct vmdev_ctx *use_tree(struct fixture *f)
{
	assert_int_equal(vmdev_set_root(f->ctx, f->root), 0);
	return f->ctx;
}

static struct vmdev_pci *device(struct vmdev_ctx *ctx, const char *address)
{
	struct vmdev_pci *pci = NULL;

	assert_int_equal(vmdev_pci_find(ctx, address, &pci), 0);
	return pci;
}

static struct vmdev_group *group(struct vmdev_ctx *ctx, unsigned int number)
{
	struct vmdev_group *g = NULL;

	assert_int_equal(vmdev_group_find(ctx, number, &g), 0);
	return g;
}

/* "MAJOR:MINOR" of a host character device, as sysfs writes it */
static void devnum_of(const char *host_node, char *buf, size_t size)
{
	struct stat st;

	assert_int_equal(stat(host_node, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	snprintf(buf, size, "%u:%u\n", major(st.st_rdev), minor(st.st_rdev));
}

/* an mtty mdev UUID1 on driver mtty in group GROUP */
static void add_mdev(const char *root, int group)
{
	char path[256], target[256];

	assert_int_equal(tree_symlink(root, "sys/class/mdev_bus/mtty",
				      "../../devices/virtual/mtty/mtty"), 0);
	assert_int_equal(tree_write(root, MTTY_DEV "/mdev_supported_types/mtty-1/device_api",
				    "vfio-pci\n"), 0);
	assert_int_equal(tree_write(root,
				    MTTY_DEV "/mdev_supported_types/mtty-1/available_instances",
				    "1\n"), 0);
	assert_int_equal(tree_symlink(root, MTTY_DEV "/mdev_supported_types/mtty-1/devices/" UUID1,
				      "../../../" UUID1), 0);
	assert_int_equal(tree_symlink(root, MTTY_DEV "/" UUID1 "/mdev_type",
				      "../mdev_supported_types/mtty-1"), 0);
	assert_int_equal(tree_symlink(root, "sys/bus/mdev/devices/" UUID1,
				      "../../../devices/virtual/mtty/mtty/" UUID1), 0);
	snprintf(target, sizeof(target), "../../../../../kernel/iommu_groups/%d", group);
	assert_int_equal(tree_symlink(root, MTTY_DEV "/" UUID1 "/iommu_group", target), 0);
	snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices/" UUID1, group);
	assert_int_equal(tree_symlink(root, path, "../../../../devices/virtual/mtty/mtty/" UUID1),
			 0);
	assert_int_equal(tree_mkdir(root, "sys/bus/mdev/drivers/mtty"), 0);
	assert_int_equal(tree_symlink(root, MTTY_DEV "/" UUID1 "/driver",
				      "../../../../../bus/mdev/drivers/mtty"), 0);
}

/* ---- the VFIO device and its cdev -------------------------------------- */

static void test_pci_vfio_device(void **state)
{
	struct fixture *f = *state;
	struct vmdev_vfio_device vdev;
	struct vmdev_ctx *ctx;

	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x020000, "vfio-pci", 7), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:03.0", 0x020000, "e1000e", 8), 0);
	/* 6.1: the vfio device, no cdev */
	assert_int_equal(tree_mkdir(f->root, DEV_0200 "/vfio-dev/vfio0/power"), 0);
	ctx = use_tree(f);

	assert_int_equal(vmdev_pci_get_vfio_device(device(ctx, "0000:00:02.0"), &vdev), 0);
	assert_string_equal(vdev.name, "vfio0");
	assert_string_equal(vdev.node, "/dev/vfio/devices/vfio0");
	assert_false(vdev.has_cdev);
	assert_false(vdev.present);
	/* not on a vfio driver */
	assert_int_equal(vmdev_pci_get_vfio_device(device(ctx, "0000:00:03.0"), &vdev), -ENOENT);
	assert_int_equal(vmdev_pci_get_vfio_device(NULL, &vdev), -EINVAL);
	assert_int_equal(vmdev_pci_get_vfio_device(device(ctx, "0000:00:02.0"), NULL), -EINVAL);

	/* the cdev kernel: its number, and the node (read live) */
	assert_int_equal(tree_write(f->root, DEV_0200 "/vfio-dev/vfio0/dev", "511:3\n"), 0);
	assert_int_equal(tree_write(f->root, "dev/vfio/devices/vfio0", ""), 0);
	assert_int_equal(vmdev_pci_get_vfio_device(device(ctx, "0000:00:02.0"), &vdev), 0);
	assert_true(vdev.has_cdev);
	assert_int_equal(vdev.major, 511);
	assert_int_equal(vdev.minor, 3);
	assert_true(vdev.present);
	/* a malformed number is no cdev */
	assert_int_equal(tree_write(f->root, DEV_0200 "/vfio-dev/vfio0/dev", "511\n"), 0);
	assert_int_equal(vmdev_pci_get_vfio_device(device(ctx, "0000:00:02.0"), &vdev), 0);
	assert_false(vdev.has_cdev);
	/* unbound: gone (N is not stable across rebinds) */
	assert_int_equal(tree_unlink(f->root, DEV_0200 "/vfio-dev"), 0);
	assert_int_equal(vmdev_pci_get_vfio_device(device(ctx, "0000:00:02.0"), &vdev), -ENOENT);
}

static void test_mdev_vfio_device(void **state)
{
	struct fixture *f = *state;
	struct vmdev_vfio_device vdev;
	struct vmdev_mdev *mdev = NULL;
	struct vmdev_ctx *ctx;

	add_mdev(f->root, 12);
	assert_int_equal(tree_write(f->root, MTTY_DEV "/" UUID1 "/vfio-dev/vfio3/dev", "511:4\n"),
			 0);
	ctx = use_tree(f);
	assert_int_equal(vmdev_mdev_find(ctx, UUID1, &mdev), 0);
	assert_int_equal(vmdev_mdev_get_vfio_device(mdev, &vdev), 0);
	assert_string_equal(vdev.name, "vfio3");
	assert_string_equal(vdev.node, "/dev/vfio/devices/vfio3");
	assert_true(vdev.has_cdev);
	assert_int_equal(vdev.minor, 4);
	assert_false(vdev.present);
	assert_int_equal(vmdev_mdev_get_vfio_device(NULL, &vdev), -EINVAL);
}

/* ---- noiommu groups ---------------------------------------------------- */

static void test_noiommu(void **state)
{
	struct fixture *f = *state;
	struct vmdev_ctx *ctx;
	struct vmdev_member *m;
	enum vmdev_verdict verdict = 99;
	struct vmdev_group *g;

	/* a noiommu group: its node is /dev/vfio/noiommu-0 */
	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x020000, "vfio-pci", 0), 0);
	assert_int_equal(tree_write(f->root, "sys/kernel/iommu_groups/0/name", "vfio-noiommu\n"), 0);
	assert_int_equal(tree_write(f->root, "dev/vfio/noiommu-0", ""), 0);
	/* an emulated-IOMMU mdev's group has that name too, and a plain node */
	add_mdev(f->root, 1);
	assert_int_equal(tree_write(f->root, "sys/kernel/iommu_groups/1/name", "vfio-noiommu\n"), 0);
	assert_int_equal(tree_write(f->root, "dev/vfio/1", ""), 0);
	/* a noiommu group known by its class device alone (no /dev) */
	assert_int_equal(tree_add_pci(f->root, "0000:00:03.0", 0x020000, "vfio-pci", 2), 0);
	assert_int_equal(tree_write(f->root, "sys/class/vfio/noiommu-2/dev", "511:2\n"), 0);
	/* a plain group with a node */
	assert_int_equal(tree_add_pci(f->root, "0000:00:04.0", 0x020000, "vfio-pci", 3), 0);
	assert_int_equal(tree_write(f->root, "dev/vfio/3", ""), 0);
	ctx = use_tree(f);

	g = group(ctx, 0);
	assert_true(vmdev_group_is_noiommu(g));
	assert_string_equal(vmdev_group_get_vfio_node(g), "/dev/vfio/noiommu-0");
	assert_true(vmdev_group_vfio_node_present(g));
	assert_int_equal(vmdev_group_is_viable(g), 0);
	m = vmdev_member_get_first(g);
	assert_non_null(m);
	assert_int_equal(vmdev_member_get_verdict(m, &verdict, NULL), 0);
	assert_int_equal(verdict, VMDEV_VERDICT_NOIOMMU);
	assert_false(vmdev_verdict_is_ok(VMDEV_VERDICT_NOIOMMU));

	g = group(ctx, 1);
	assert_false(vmdev_group_is_noiommu(g));
	assert_string_equal(vmdev_group_get_vfio_node(g), "/dev/vfio/1");
	assert_int_equal(vmdev_group_is_viable(g), 1);

	g = group(ctx, 2);
	assert_true(vmdev_group_is_noiommu(g));
	assert_string_equal(vmdev_group_get_vfio_node(g), "/dev/vfio/noiommu-2");
	assert_false(vmdev_group_vfio_node_present(g));
	assert_int_equal(vmdev_group_is_viable(g), 0);

	g = group(ctx, 3);
	assert_false(vmdev_group_is_noiommu(g));
	assert_int_equal(vmdev_group_is_viable(g), 1);
	assert_false(vmdev_group_is_noiommu(NULL));
}

/* ---- holders by device number ------------------------------------------ */

static bool listed(const struct vmdev_holder *h, size_t n, int pid)
{
	for (size_t i = 0; i < n; i++)
		if (h[i].pid == pid)
			return true;
	return false;
}

static void test_holders_by_number(void **state)
{
	struct fixture *f = *state;
	struct vmdev_holder *h = NULL;
	struct vmdev_refusal *refusal = NULL;
	const struct vmdev_holder *rh;
	char null_dev[32], zero_dev[32], full_dev[32], devices[96];
	struct vmdev_ctx *ctx;
	size_t n = 99;

	devnum_of("/dev/null", null_dev, sizeof(null_dev));
	devnum_of("/dev/zero", zero_dev, sizeof(zero_dev));
	devnum_of("/dev/full", full_dev, sizeof(full_dev));
	devnum_of("/dev/random", devices, sizeof(devices));
	assert_int_equal(atoi(devices), atoi(null_dev)); /* the same major, 1 */
	/* /proc/devices: the tree's vfio has the major of those nodes (1, mem) */
	snprintf(devices, sizeof(devices), "Character devices:\n%3d vfio\n\nBlock devices:\n",
		 atoi(null_dev));
	assert_int_equal(tree_write(f->root, "proc/devices", devices), 0);
	/* group 7 is /dev/null's number, 02.0's cdev /dev/full's */
	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x020000, "vfio-pci", 7), 0);
	assert_int_equal(tree_write(f->root, "sys/class/vfio/7/dev", null_dev), 0);
	assert_int_equal(tree_symlink(f->root, "dev/vfio/7", "/dev/null"), 0);
	assert_int_equal(tree_write(f->root, DEV_0200 "/vfio-dev/vfio0/dev", full_dev), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:03.0", 0x020000, "vfio-pci", 8), 0);
	/* a VMM in a private /dev: group 7 under another name */
	assert_int_equal(tree_write(f->root, "proc/100/comm", "qemu-private\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/100/fd/3", "/run/private/vfio/7"), 0);
	assert_int_equal(tree_symlink(f->root, "run/private/vfio/7", "/dev/null"), 0);
	/* a node of vfio's major, another group's, and /dev/iommu elsewhere */
	assert_int_equal(tree_write(f->root, "proc/200/comm", "other\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/200/fd/3", "/run/other-group"), 0);
	assert_int_equal(tree_symlink(f->root, "run/other-group", "/dev/random"), 0);
	assert_int_equal(tree_symlink(f->root, "run/other", "/dev/zero"), 0);
	assert_int_equal(tree_write(f->root, "sys/class/misc/iommu/dev", zero_dev), 0);
	assert_int_equal(tree_symlink(f->root, "proc/200/fd/4", "/run/other"), 0);
	/* only the cdev of 02.0, under another name, with /dev/iommu */
	assert_int_equal(tree_write(f->root, "proc/300/comm", "cdev-vmm\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/300/fd/5", "/run/private/vfio-cdev"), 0);
	assert_int_equal(tree_symlink(f->root, "run/private/vfio-cdev", "/dev/full"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/300/fd/6", "/dev/iommu"), 0);
	/* /dev/iommu alone holds no device */
	assert_int_equal(tree_write(f->root, "proc/400/comm", "iommufd-only\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/400/fd/3", "/dev/iommu"), 0);
	ctx = use_tree(f);

	assert_int_equal(vmdev_group_get_holders(group(ctx, 7), &h, &n), 0);
	assert_int_equal(n, 2);
	assert_true(listed(h, n, 100));
	assert_true(listed(h, n, 300));
	free(h);
	assert_int_equal(vmdev_group_get_holders(group(ctx, 8), &h, &n), 0);
	assert_int_equal(n, 0);
	assert_null(h);

	/* the cdev holder alone blocks the unbind, and is named */
	assert_int_equal(tree_unlink(f->root, "proc/100"), 0);
	vmdev_refresh(ctx);
	assert_int_equal(vmdev_pci_check_unbind(device(ctx, "0000:00:02.0"), VMDEV_UNBIND_FORCE,
						&refusal), 0);
	assert_non_null(refusal);
	assert_int_equal(vmdev_refusal_get_kind(refusal), VMDEV_REFUSAL_HELD);
	rh = vmdev_refusal_get_holders(refusal, &n);
	assert_int_equal(n, 1);
	assert_int_equal(rh[0].pid, 300);
	assert_string_equal(rh[0].comm, "cdev-vmm");
	vmdev_refusal_free(refusal);
	refusal = NULL;
	assert_int_equal(vmdev_pci_check_unbind(device(ctx, "0000:00:03.0"), VMDEV_UNBIND_FORCE,
						&refusal), 0);
	assert_null(refusal);
}

static void test_holders_device_fd(void **state)
{
	struct fixture *f = *state;
	struct vmdev_holder *h = NULL;
	struct vmdev_ctx *ctx;
	size_t n = 99;

	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x020000, "vfio-pci", 7), 0);
	assert_int_equal(tree_write(f->root, "dev/vfio/7", ""), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:03.0", 0x020000, "vfio-pci", 8), 0);
	assert_int_equal(tree_write(f->root, "dev/vfio/8", ""), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:04.0", 0x020000, "e1000e", 9), 0);
	/* group 8 and a device fd: it holds 8 only */
	assert_int_equal(tree_write(f->root, "proc/500/comm", "vm8\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/500/fd/3", "/dev/vfio/8"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/500/fd/4", "anon_inode:[vfio-device]"), 0);
	/* a device fd whose group fd was closed: which device, nothing says */
	assert_int_equal(tree_write(f->root, "proc/600/comm", "orphan\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/600/fd/4", "anon_inode:[vfio-device]"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/600/fd/5", "/dev/vfio/vfio"), 0);
	ctx = use_tree(f);

	assert_int_equal(vmdev_group_get_holders(group(ctx, 7), &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].pid, 600);
	free(h);
	assert_int_equal(vmdev_group_get_holders(group(ctx, 8), &h, &n), 0);
	assert_int_equal(n, 2);
	assert_true(listed(h, n, 500));
	assert_true(listed(h, n, 600));
	free(h);
	/* a group vfio does not have is held by nobody */
	assert_int_equal(vmdev_group_get_holders(group(ctx, 9), &h, &n), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_pci_vfio_device),
		T(test_mdev_vfio_device),
		T(test_noiommu),
		T(test_holders_by_number),
		T(test_holders_device_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
