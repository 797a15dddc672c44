// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The viability rule (verdict_for_pci, vmdev_verdict_is_ok), then groups,
 * holders and the PCI/mdev model on small sysfs trees built in a temporary
 * root, shaped like the kernel's (relative links, "0x8086\n" attributes).
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
#include <cmocka.h>

#include "libvmdev.h"
#include "model.h"
#include "parse.h"
#include "sysfs.h"
#include "tree.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MTTY_DEV "sys/devices/virtual/mtty/mtty"
#define UUID1 "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"
#define UUID1_UPPER "83B8F4F2-509F-382F-3C1E-E6BFE0FA1001"
#define UUID2 "83b8f4f2-509f-382f-3c1e-e6bfe0fa1002"
#define UUID3 "83b8f4f2-509f-382f-3c1e-e6bfe0fa1003"

struct fixture {
	char *root;
	struct vmdev_ctx *ctx;
	int fds; /* open fds before the context: none may leak */
};

static int count_fds(void)
{
	struct dirent *de;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (!dir)
		return -1;
	while ((de = readdir(dir)))
		n++;
	closedir(dir);
	return n;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	unsetenv("VMDEV_ROOT");
	unsetenv("VMDEV_LOG");
	unsetenv("VMDEV_TIMEOUT");
	f->fds = count_fds();
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
	int fds = count_fds(), fds_before = f->fds;

	/* clean up first, so that a failure leaves no tree behind */
	tree_remove(f->root);
	free(f->root);
	free(f);
	assert_null(left);
	assert_int_equal(fds, fds_before);
	return 0;
}

/* Point the context at the tree built so far (this also drops any cache). */
static struct vmdev_ctx *use_tree(struct fixture *f)
{
	assert_int_equal(vmdev_set_root(f->ctx, f->root), 0);
	assert_string_equal(vmdev_get_root(f->ctx), f->root);
	return f->ctx;
}

static struct vmdev_group *find_group(struct vmdev_ctx *ctx, unsigned int n)
{
	struct vmdev_group *group = NULL;

	assert_int_equal(vmdev_group_find(ctx, n, &group), 0);
	assert_non_null(group);
	assert_int_equal(vmdev_group_get_number(group), n);
	return group;
}

static struct vmdev_member *find_member(struct vmdev_group *group,
					const char *name)
{
	struct vmdev_member *m;

	vmdev_member_foreach(group, m) {
		if (strcmp(vmdev_member_get_name(m), name) == 0)
			return m;
	}
	fail_msg("no member %s in group %u", name, vmdev_group_get_number(group));
	return NULL;
}

static void assert_verdict(struct vmdev_member *m, enum vmdev_verdict expected,
			   const char *expected_driver)
{
	enum vmdev_verdict verdict = 99;
	char *driver = (char *)"untouched";

	assert_int_equal(vmdev_member_get_verdict(m, &verdict, &driver), 0);
	assert_int_equal(verdict, expected);
	if (expected_driver) {
		assert_non_null(driver);
		assert_string_equal(driver, expected_driver);
	} else {
		assert_null(driver);
	}
	free(driver);
	/* the driver out-parameter is optional */
	assert_int_equal(vmdev_member_get_verdict(m, &verdict, NULL), 0);
	assert_int_equal(verdict, expected);
}

/* A 64-byte config space whose header type (offset 0x0e) is HEADER. */
static void write_config(const char *root, const char *addr, unsigned char header)
{
	unsigned char config[64] = { 0x86, 0x80, 0x34, 0x12 };
	char path[128];

	config[0x0e] = header;
	snprintf(path, sizeof(path), "sys/devices/pci0000:00/%s/config", addr);
	assert_int_equal(tree_write_bytes(root, path, config, sizeof(config)), 0);
}

/*
 * The mtty sample: sys/class/mdev_bus/mtty -> the virtual device, types
 * with name/device_api/available_instances, and the mdevs given as
 * "uuid:type:group" ("uuid:type:-1": no group; DRIVER NULL: unbound).
 */
static void add_mtty_type(const char *root, const char *type, const char *name,
			  const char *available)
{
	char path[256];

	snprintf(path, sizeof(path), MTTY_DEV "/mdev_supported_types/%s", type);
	assert_int_equal(tree_mkdir(root, path), 0);
	if (name) {
		snprintf(path, sizeof(path),
			 MTTY_DEV "/mdev_supported_types/%s/name", type);
		assert_int_equal(tree_write(root, path, name), 0);
	}
	snprintf(path, sizeof(path), MTTY_DEV "/mdev_supported_types/%s/device_api",
		 type);
	assert_int_equal(tree_write(root, path, "vfio-pci\n"), 0);
	snprintf(path, sizeof(path),
		 MTTY_DEV "/mdev_supported_types/%s/available_instances", type);
	assert_int_equal(tree_write(root, path, available), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/mdev_supported_types/%s/devices",
		 type);
	assert_int_equal(tree_mkdir(root, path), 0);
}

static void add_mtty_parent(const char *root)
{
	assert_int_equal(tree_symlink(root, "sys/class/mdev_bus/mtty",
				      "../../devices/virtual/mtty/mtty"), 0);
	assert_int_equal(tree_mkdir(root, MTTY_DEV "/mdev_supported_types"), 0);
}

static void add_mtty_mdev(const char *root, const char *uuid, const char *type,
			  int group, const char *driver)
{
	char path[256], target[256];

	snprintf(path, sizeof(path), MTTY_DEV "/mdev_supported_types/%s/devices/%s",
		 type, uuid);
	snprintf(target, sizeof(target), "../../../%s", uuid);
	assert_int_equal(tree_symlink(root, path, target), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/%s/mdev_type", uuid);
	snprintf(target, sizeof(target), "../mdev_supported_types/%s", type);
	assert_int_equal(tree_symlink(root, path, target), 0);
	snprintf(path, sizeof(path), "sys/bus/mdev/devices/%s", uuid);
	snprintf(target, sizeof(target), "../../../devices/virtual/mtty/mtty/%s", uuid);
	assert_int_equal(tree_symlink(root, path, target), 0);
	/*
	 * The mdev directory is 5 levels below the root of sysfs:
	 * sys/devices/virtual/mtty/mtty/UUID, so the kernel's links read
	 * ../../../../../kernel/... and ../../../../../bus/...
	 */
	if (group >= 0) {
		snprintf(path, sizeof(path), MTTY_DEV "/%s/iommu_group", uuid);
		snprintf(target, sizeof(target),
			 "../../../../../kernel/iommu_groups/%d", group);
		assert_int_equal(tree_symlink(root, path, target), 0);
		snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices/%s",
			 group, uuid);
		snprintf(target, sizeof(target),
			 "../../../../devices/virtual/mtty/mtty/%s", uuid);
		assert_int_equal(tree_symlink(root, path, target), 0);
	}
	if (driver) {
		snprintf(path, sizeof(path), "sys/bus/mdev/drivers/%s", driver);
		assert_int_equal(tree_mkdir(root, path), 0);
		snprintf(path, sizeof(path), MTTY_DEV "/%s/driver", uuid);
		snprintf(target, sizeof(target), "../../../../../bus/mdev/drivers/%s",
			 driver);
		assert_int_equal(tree_symlink(root, path, target), 0);
	}
}

