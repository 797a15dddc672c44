// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Refusals as facts: what vmdev_pci_check_bind(), vmdev_pci_check_unbind()
 * and vmdev_mdev_check_remove() return for each reason the library
 * refuses, and the devices a new_id bind takes along, on small trees.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libvmdev.h"
#include "tree.h"

#define DEV(a) "sys/devices/pci0000:00/" a

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
	unsetenv("VMDEV_LOG");
	unsetenv("VMDEV_TIMEOUT");
	f->root = tree_new();
	if (!f->root || vmdev_new(&f->ctx) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assert_null(vmdev_unref(f->ctx));
	tree_remove(f->root);
	free(f->root);
	free(f);
	return 0;
}

static struct vmdev_pci *device(struct fixture *f, const char *addr)
{
	struct vmdev_pci *pci = NULL;

	assert_int_equal(vmdev_set_root(f->ctx, f->root), 0);
	assert_int_equal(vmdev_pci_find(f->ctx, addr, &pci), 0);
	return pci;
}

/* The refusal of binding ADDR to DRIVER; the caller frees it. */
static struct vmdev_refusal *bind_refusal(struct fixture *f, const char *addr,
					  const char *driver, unsigned int flags)
{
	struct vmdev_refusal *refusal = (struct vmdev_refusal *)f;

	assert_int_equal(vmdev_pci_check_bind(device(f, addr), driver, flags, &refusal), 0);
	return refusal;
}

static void test_no_refusal(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(tree_add_pci(f->root, "0000:00:03.0", 0x020000, "e1000e", 2), 0);
	assert_null(bind_refusal(f, "0000:00:03.0", "vfio-pci", 0));
	/* NULL is "no refusal" for every getter */
	assert_int_equal(vmdev_refusal_get_kind(NULL), VMDEV_REFUSAL_NONE);
	assert_int_equal(vmdev_refusal_get_group(NULL), -1);
	assert_null(vmdev_refusal_get_device_name(NULL));
	vmdev_refusal_free(NULL);
}

static void test_bridge(void **state)
{
	struct fixture *f = *state;
	struct vmdev_refusal *r;

	assert_int_equal(tree_add_pci(f->root, "0000:00:05.0", 0x060400, "pcieport", 4), 0);
	r = bind_refusal(f, "0000:00:05.0", "vfio-pci", VMDEV_BIND_FORCE);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_BRIDGE);
	assert_int_equal(vmdev_refusal_get_host_use(r), VMDEV_HOST_USE_NONE);
	vmdev_refusal_free(r);
	/* not a vfio driver: no refusal */
	assert_null(bind_refusal(f, "0000:00:05.0", "pci-stub", 0));
}

static void test_sriov_pf(void **state)
{
	struct fixture *f = *state;
	struct vmdev_refusal *r;

	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x020000, "igb", 1), 0);
	assert_int_equal(tree_write(f->root, DEV("0000:00:02.0/sriov_numvfs"), "3\n"), 0);
	r = bind_refusal(f, "0000:00:02.0", "vfio-pci", 0);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_SRIOV_PF);
	assert_int_equal(vmdev_refusal_get_numvfs(r), 3);
	vmdev_refusal_free(r);
	assert_int_equal(tree_write(f->root, DEV("0000:00:02.0/sriov_numvfs"), "0\n"), 0);
	assert_null(bind_refusal(f, "0000:00:02.0", "vfio-pci", 0));
}

static void test_header_type(void **state)
{
	struct fixture *f = *state;
	unsigned char config[64] = { 0 };
	struct vmdev_refusal *r;

	config[0x0e] = 0x82; /* multi-function, type 2 (CardBus) */
	assert_int_equal(tree_add_pci(f->root, "0000:00:06.0", 0x020000, NULL, 7), 0);
	assert_int_equal(tree_write_bytes(f->root, DEV("0000:00:06.0/config"), config,
					  sizeof(config)), 0);
	r = bind_refusal(f, "0000:00:06.0", VMDEV_MDEV_PCI_DRIVER, 0);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_HEADER_TYPE);
	assert_int_equal(vmdev_refusal_get_header_type(r), 2);
	vmdev_refusal_free(r);
}

