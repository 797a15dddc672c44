// SPDX-License-Identifier: LGPL-2.1-or-later
/* vfio-mdev-pci: the type-name decoder (both forms, strictly the kernel's
 * "%04x:%04x:%04x:%04x:%06x:%02x") and the no-id-table rule by name. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "libvmdev.h"
#include "model.h"
#include "parse.h"
#include "sysfs.h"
#include "tree.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void test_new_form(void **state)
{
	struct vmdev_pci_ids ids;
	char address[VMDEV_PCI_ADDR_LEN] = "untouched";

	memset(&ids, 0xff, sizeof(ids));
	assert_int_equal(vmdev_parse_mdev_pci_type("vfio-mdev-pci-8086:10d3:8086:0000:020000:00",
						   NULL, &ids, address),
			 VMDEV_MDEV_PCI_FORM_IDS);
	assert_int_equal(ids.vendor, 0x8086);
	assert_int_equal(ids.device, 0x10d3);
	assert_int_equal(ids.subsystem_vendor, 0x8086);
	assert_int_equal(ids.subsystem_device, 0x0000);
	assert_int_equal(ids.class_code, 0x020000);
	assert_int_equal(ids.revision, 0x00);
	assert_string_equal(address, "untouched");

	assert_int_equal(vmdev_parse_mdev_pci_type("vfio-mdev-pci-ffff:ffff:ffff:ffff:ffffff:ff",
						   "ignored", &ids, NULL),
			 VMDEV_MDEV_PCI_FORM_IDS);
	assert_int_equal(ids.class_code, 0xffffff);
	assert_int_equal(ids.revision, 0xff);
	/* the out-parameters are optional */
	assert_int_equal(vmdev_parse_mdev_pci_type("vfio-mdev-pci-1af4:1005:1af4:0004:00ff00:01",
						   NULL, NULL, NULL),
			 VMDEV_MDEV_PCI_FORM_IDS);
}

static void test_new_form_rejects(void **state)
{
	static const char *const cases[] = {
		"",
		"vfio-mdev-pci-",
		"vfio-mdev-pci",
		"mtty-2",
		"vfio-mdev-pci-8086:10d3:8086:0000:020000",       /* truncated */
		"vfio-mdev-pci-8086:10d3:8086:0000:020000:",
		"vfio-mdev-pci-8086:10d3:8086:0000:020000:0",
		"vfio-mdev-pci-8086:10d3",
		"vfio-mdev-pci-8086:10d3:8086:0000:20000:00",     /* class 5 wide */
		"vfio-mdev-pci-8086:10d3:8086:0000:0020000:00",   /* class 7 wide */
		"vfio-mdev-pci-86:10d3:8086:0000:020000:00",      /* vendor 2 wide */
		"vfio-mdev-pci-08086:10d3:8086:0000:020000:00",   /* vendor 5 wide */
		"vfio-mdev-pci-8086:10d3:8086:0000:020000:000",   /* revision 3 wide */
		"vfio-mdev-pci-8086:10g3:8086:0000:020000:00",    /* non-hex */
		"vfio-mdev-pci-8086:10d3:8086:0000:02000x:00",
		"vfio-mdev-pci-8086:10d3:8086:0000:020000:0 ",
		"vfio-mdev-pci- 8086:10d3:8086:0000:020000:00",
		"vfio-mdev-pci-8086:10D3:8086:0000:020000:00",    /* upper case: not %x */
		"vfio-mdev-pci-8086:10d3:8086:0000:020000:00:00", /* extra fields */
		"vfio-mdev-pci-8086:10d3:8086:0000:020000:00\n",
		"vfio-mdev-pci-8086.10d3.8086.0000.020000.00",    /* wrong separators */
		"vfio-mdev-pci-8086:10d3:8086:0000::020000:00",
		"vfio-mdev-pci-type2",
		"other-pci-8086:10d3:8086:0000:020000:00",         /* another driver */
		"vfio-mdev-pci8086:10d3:8086:0000:020000:00",
	};
	struct vmdev_pci_ids ids;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (vmdev_parse_mdev_pci_type(cases[i], NULL, &ids, NULL) != -EINVAL)
			fail_msg("accepted '%s'", cases[i]);
	}
	assert_int_equal(vmdev_parse_mdev_pci_type(NULL, NULL, &ids, NULL), -EINVAL);
}

static void test_old_form(void **state)
{
	char address[VMDEV_PCI_ADDR_LEN];
	struct vmdev_pci_ids ids = { 1, 2, 3, 4, 5, 6 };

	assert_int_equal(vmdev_parse_mdev_pci_type("vfio-mdev-pci-type1", "0000:02:02.0-type1",
						   &ids, address),
			 VMDEV_MDEV_PCI_FORM_ADDRESS);
	assert_string_equal(address, "0000:02:02.0");
	assert_int_equal(ids.vendor, 1); /* untouched */
	/* as read from sysfs, with its newline */
	assert_int_equal(vmdev_parse_mdev_pci_type("vfio-mdev-pci-type1", "0000:3B:00.1-type1\n",
						   NULL, address),
			 VMDEV_MDEV_PCI_FORM_ADDRESS);
	assert_string_equal(address, "0000:3b:00.1");
	assert_int_equal(vmdev_parse_mdev_pci_type("vfio-mdev-pci-type1", "0000:02:02.0-type1",
						   NULL, NULL),
			 VMDEV_MDEV_PCI_FORM_ADDRESS);
}

static void test_old_form_rejects(void **state)
{
	static const char *const names[] = {
		"",
		"-type1",
		"0000:02:02.0",
		"0000:02:02.0-type2",
		"0000:02:20.0-type1",  /* device > 1f */
		"0000:02:02.0-type1x",
		"junk-type1",
		"0000:02:02.0--type1",
	};
	char address[VMDEV_PCI_ADDR_LEN];

	assert_int_equal(vmdev_parse_mdev_pci_type("vfio-mdev-pci-type1", NULL, NULL, address),
			 -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (vmdev_parse_mdev_pci_type("vfio-mdev-pci-type1", names[i], NULL, address) != -EINVAL)
			fail_msg("accepted name '%s'", names[i]);
	}
	/* the name only counts for the old directory */
	assert_int_equal(vmdev_parse_mdev_pci_type("vfio-mdev-pci-type11", "0000:02:02.0-type1",
						   NULL, address),
			 -EINVAL);
}

/* A recorded tree: kmod knows no module there, so the name decides. */
static void test_has_id_table_by_name(void **state)
{
	char *root = tree_new();
	struct vmdev_ctx *ctx;
	bool has;

	assert_non_null(root);
	assert_int_equal(tree_mkdir(root, "sys/bus/pci/drivers/vfio-mdev-pci"), 0);
	assert_int_equal(vmdev_new(&ctx), 0);
	assert_int_equal(vmdev_set_root(ctx, root), 0);
	assert_int_equal(vmdev_driver_has_id_table(ctx, "vfio-mdev-pci", &has), 0);
	assert_false(has);
	assert_int_equal(vmdev_driver_has_id_table(ctx, "vfio-pci", &has), 0);
	assert_true(has);
	assert_int_equal(vmdev_driver_has_id_table(ctx, "pci-stub", &has), 0);
	assert_true(has);
	assert_int_equal(vmdev_driver_has_id_table(ctx, "../x", &has), -EINVAL);
	vmdev_unref(ctx);
	tree_remove(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_form),
		cmocka_unit_test(test_new_form_rejects),
		cmocka_unit_test(test_old_form),
		cmocka_unit_test(test_old_form_rejects),
		cmocka_unit_test(test_has_id_table_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