/* ---- the rule itself --------------------------------------------------- */

static void test_verdict_for_pci(void **state)
{
	static const char *const vfio[] = {
		"vfio-pci", "mlx5_vfio_pci", "hisi_acc_vfio_pci",
		"nvgrace_gpu_vfio_pci", "virtio_vfio_pci", "xe_vfio_pci",
		"pds_vfio_pci",
	};
	static const char *const host[] = {
		"e1000e", "virtio-pci", "nvidia", "snd_hda_intel", "i915", "vfio",
		"xhci_hcd",
	};

	for (int bridge = 0; bridge <= 1; bridge++) {
		assert_int_equal(verdict_for_pci(NULL, bridge), VMDEV_VERDICT_UNBOUND);
		for (size_t i = 0; i < ARRAY_SIZE(vfio); i++)
			assert_int_equal(verdict_for_pci(vfio[i], bridge),
					 VMDEV_VERDICT_VFIO);
		assert_int_equal(verdict_for_pci("pci-stub", bridge),
				 VMDEV_VERDICT_PCI_STUB);
		for (size_t i = 0; i < ARRAY_SIZE(host); i++) {
			if (verdict_for_pci(host[i], bridge) != VMDEV_VERDICT_HOST_DRIVER)
				fail_msg("%s (bridge %d) should be a host driver",
					 host[i], bridge);
		}
	}
	/* pcieport is fine on a bridge only */
	assert_int_equal(verdict_for_pci("pcieport", true), VMDEV_VERDICT_BRIDGE);
	assert_int_equal(verdict_for_pci("pcieport", false),
			 VMDEV_VERDICT_HOST_DRIVER);
}

static void test_verdict_is_ok(void **state)
{
	assert_true(vmdev_verdict_is_ok(VMDEV_VERDICT_UNBOUND));
	assert_true(vmdev_verdict_is_ok(VMDEV_VERDICT_VFIO));
	assert_true(vmdev_verdict_is_ok(VMDEV_VERDICT_PCI_STUB));
	assert_true(vmdev_verdict_is_ok(VMDEV_VERDICT_BRIDGE));
	assert_true(vmdev_verdict_is_ok(VMDEV_VERDICT_MDEV_DRIVER));
	assert_false(vmdev_verdict_is_ok(VMDEV_VERDICT_HOST_DRIVER));
}

/* ---- the trees are shaped like the kernel's ---------------------------- */

static void test_tree_links_resolve(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x030000, "i915", 3), 0);
	add_mtty_parent(f->root);
	add_mtty_type(f->root, "mtty-2", "Dual port serial\n", "2\n");
	add_mtty_mdev(f->root, UUID1, "mtty-2", 12, "mtty");

	assert_true(tree_resolves(f->root, "sys/bus/pci/devices/0000:00:02.0/vendor"));
	assert_true(tree_resolves(f->root, "sys/bus/pci/devices/0000:00:02.0/driver"));
	assert_true(tree_resolves(f->root,
				  "sys/bus/pci/devices/0000:00:02.0/iommu_group/devices/0000:00:02.0/class"));
	assert_true(tree_resolves(f->root, "sys/kernel/iommu_groups/3/devices/0000:00:02.0/driver"));
	assert_true(tree_resolves(f->root, "sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/name"));
	assert_true(tree_resolves(f->root,
				  MTTY_DEV "/mdev_supported_types/mtty-2/devices/" UUID1 "/mdev_type/name"));
	assert_true(tree_resolves(f->root, MTTY_DEV "/" UUID1 "/iommu_group/devices/" UUID1 "/driver"));
	assert_true(tree_resolves(f->root, "sys/bus/mdev/devices/" UUID1 "/mdev_type"));
	assert_true(tree_resolves(f->root, "sys/kernel/iommu_groups/12/devices/" UUID1 "/mdev_type"));
	assert_false(tree_resolves(f->root, "sys/bus/pci/devices/0000:00:03.0"));
}

/* ---- groups ------------------------------------------------------------ */

static void test_group_vfio_and_host_driver(void **state)
{
	struct fixture *f = *state;
	struct vmdev_group *group;
	struct vmdev_member *m;
	struct vmdev_ctx *ctx;
	char *driver = NULL;
	int n = 0;

	/* a GPU on vfio-pci, its audio function forgotten on the host driver */
	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x030000, "vfio-pci", 7), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:02.1", 0x040300, "snd_hda_intel", 7), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:1f.0", 0x060100, "lpc_ich", 8), 0);
	ctx = use_tree(f);

	group = find_group(ctx, 7);
	assert_string_equal(vmdev_group_get_vfio_node(group), "/dev/vfio/7");
	vmdev_member_foreach(group, m) {
		assert_int_equal(vmdev_member_get_kind(m), VMDEV_MEMBER_PCI);
		assert_non_null(vmdev_member_get_pci(m));
		assert_null(vmdev_member_get_mdev(m));
		n++;
	}
	assert_int_equal(n, 2);
	m = vmdev_member_get_first(group);
	assert_string_equal(vmdev_member_get_name(m), "0000:00:02.0");
	assert_string_equal(vmdev_member_get_name(vmdev_member_get_next(m)),
			    "0000:00:02.1");
	assert_verdict(find_member(group, "0000:00:02.0"), VMDEV_VERDICT_VFIO, "vfio-pci");
	assert_verdict(find_member(group, "0000:00:02.1"), VMDEV_VERDICT_HOST_DRIVER,
		       "snd_hda_intel");
	assert_int_equal(vmdev_group_is_viable(group), 0);

	/* drivers are live: bind the audio function, no refresh needed */
	assert_int_equal(tree_set_pci_driver(f->root, "0000:00:02.1", "vfio-pci"), 0);
	assert_int_equal(vmdev_group_is_viable(group), 1);
	assert_verdict(find_member(group, "0000:00:02.1"), VMDEV_VERDICT_VFIO, "vfio-pci");
	assert_int_equal(vmdev_member_get_driver(find_member(group, "0000:00:02.1"),
						 &driver), 0);
	assert_string_equal(driver, "vfio-pci");
	free(driver);

	/* and after a refresh too */
	vmdev_refresh(ctx);
	group = find_group(ctx, 7);
	assert_int_equal(vmdev_group_is_viable(group), 1);

	/* back to the host driver: not viable again, still without refresh */
	assert_int_equal(tree_set_pci_driver(f->root, "0000:00:02.1", "snd_hda_intel"), 0);
	assert_int_equal(vmdev_group_is_viable(group), 0);

	/* the other group holds an ISA bridge on its host driver */
	assert_int_equal(vmdev_group_is_viable(find_group(ctx, 8)), 0);
	assert_int_equal(vmdev_group_find(ctx, 9, &group), -ENOENT);
	assert_null(group);
	assert_int_equal(vmdev_group_find(ctx, 2147483648U, &group), -EINVAL);
}