static void test_boot_vga(void **state)
{
	struct fixture *f = *state;
	struct vmdev_refusal *r;

	assert_int_equal(tree_add_pci(f->root, "0000:00:01.0", 0x030000, "bochs-drm", 0), 0);
	assert_int_equal(tree_write(f->root, DEV("0000:00:01.0/boot_vga"), "1\n"), 0);
	r = bind_refusal(f, "0000:00:01.0", "vfio-pci", 0);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_IN_USE);
	assert_int_equal(vmdev_refusal_get_host_use(r), VMDEV_HOST_USE_BOOT_VGA);
	assert_null(vmdev_refusal_get_device_name(r));
	vmdev_refusal_free(r);
	assert_null(bind_refusal(f, "0000:00:01.0", "vfio-pci", VMDEV_BIND_FORCE));
}

static void test_interface_up(void **state)
{
	struct fixture *f = *state;
	struct vmdev_refusal *r = NULL;

	assert_int_equal(tree_add_pci(f->root, "0000:00:03.0", 0x020000, "e1000e", 2), 0);
	assert_int_equal(tree_write(f->root, DEV("0000:00:03.0/net/eth0/flags"), "0x1002\n"), 0);
	assert_int_equal(tree_write(f->root, DEV("0000:00:03.0/net/eth1/flags"), "0x1003\n"), 0);
	r = bind_refusal(f, "0000:00:03.0", "vfio-pci", 0);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_IN_USE);
	assert_int_equal(vmdev_refusal_get_host_use(r), VMDEV_HOST_USE_INTERFACE);
	assert_string_equal(vmdev_refusal_get_device_name(r), "eth1");
	assert_null(vmdev_refusal_get_mount_point(r));
	vmdev_refusal_free(r);
	/* unbinding it from its host driver is refused the same way */
	assert_int_equal(vmdev_pci_check_unbind(device(f, "0000:00:03.0"), 0, &r), 0);
	assert_int_equal(vmdev_refusal_get_host_use(r), VMDEV_HOST_USE_INTERFACE);
	vmdev_refusal_free(r);
	assert_int_equal(vmdev_pci_check_unbind(device(f, "0000:00:03.0"),
						VMDEV_UNBIND_FORCE, &r), 0);
	assert_null(r);
}

static void add_disk(struct fixture *f)
{
	const char *disk = DEV("0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda");
	char path[256];

	assert_int_equal(tree_add_pci(f->root, "0000:00:1f.2", 0x010601, "ahci", 5), 0);
	snprintf(path, sizeof(path), "%s/dev", disk);
	assert_int_equal(tree_write(f->root, path, "8:0\n"), 0);
	snprintf(path, sizeof(path), "%s/stat", disk);
	assert_int_equal(tree_write(f->root, path, ""), 0);
	snprintf(path, sizeof(path), "%s/sda2/dev", disk);
	assert_int_equal(tree_write(f->root, path, "8:2\n"), 0);
	snprintf(path, sizeof(path), "%s/sda2/stat", disk);
	assert_int_equal(tree_write(f->root, path, ""), 0);
}

static void test_mounted(void **state)
{
	struct fixture *f = *state;
	struct vmdev_refusal *r;

	add_disk(f);
	assert_null(bind_refusal(f, "0000:00:1f.2", "vfio-pci", 0)); /* no /proc */
	assert_int_equal(tree_write(f->root, "proc/self/mountinfo",
				    "21 1 0:20 / /proc rw - proc proc rw\n"
				    "22 1 8:2 / /srv/data rw,relatime - ext4 /dev/sda2 rw\n"), 0);
	r = bind_refusal(f, "0000:00:1f.2", "vfio-pci", 0);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_IN_USE);
	assert_int_equal(vmdev_refusal_get_host_use(r), VMDEV_HOST_USE_MOUNTED);
	assert_string_equal(vmdev_refusal_get_device_name(r), "sda2");
	assert_string_equal(vmdev_refusal_get_mount_point(r), "/srv/data");
	vmdev_refusal_free(r);
}