static void test_group_bridge_on_pcieport(void **state)
{
	struct fixture *f = *state;
	struct vmdev_ctx *ctx;
	struct vmdev_group *group;

	/* a root port on pcieport with an endpoint on vfio-pci */
	assert_int_equal(tree_add_pci(f->root, "0000:00:1c.0", 0x060400, "pcieport", 4), 0);
	write_config(f->root, "0000:00:1c.0", 0x81);
	assert_int_equal(tree_add_pci(f->root, "0000:00:1c.1", 0x020000, "vfio-pci", 4), 0);
	/* pcieport on something that is not a bridge is a host driver */
	assert_int_equal(tree_add_pci(f->root, "0000:00:1d.0", 0x088000, "pcieport", 5), 0);
	write_config(f->root, "0000:00:1d.0", 0x00);
	assert_int_equal(tree_add_pci(f->root, "0000:00:1d.1", 0x020000, "vfio-pci", 5), 0);
	ctx = use_tree(f);

	group = find_group(ctx, 4);
	assert_true(vmdev_pci_is_bridge(vmdev_member_get_pci(find_member(group, "0000:00:1c.0"))));
	assert_verdict(find_member(group, "0000:00:1c.0"), VMDEV_VERDICT_BRIDGE, "pcieport");
	assert_verdict(find_member(group, "0000:00:1c.1"), VMDEV_VERDICT_VFIO, "vfio-pci");
	assert_int_equal(vmdev_group_is_viable(group), 1);

	group = find_group(ctx, 5);
	assert_verdict(find_member(group, "0000:00:1d.0"), VMDEV_VERDICT_HOST_DRIVER,
		       "pcieport");
	assert_int_equal(vmdev_group_is_viable(group), 0);
}

static void test_group_unbound_and_stub(void **state)
{
	struct fixture *f = *state;
	struct vmdev_ctx *ctx;
	struct vmdev_group *group;

	assert_int_equal(tree_add_pci(f->root, "0000:00:03.0", 0x020000, "vfio-pci", 9), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:03.1", 0x020000, NULL, 9), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:03.2", 0x020000, "pci-stub", 9), 0);
	ctx = use_tree(f);

	group = find_group(ctx, 9);
	assert_verdict(find_member(group, "0000:00:03.1"), VMDEV_VERDICT_UNBOUND, NULL);
	assert_verdict(find_member(group, "0000:00:03.2"), VMDEV_VERDICT_PCI_STUB, "pci-stub");
	assert_int_equal(vmdev_group_is_viable(group), 1);

	/* the unbound member gets probed by a host driver: not viable */
	assert_int_equal(tree_set_pci_driver(f->root, "0000:00:03.1", "e1000e"), 0);
	assert_int_equal(vmdev_group_is_viable(group), 0);
	assert_int_equal(tree_set_pci_driver(f->root, "0000:00:03.1", NULL), 0);
	assert_int_equal(vmdev_group_is_viable(group), 1);
}

static void test_group_mdev_member(void **state)
{
	struct fixture *f = *state;
	struct vmdev_ctx *ctx;
	struct vmdev_group *group;
	struct vmdev_member *m;
	struct vmdev_mdev *mdev;
	char *driver = NULL;

	add_mtty_parent(f->root);
	add_mtty_type(f->root, "mtty-2", "Dual port serial\n", "1\n");
	add_mtty_mdev(f->root, UUID1, "mtty-2", 12, "mtty");
	ctx = use_tree(f);

	group = find_group(ctx, 12);
	m = vmdev_member_get_first(group);
	assert_non_null(m);
	assert_null(vmdev_member_get_next(m)); /* an mdev's group holds only it */
	assert_int_equal(vmdev_member_get_kind(m), VMDEV_MEMBER_MDEV);
	assert_string_equal(vmdev_member_get_name(m), UUID1);
	assert_null(vmdev_member_get_pci(m));
	mdev = vmdev_member_get_mdev(m);
	assert_non_null(mdev);
	assert_string_equal(vmdev_mdev_get_uuid(mdev), UUID1);
	assert_int_equal(vmdev_mdev_get_iommu_group(mdev), 12);
	assert_int_equal(vmdev_mdev_get_driver(mdev, &driver), 0);
	assert_string_equal(driver, "mtty");
	free(driver);
	assert_verdict(m, VMDEV_VERDICT_MDEV_DRIVER, "mtty");
	assert_int_equal(vmdev_group_is_viable(group), 1);

	/* unbound, it has no vfio device: its group has no node to hand out */
	assert_int_equal(tree_unlink(f->root, MTTY_DEV "/" UUID1 "/driver"), 0);
	assert_verdict(m, VMDEV_VERDICT_MDEV_UNBOUND, NULL);
	assert_false(vmdev_verdict_is_ok(VMDEV_VERDICT_MDEV_UNBOUND));
	assert_int_equal(vmdev_group_is_viable(group), 0);
}

static const struct vmdev_holder *holder_of(const struct vmdev_holder *holders,
					    size_t count, int pid)
{
	for (size_t i = 0; i < count; i++)
		if (holders[i].pid == pid)
			return &holders[i];
	return NULL;
}

static void test_group_holders(void **state)
{
	struct fixture *f = *state;
	struct vmdev_holder *holders = NULL;
	const struct vmdev_holder *h;
	struct vmdev_ctx *ctx;
	struct vmdev_group *group;
	size_t count = 99;

	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x030000, "vfio-pci", 7), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:04.0", 0x020000, "vfio-pci", 8), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:05.0", 0x020000, "vfio-pci", 70), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:06.0", 0x020000, "vfio-pci", 9), 0);
	/* the iommufd cdevs of 02.0 (group 7) and 04.0 (group 8) */
	assert_int_equal(tree_mkdir(f->root, "sys/devices/pci0000:00/0000:00:02.0/vfio-dev/vfio0"), 0);
	assert_int_equal(tree_mkdir(f->root, "sys/devices/pci0000:00/0000:00:04.0/vfio-dev/vfio1"), 0);
	/* QEMU holds group 7 twice, its device's cdev, the container, a tty */
	assert_int_equal(tree_write(f->root, "proc/1234/comm", "qemu-system-x86\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/1234/fd/0", "/dev/pts/0"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/1234/fd/4", "/dev/vfio/vfio"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/1234/fd/5", "/dev/vfio/7"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/1234/fd/6", "/dev/vfio/7"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/1234/fd/7", "/dev/vfio/devices/vfio0"), 0);
	/* another process holds group 8 only */
	assert_int_equal(tree_write(f->root, "proc/999/comm", "other-vmm\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/999/fd/3", "/dev/vfio/8"), 0);
	/* one holds group 70, whose node has "/dev/vfio/7" as a prefix */
	assert_int_equal(tree_write(f->root, "proc/555/comm", "vm70\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/555/fd/3", "/dev/vfio/70"), 0);
	/* one holds 02.0 through its iommufd cdev only, one 04.0's cdev */
	assert_int_equal(tree_write(f->root, "proc/777/comm", "iommufd-vmm\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/777/fd/9", "/dev/vfio/devices/vfio0"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/777/fd/10", "/dev/iommu"), 0);
	assert_int_equal(tree_write(f->root, "proc/888/comm", "cdev-8\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/888/fd/9", "/dev/vfio/devices/vfio1"), 0);
	/* not processes */
	assert_int_equal(tree_mkdir(f->root, "proc/sys/fd"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/self", "1234"), 0);
	ctx = use_tree(f);

	group = find_group(ctx, 7);
	assert_int_equal(vmdev_group_get_holders(group, &holders, &count), 0);
	assert_int_equal(count, 2); /* 1234 once, though it has three fds */
	assert_non_null(holders);
	h = holder_of(holders, count, 1234);
	assert_non_null(h);
	assert_string_equal(h->comm, "qemu-system-x86");
	h = holder_of(holders, count, 777);
	assert_non_null(h);
	assert_string_equal(h->comm, "iommufd-vmm");
	free(holders);
	/* holders do not enter into viability */
	assert_int_equal(vmdev_group_is_viable(group), 1);

	group = find_group(ctx, 8);
	assert_int_equal(vmdev_group_get_holders(group, &holders, &count), 0);
	assert_int_equal(count, 2);
	h = holder_of(holders, count, 999);
	assert_non_null(h);
	assert_string_equal(h->comm, "other-vmm");
	assert_non_null(holder_of(holders, count, 888));
	free(holders);

	group = find_group(ctx, 70);
	assert_int_equal(vmdev_group_get_holders(group, &holders, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(holders[0].pid, 555);
	assert_string_equal(holders[0].comm, "vm70");
	free(holders);

	/* nobody holds group 9 */
	group = find_group(ctx, 9);
	holders = (struct vmdev_holder *)&count;
	assert_int_equal(vmdev_group_get_holders(group, &holders, &count), 0);
	assert_int_equal(count, 0);
	assert_null(holders);
}

static void test_group_vfio_node_present(void **state)
{
	struct fixture *f = *state;
	struct vmdev_ctx *ctx;
	struct vmdev_group *group;

	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x030000, "vfio-pci", 7), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:04.0", 0x020000, "e1000e", 8), 0);
	assert_int_equal(tree_mkdir(f->root, "dev/vfio"), 0);
	ctx = use_tree(f);

	group = find_group(ctx, 7);
	assert_string_equal(vmdev_group_get_vfio_node(group), "/dev/vfio/7");
	assert_false(vmdev_group_vfio_node_present(group));
	/* an empty file will do (recorded trees have no device nodes); live */
	assert_int_equal(tree_write(f->root, "dev/vfio/7", ""), 0);
	assert_true(vmdev_group_vfio_node_present(group));
	assert_false(vmdev_group_vfio_node_present(find_group(ctx, 8)));
	assert_int_equal(tree_unlink(f->root, "dev/vfio/7"), 0);
	assert_false(vmdev_group_vfio_node_present(group));
}

/* ---- the PCI model ----------------------------------------------------- */

static void test_pci_find(void **state)
{
	static const char *const forms[] = {
		"0000:00:1f.3", "00:1f.3", "0000:00:1F.3", "00:1F.3",
	};
	struct fixture *f = *state;
	struct vmdev_pci *pci = NULL, *it;
	struct vmdev_ctx *ctx;
	char *driver = NULL;
	int n = 0;

	assert_int_equal(tree_add_pci(f->root, "0000:00:1f.3", 0x040380, "snd_hda_intel", 11), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x030000, NULL, -1), 0);
	ctx = use_tree(f);

	for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
		pci = NULL;
		assert_int_equal(vmdev_pci_find(ctx, forms[i], &pci), 0);
		assert_non_null(pci);
		assert_string_equal(vmdev_pci_get_address(pci), "0000:00:1f.3");
	}
	assert_ptr_equal(vmdev_pci_get_ctx(pci), ctx);
	assert_string_equal(vmdev_pci_get_path(pci), "/sys/devices/pci0000:00/0000:00:1f.3");
	assert_int_equal(vmdev_pci_get_vendor(pci), 0x8086);
	assert_int_equal(vmdev_pci_get_device(pci), 0x1234);
	assert_int_equal(vmdev_pci_get_subsystem_vendor(pci), 0x1af4);
	assert_int_equal(vmdev_pci_get_subsystem_device(pci), 0x1100);
	assert_int_equal(vmdev_pci_get_class(pci), 0x040380);
	assert_int_equal(vmdev_pci_get_revision(pci), 0x02);
	assert_int_equal(vmdev_pci_get_iommu_group(pci), 11);
	assert_false(vmdev_pci_is_bridge(pci));
	assert_false(vmdev_pci_is_mdev_parent(pci));
	assert_int_equal(vmdev_pci_get_driver(pci, &driver), 0);
	assert_string_equal(driver, "snd_hda_intel");
	free(driver);

	assert_int_equal(vmdev_pci_find(ctx, "02.0", &pci), -EINVAL);
	assert_int_equal(vmdev_pci_find(ctx, "00:02.0", &pci), 0);
	assert_int_equal(vmdev_pci_get_iommu_group(pci), -1);
	driver = (char *)"untouched";
	assert_int_equal(vmdev_pci_get_driver(pci, &driver), 0);
	assert_null(driver);

	/* missing: not found; malformed: invalid, and never "not found" */
	pci = (struct vmdev_pci *)ctx;
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:03.0", &pci), -ENOENT);
	assert_null(pci);
	assert_int_equal(vmdev_pci_find(ctx, "0001:00:02.0", &pci), -ENOENT);
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:20.0", &pci), -EINVAL);
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:1f.8", &pci), -EINVAL);
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:1f.3\n", &pci), -EINVAL);
	assert_int_equal(vmdev_pci_find(ctx, "", &pci), -EINVAL);
	assert_int_equal(vmdev_pci_find(ctx, NULL, &pci), -EINVAL);

	/* iteration in address order */
	vmdev_pci_foreach(ctx, it) {
		assert_string_equal(vmdev_pci_get_address(it),
				    n == 0 ? "0000:00:02.0" : "0000:00:1f.3");
		n++;
	}
	assert_int_equal(n, 2);
}

static void test_pci_bridge_detection(void **state)
{
	static const struct {
		const char *addr;
		unsigned int class_code;
		int header; /* -1: no config file */
		bool bridge;
	} cases[] = {
		{ "0000:00:01.0", 0x060400, 0x01, true },  /* PCI-to-PCI */
		{ "0000:00:01.1", 0x060400, 0x81, true },  /* multi-function */
		{ "0000:00:01.2", 0x060700, 0x02, true },  /* CardBus */
		{ "0000:00:01.3", 0x020000, 0x00, false }, /* endpoint */
		{ "0000:00:01.4", 0x020000, 0x80, false }, /* multi-function endpoint */
		{ "0000:00:01.5", 0x060400, 0x00, false }, /* config wins over class */
		{ "0000:00:01.6", 0x020000, 0x01, true },  /* ... both ways */
		{ "0000:00:02.0", 0x060400, -1, true },    /* class: PCI bridge */
		{ "0000:00:02.1", 0x060401, -1, true },    /* subtractive decode */
		{ "0000:00:02.2", 0x060700, -1, true },    /* class: CardBus */
		{ "0000:00:02.3", 0x060000, -1, false },   /* host bridge */
		{ "0000:00:02.4", 0x060100, -1, false },   /* ISA bridge */
		{ "0000:00:02.5", 0x030000, -1, false },
	};
	struct fixture *f = *state;
	struct vmdev_ctx *ctx;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(tree_add_pci(f->root, cases[i].addr,
					      cases[i].class_code, NULL, -1), 0);
		if (cases[i].header >= 0)
			write_config(f->root, cases[i].addr,
				     (unsigned char)cases[i].header);
	}
	ctx = use_tree(f);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vmdev_pci *pci;

		assert_int_equal(vmdev_pci_find(ctx, cases[i].addr, &pci), 0);
		if (vmdev_pci_is_bridge(pci) != cases[i].bridge)
			fail_msg("%s (class %06x, header %d): bridge should be %d",
				 cases[i].addr, cases[i].class_code, cases[i].header,
				 cases[i].bridge);
	}
}