static void test_swap(void **state)
{
	struct fixture *f = *state;
	struct vmdev_refusal *r;

	add_disk(f);
	assert_int_equal(tree_write(f->root, "proc/swaps",
				    "Filename\tType\tSize\tUsed\tPriority\n"
				    "/dev/sda2 partition 1048572 0 -2\n"), 0);
	r = bind_refusal(f, "0000:00:1f.2", "vfio-pci", 0);
	assert_int_equal(vmdev_refusal_get_host_use(r), VMDEV_HOST_USE_SWAP);
	assert_string_equal(vmdev_refusal_get_device_name(r), "sda2");
	assert_null(vmdev_refusal_get_mount_point(r));
	vmdev_refusal_free(r);
}

static void test_held(void **state)
{
	struct fixture *f = *state;
	const struct vmdev_holder *h;
	struct vmdev_refusal *r = NULL;
	size_t n = 99;

	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x020000, "vfio-pci", 1), 0);
	assert_int_equal(tree_symlink(f->root, "proc/4242/fd/7", "/dev/vfio/1"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/4242/fd/8", "/dev/vfio/1"), 0);
	assert_int_equal(tree_write(f->root, "proc/4242/comm", "qemu-system-x86\n"), 0);
	assert_int_equal(tree_symlink(f->root, "proc/4343/fd/3", "/dev/vfio/2"), 0);
	assert_int_equal(tree_write(f->root, "proc/4343/comm", "other\n"), 0);
	assert_int_equal(vmdev_pci_check_unbind(device(f, "0000:00:02.0"),
						VMDEV_UNBIND_FORCE, &r), 0);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_HELD);
	assert_int_equal(vmdev_refusal_get_group(r), 1);
	assert_null(vmdev_refusal_get_mdev(r));
	h = vmdev_refusal_get_holders(r, &n);
	assert_int_equal(n, 1); /* one entry per process, whatever its fds */
	assert_int_equal(h[0].pid, 4242);
	assert_string_equal(h[0].comm, "qemu-system-x86");
	vmdev_refusal_free(r);
	/* binding elsewhere is refused too; binding to where it is is not */
	r = bind_refusal(f, "0000:00:02.0", "pci-stub", VMDEV_BIND_FORCE);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_HELD);
	vmdev_refusal_free(r);
	assert_null(bind_refusal(f, "0000:00:02.0", "vfio-pci", 0));
}

static bool names(struct vmdev_pci **peers, size_t n, const char *addr)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(vmdev_pci_get_address(peers[i]), addr) == 0)
			return true;
	return false;
}

static void test_new_id_peers(void **state)
{
	struct fixture *f = *state;
	struct vmdev_pci **peers = NULL;
	size_t n = 99;

	/* tree_add_pci gives every device the same ids: 8086:10d3 */
	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x020000, "e1000e", 1), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:03.0", 0x020000, NULL, 2), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:04.0", 0x020000, NULL, 3), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:05.0", 0x020000, NULL, 4), 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:06.0", 0x020000, "e1000e", 5), 0);
	assert_int_equal(tree_write(f->root, DEV("0000:00:04.0/driver_override"), "pci-stub\n"), 0);
	assert_int_equal(tree_write(f->root, DEV("0000:00:05.0/sriov_numvfs"), "1\n"), 0);
	assert_int_equal(vmdev_pci_get_new_id_peers(device(f, "0000:00:02.0"), "vfio-pci",
						    &peers, &n), 0);
	assert_int_equal(n, 1);
	assert_true(names(peers, n, "0000:00:03.0"));
	free(peers);
	/* an override naming the driver itself does not stop it */
	assert_int_equal(tree_write(f->root, DEV("0000:00:04.0/driver_override"), "vfio-pci\n"), 0);
	assert_int_equal(vmdev_pci_get_new_id_peers(device(f, "0000:00:02.0"), "vfio-pci",
						    &peers, &n), 0);
	assert_int_equal(n, 2);
	assert_true(names(peers, n, "0000:00:04.0"));
	assert_false(names(peers, n, "0000:00:05.0"));
	free(peers);
	assert_int_equal(vmdev_pci_get_new_id_peers(device(f, "0000:00:02.0"), "../x",
						    &peers, &n), -EINVAL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_no_refusal),
		T(test_bridge),
		T(test_sriov_pf),
		T(test_header_type),
		T(test_boot_vga),
		T(test_interface_up),
		T(test_mounted),
		T(test_swap),
		T(test_held),
		T(test_new_id_peers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