static void test_pci_dangling_device_skipped(void **state)
{
	struct fixture *f = *state;
	struct vmdev_ctx *ctx;
	struct vmdev_pci *pci;
	const char *seen[4];
	int n = 0;

	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x030000, "i915", 1), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:03.0", 0x020000, "e1000e", 2), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:04.0", 0x020000, NULL, 3), 0);
	/* the device went away between readdir and open: its link dangles */
	assert_int_equal(tree_unlink(f->root, "sys/devices/pci0000:00/0000:00:03.0"), 0);
	/* sysfs never shows other names; they are ignored too */
	assert_int_equal(tree_mkdir(f->root, "sys/bus/pci/devices/not-an-address"), 0);
	assert_int_equal(tree_mkdir(f->root, "sys/bus/pci/devices/0000:00:0A.0"), 0);
	ctx = use_tree(f);

	vmdev_pci_foreach(ctx, pci) {
		assert_true(n < 4);
		seen[n++] = vmdev_pci_get_address(pci);
	}
	assert_int_equal(n, 2);
	assert_string_equal(seen[0], "0000:00:02.0");
	assert_string_equal(seen[1], "0000:00:04.0");
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:03.0", &pci), -ENOENT);
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:04.0", &pci), 0);
}

static void test_pci_live_values(void **state)
{
	struct fixture *f = *state;
	struct vmdev_ctx *ctx;
	struct vmdev_pci *pf, *vf;
	unsigned int numvfs = 99;
	char *driver = NULL;

	assert_int_equal(tree_add_pci(f->root, "0000:00:04.0", 0x020000, "ixgbe", 1), 0);
	assert_int_equal(tree_write(f->root, "sys/devices/pci0000:00/0000:00:04.0/sriov_numvfs",
				    "0\n"), 0);
	assert_int_equal(tree_write(f->root, "sys/devices/pci0000:00/0000:00:04.0/driver_override",
				    "(null)\n"), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:05.0", 0x020000, NULL, 2), 0);
	ctx = use_tree(f);
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:04.0", &pf), 0);
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:05.0", &vf), 0);

	assert_int_equal(vmdev_pci_get_sriov_numvfs(pf, &numvfs), 0);
	assert_int_equal(numvfs, 0);
	assert_int_equal(tree_write(f->root, "sys/devices/pci0000:00/0000:00:04.0/sriov_numvfs",
				    "4\n"), 0);
	assert_int_equal(vmdev_pci_get_sriov_numvfs(pf, &numvfs), 0);
	assert_int_equal(numvfs, 4);
	assert_int_equal(vmdev_pci_get_sriov_numvfs(vf, &numvfs), -ENOENT);

	/* the kernel shows an unset override as "(null)" */
	driver = (char *)"untouched";
	assert_int_equal(vmdev_pci_get_driver_override(pf, &driver), 0);
	assert_null(driver);
	assert_int_equal(tree_write(f->root, "sys/devices/pci0000:00/0000:00:04.0/driver_override",
				    "vfio-pci\n"), 0);
	assert_int_equal(vmdev_pci_get_driver_override(pf, &driver), 0);
	assert_string_equal(driver, "vfio-pci");
	free(driver);
	assert_int_equal(vmdev_pci_get_driver_override(vf, &driver), -ENOENT);
	assert_null(driver);

	/* and the driver itself */
	assert_int_equal(vmdev_pci_get_driver(pf, &driver), 0);
	assert_string_equal(driver, "ixgbe");
	free(driver);
	assert_int_equal(tree_set_pci_driver(f->root, "0000:00:04.0", "vfio-pci"), 0);
	assert_int_equal(vmdev_pci_get_driver(pf, &driver), 0);
	assert_string_equal(driver, "vfio-pci");
	free(driver);
	assert_int_equal(tree_set_pci_driver(f->root, "0000:00:04.0", NULL), 0);
	driver = (char *)"untouched";
	assert_int_equal(vmdev_pci_get_driver(pf, &driver), 0);
	assert_null(driver);
}

/* A group member that is neither a PCI device nor an mdev (a platform
 * device behind the same IOMMU) follows the PCI rule on its driver. */
static void test_group_other_member(void **state)
{
	struct fixture *f = *state;
	struct vmdev_ctx *ctx;
	struct vmdev_group *group;
	struct vmdev_member *m;

	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x030000, "vfio-pci", 3), 0);
	assert_int_equal(tree_mkdir(f->root, "sys/devices/platform/ffd00000.dma"), 0);
	assert_int_equal(tree_symlink(f->root, "sys/kernel/iommu_groups/3/devices/ffd00000.dma",
				      "../../../../devices/platform/ffd00000.dma"), 0);
	ctx = use_tree(f);

	group = find_group(ctx, 3);
	m = find_member(group, "ffd00000.dma");
	assert_int_equal(vmdev_member_get_kind(m), VMDEV_MEMBER_OTHER);
	assert_null(vmdev_member_get_pci(m));
	assert_null(vmdev_member_get_mdev(m));
	assert_verdict(m, VMDEV_VERDICT_UNBOUND, NULL);
	assert_int_equal(vmdev_group_is_viable(group), 1);

	assert_int_equal(tree_mkdir(f->root, "sys/bus/platform/drivers/pl330"), 0);
	assert_int_equal(tree_symlink(f->root, "sys/devices/platform/ffd00000.dma/driver",
				      "../../../bus/platform/drivers/pl330"), 0);
	assert_verdict(m, VMDEV_VERDICT_HOST_DRIVER, "pl330");
	assert_int_equal(vmdev_group_is_viable(group), 0);
}

/* ---- mdev parents, types and mdevs ------------------------------------- */

/* mtty (virtual) and an i915-like PCI parent with one type */
static void add_two_parents(const char *root)
{
	add_mtty_parent(root);
	add_mtty_type(root, "mtty-2", "Dual port serial\n", "2\n");
	add_mtty_type(root, "mtty-10", NULL, "0\n"); /* no name before 6.1 */
	add_mtty_type(root, "mtty-1", "Single port serial\n", "24\n");
	add_mtty_mdev(root, UUID2, "mtty-2", 13, "mtty");
	add_mtty_mdev(root, UUID1, "mtty-2", 12, "mtty");

	assert_int_equal(tree_add_pci(root, "0000:00:02.0", 0x030000, "i915", 0), 0);
	assert_int_equal(tree_add_pci(root, "0000:00:1f.0", 0x060100, "lpc_ich", 1), 0);
	assert_int_equal(tree_write(root, "sys/devices/pci0000:00/0000:00:02.0/"
				    "mdev_supported_types/i915-GVTg_V5_4/name",
				    "GVTg_V5_4\n"), 0);
	assert_int_equal(tree_write(root, "sys/devices/pci0000:00/0000:00:02.0/"
				    "mdev_supported_types/i915-GVTg_V5_4/description",
				    "low_gm_size: 128MB\nhigh_gm_size: 512MB\n"), 0);
	assert_int_equal(tree_symlink(root, "sys/class/mdev_bus/0000:00:02.0",
				      "../../devices/pci0000:00/0000:00:02.0"), 0);
}

static void test_parents(void **state)
{
	struct fixture *f = *state;
	struct vmdev_parent *parent, *mtty = NULL, *gpu = NULL;
	struct vmdev_type *type;
	struct vmdev_ctx *ctx;
	struct vmdev_pci *pci;
	char *driver = NULL;
	int n = 0;

	add_two_parents(f->root);
	ctx = use_tree(f);

	vmdev_parent_foreach(ctx, parent) {
		n++;
		if (!strcmp(vmdev_parent_get_name(parent), "mtty"))
			mtty = parent;
		else if (!strcmp(vmdev_parent_get_name(parent), "0000:00:02.0"))
			gpu = parent;
	}
	assert_int_equal(n, 2);
	assert_non_null(mtty);
	assert_non_null(gpu);
	/* name order */
	assert_ptr_equal(vmdev_parent_get_first(ctx), gpu);
	assert_ptr_equal(vmdev_parent_get_next(gpu), mtty);

	assert_string_equal(vmdev_parent_get_bus(mtty), "virtual");
	assert_string_equal(vmdev_parent_get_path(mtty), "/sys/devices/virtual/mtty/mtty");
	assert_null(vmdev_parent_get_pci(mtty));
	assert_int_equal(vmdev_parent_get_iommu_group(mtty), -1);

	assert_string_equal(vmdev_parent_get_bus(gpu), "pci");
	assert_string_equal(vmdev_parent_get_path(gpu), "/sys/devices/pci0000:00/0000:00:02.0");
	assert_int_equal(vmdev_parent_get_iommu_group(gpu), 0);
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:02.0", &pci), 0);
	assert_ptr_equal(vmdev_parent_get_pci(gpu), pci);
	assert_true(vmdev_pci_is_mdev_parent(pci));
	assert_int_equal(vmdev_parent_get_driver(gpu, &driver), 0);
	assert_string_equal(driver, "i915");
	free(driver);
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:1f.0", &pci), 0);
	assert_false(vmdev_pci_is_mdev_parent(pci));

	type = vmdev_type_get_first(gpu);
	assert_non_null(type);
	assert_string_equal(vmdev_type_get_id(type), "i915-GVTg_V5_4");
	assert_string_equal(vmdev_type_get_name(type), "GVTg_V5_4");
	assert_string_equal(vmdev_type_get_description(type),
			    "low_gm_size: 128MB\nhigh_gm_size: 512MB");
	assert_ptr_equal(vmdev_type_get_parent(type), gpu);
	assert_null(vmdev_type_get_next(type));

	assert_int_equal(vmdev_parent_find(ctx, "mtty", &parent), 0);
	assert_ptr_equal(parent, mtty);
	assert_int_equal(vmdev_parent_find(ctx, "mdpy", &parent), -ENOENT);
	assert_null(parent);
	assert_int_equal(vmdev_parent_find(ctx, "../mtty", &parent), -EINVAL);
}

static void test_types_in_version_order(void **state)
{
	static const char *const order[] = { "mtty-1", "mtty-2", "mtty-10" };
	struct fixture *f = *state;
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct vmdev_ctx *ctx;
	size_t n = 0;

	add_two_parents(f->root);
	ctx = use_tree(f);
	assert_int_equal(vmdev_parent_find(ctx, "mtty", &parent), 0);

	vmdev_type_foreach(parent, type) {
		assert_true(n < ARRAY_SIZE(order));
		assert_string_equal(vmdev_type_get_id(type), order[n]);
		assert_string_equal(vmdev_type_get_device_api(type), "vfio-pci");
		assert_null(vmdev_type_get_description(type)); /* mtty has none */
		n++;
	}
	assert_int_equal(n, ARRAY_SIZE(order));

	assert_int_equal(vmdev_type_find(parent, "mtty-1", &type), 0);
	assert_string_equal(vmdev_type_get_name(type), "Single port serial");
	assert_int_equal(vmdev_type_find(parent, "mtty-2", &type), 0);
	assert_string_equal(vmdev_type_get_name(type), "Dual port serial");
	/* a type without a name attribute has a NULL name */
	assert_int_equal(vmdev_type_find(parent, "mtty-10", &type), 0);
	assert_null(vmdev_type_get_name(type));
	assert_int_equal(vmdev_type_find(parent, "mtty-3", &type), -ENOENT);
	assert_null(type);
	assert_int_equal(vmdev_type_find(parent, "..", &type), -EINVAL);
}

static void test_available_instances_live(void **state)
{
	struct fixture *f = *state;
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct vmdev_ctx *ctx;
	unsigned int count = 99;

	add_two_parents(f->root);
	ctx = use_tree(f);
	assert_int_equal(vmdev_parent_find(ctx, "mtty", &parent), 0);
	assert_int_equal(vmdev_type_find(parent, "mtty-2", &type), 0);

	assert_int_equal(vmdev_type_get_available_instances(type, &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(tree_write(f->root, MTTY_DEV "/mdev_supported_types/mtty-2/"
				    "available_instances", "1\n"), 0);
	assert_int_equal(vmdev_type_get_available_instances(type, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(tree_write(f->root, MTTY_DEV "/mdev_supported_types/mtty-2/"
				    "available_instances", "0\n"), 0);
	assert_int_equal(vmdev_type_get_available_instances(type, &count), 0);
	assert_int_equal(count, 0);
	/* garbage is an error, not a number */
	assert_int_equal(tree_write(f->root, MTTY_DEV "/mdev_supported_types/mtty-2/"
				    "available_instances", "lots\n"), 0);
	assert_int_equal(vmdev_type_get_available_instances(type, &count), -EINVAL);

	assert_int_equal(vmdev_type_find(parent, "mtty-1", &type), 0);
	assert_int_equal(vmdev_type_get_available_instances(type, &count), 0);
	assert_int_equal(count, 24);
}

static void test_mdev_find(void **state)
{
	struct fixture *f = *state;
	struct vmdev_mdev *mdev = NULL, *it;
	struct vmdev_type *type;
	struct vmdev_ctx *ctx;
	int n = 0;

	add_two_parents(f->root);
	ctx = use_tree(f);

	assert_int_equal(vmdev_mdev_find(ctx, UUID1_UPPER, &mdev), 0);
	assert_non_null(mdev);
	assert_string_equal(vmdev_mdev_get_uuid(mdev), UUID1);
	assert_string_equal(vmdev_mdev_get_path(mdev), "/sys/devices/virtual/mtty/mtty/" UUID1);
	assert_int_equal(vmdev_mdev_get_iommu_group(mdev), 12);
	type = vmdev_mdev_get_type(mdev);
	assert_string_equal(vmdev_type_get_id(type), "mtty-2");
	assert_string_equal(vmdev_parent_get_name(vmdev_mdev_get_parent(mdev)), "mtty");

	assert_int_equal(vmdev_mdev_find(ctx, UUID2, &mdev), 0);
	assert_int_equal(vmdev_mdev_get_iommu_group(mdev), 13);
	mdev = (struct vmdev_mdev *)ctx;
	assert_int_equal(vmdev_mdev_find(ctx, "83b8f4f2-509f-382f-3c1e-e6bfe0fa1003", &mdev),
			 -ENOENT);
	assert_null(mdev);
	assert_int_equal(vmdev_mdev_find(ctx, "83b8f4f2509f382f3c1ee6bfe0fa1003", &mdev),
			 -EINVAL);
	assert_int_equal(vmdev_mdev_find(ctx, "{" UUID1 "}", &mdev), -EINVAL);

	/* the type lists its mdevs by UUID; the context lists all */
	it = vmdev_type_mdev_get_first(type);
	assert_non_null(it);
	assert_string_equal(vmdev_mdev_get_uuid(it), UUID1);
	it = vmdev_type_mdev_get_next(it);
	assert_non_null(it);
	assert_string_equal(vmdev_mdev_get_uuid(it), UUID2);
	assert_null(vmdev_type_mdev_get_next(it));
	vmdev_mdev_foreach(ctx, it)
		n++;
	assert_int_equal(n, 2);
}

/* The kernel's back link: sys/bus/mdev/drivers/DRIVER/UUID -> the mdev. */
static void add_driver_entry(const char *root, const char *driver, const char *uuid)
{
	char path[256], target[256];

	snprintf(path, sizeof(path), "sys/bus/mdev/drivers/%s/%s", driver, uuid);
	snprintf(target, sizeof(target), "../../../../devices/virtual/mtty/mtty/%s", uuid);
	assert_int_equal(tree_symlink(root, path, target), 0);
}

static const char *scanned_driver(struct vmdev_ctx *ctx, const char *uuid)
{
	struct vmdev_mdev *mdev = NULL;
	const char *driver = "unset";

	assert_int_equal(vmdev_mdev_find(ctx, uuid, &mdev), 0);
	assert_int_equal(vmdev_mdev_get_scanned_driver(mdev, &driver), 0);
	return driver;
}

/*
 * The drivers snapshot: every mdev's driver from the listings of
 * /sys/bus/mdev/drivers/DRIVER/, kept until vmdev_refresh(); an mdev in no
 * listing is unbound only when every listing could be read, else its own
 * link is read.
 */
static void test_mdev_scanned_driver(void **state)
{
	struct fixture *f = *state;
	struct vmdev_mdev *mdev = NULL;
	struct vmdev_ctx *ctx;
	const char *mtty, *driver = "unset";
	char *live = NULL;

	add_mtty_parent(f->root);
	add_mtty_type(f->root, "mtty-2", "Dual port serial\n", "2\n");
	add_mtty_mdev(f->root, UUID1, "mtty-2", 12, "mtty");
	add_mtty_mdev(f->root, UUID2, "mtty-2", 13, "mtty");
	add_mtty_mdev(f->root, UUID3, "mtty-2", 14, NULL);
	add_driver_entry(f->root, "mtty", UUID1);
	add_driver_entry(f->root, "mtty", UUID2);
	assert_int_equal(tree_write(f->root, "sys/bus/mdev/drivers/mtty/uevent", ""), 0);
	assert_int_equal(tree_symlink(f->root, "sys/bus/mdev/drivers/mtty/module",
				      "../../../../module/mtty"), 0);
	ctx = use_tree(f);

	mtty = scanned_driver(ctx, UUID1);
	assert_string_equal(mtty, "mtty");
	assert_ptr_equal(scanned_driver(ctx, UUID2), mtty); /* one interned name */
	assert_null(scanned_driver(ctx, UUID3));            /* unbound */
	assert_int_equal(vmdev_mdev_get_scanned_driver(NULL, &driver), -EINVAL);
	assert_null(driver);
	assert_int_equal(vmdev_mdev_find(ctx, UUID1, &mdev), 0);
	assert_int_equal(vmdev_mdev_get_scanned_driver(mdev, NULL), -EINVAL);

	/* a snapshot: an unbind shows in the live read at once, here after a refresh */
	assert_int_equal(tree_unlink(f->root, MTTY_DEV "/" UUID1 "/driver"), 0);
	assert_int_equal(tree_unlink(f->root, "sys/bus/mdev/drivers/mtty/" UUID1), 0);
	assert_int_equal(vmdev_mdev_get_driver(mdev, &live), 0);
	assert_null(live);
	assert_string_equal(scanned_driver(ctx, UUID1), "mtty");
	vmdev_refresh(ctx);
	assert_null(scanned_driver(ctx, UUID1));
	assert_string_equal(scanned_driver(ctx, UUID2), "mtty");

	/* a driver whose directory cannot be listed: the mdevs no listing
	 * accounts for are read live, the others still come from the listings */
	assert_int_equal(tree_symlink(f->root, MTTY_DEV "/" UUID3 "/driver",
				      "../../../../../bus/mdev/drivers/vendor"), 0);
	assert_int_equal(tree_symlink(f->root, "sys/bus/mdev/drivers/vendor",
				      "../../../nowhere"), 0);
	vmdev_refresh(ctx);
	assert_string_equal(scanned_driver(ctx, UUID3), "vendor");
	assert_null(scanned_driver(ctx, UUID1));
	assert_string_equal(scanned_driver(ctx, UUID2), "mtty");

	/* no /sys/bus/mdev/drivers at all: each mdev's own link */
	assert_int_equal(tree_unlink(f->root, "sys/bus/mdev/drivers"), 0);
	vmdev_refresh(ctx);
	mtty = scanned_driver(ctx, UUID2);
	assert_string_equal(mtty, "mtty");
	assert_string_equal(scanned_driver(ctx, UUID3), "vendor");
	assert_null(scanned_driver(ctx, UUID1));
	assert_ptr_equal(scanned_driver(ctx, UUID2), mtty); /* kept once read */
}

/*
 * An attribute that exactly fills the buffer (size - 1 bytes) must be read
 * whole: sysfs shows at most PAGE_SIZE - 1 = 4095 bytes, what the 4096-byte
 * VMDEV_ATTR_MAX buffer holds. (Once refused with -EFBIG, which made a
 * parent with a 4095-byte type description vanish.)
 */
static void test_attribute_of_max_size(void **state)
{
	struct fixture *f = *state;
	struct vmdev_parent *parent = NULL;
	struct vmdev_type *type = NULL;
	struct vmdev_ctx *ctx;
	char description[VMDEV_ATTR_MAX];

	/* 4094 characters and the newline: 4095 bytes, the most sysfs shows */
	memset(description, 'd', VMDEV_ATTR_MAX - 2);
	description[VMDEV_ATTR_MAX - 2] = '\n';
	description[VMDEV_ATTR_MAX - 1] = '\0';
	add_mtty_parent(f->root);
	add_mtty_type(f->root, "mtty-1", "Single port serial\n", "24\n");
	assert_int_equal(tree_write(f->root, MTTY_DEV "/mdev_supported_types/mtty-1/description",
				    description), 0);
	ctx = use_tree(f);

	assert_int_equal(vmdev_parent_find(ctx, "mtty", &parent), 0);
	assert_int_equal(vmdev_type_find(parent, "mtty-1", &type), 0);
	assert_non_null(vmdev_type_get_description(type));
	assert_int_equal(strlen(vmdev_type_get_description(type)), VMDEV_ATTR_MAX - 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_for_pci),
		cmocka_unit_test(test_verdict_is_ok),
		T(test_tree_links_resolve),
		T(test_group_vfio_and_host_driver),
		T(test_group_bridge_on_pcieport),
		T(test_group_unbound_and_stub),
		T(test_group_mdev_member),
		T(test_group_holders),
		T(test_group_vfio_node_present),
		T(test_pci_find),
		T(test_pci_bridge_detection),
		T(test_pci_dangling_device_skipped),
		T(test_pci_live_values),
		T(test_group_other_member),
		T(test_parents),
		T(test_types_in_version_order),
		T(test_available_instances_live),
		T(test_mdev_find),
		T(test_mdev_scanned_driver),
		T(test_attribute_of_max_size),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
