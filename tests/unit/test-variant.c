// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The vfio driver a bind without a driver name chooses
 * (vmdev_pci_choose_vfio_driver()): the vfio-pci variant whose "vfio_pci:"
 * alias in the running kernel's modules.alias matches the device with the
 * fewest wildcards, else vfio-pci; on small trees with a modules.alias of
 * their own (under the root, at the running kernel's release).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <cmocka.h>

#include "libvmdev.h"
#include "tree.h"

#define ADDR "0000:00:03.0"
/* tree_add_pci's ids: 8086:1234, subsystem 1af4:1100, class 02 00 00 */
#define MODALIAS "pci:v00008086d00001234sv00001AF4sd00001100bc02sc00i00"
#define GENERIC "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n"

struct fixture {
	char *root;
	struct vmdev_ctx *ctx;
	char writes[1024]; /* every action, "PATH VALUE;" */
};

static void record(struct vmdev_ctx *ctx, enum vmdev_action action, const char *path,
		   const char *value, void *data)
{
	struct fixture *f = data;
	size_t len = strlen(f->writes);

	(void)ctx;
	snprintf(f->writes + len, sizeof(f->writes) - len, "%s%s %s;",
		 action == VMDEV_ACTION_LOAD ? "load " : "", path, value ? value : "");
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	unsetenv("VMDEV_ROOT");
	unsetenv("VMDEV_LOG");
	f->root = tree_new();
	if (!f->root || vmdev_new(&f->ctx) < 0)
		return -1;
	if (tree_add_pci(f->root, ADDR, 0x020000, "e1000e", 2) < 0)
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

static void modules_alias(struct fixture *f, const char *content)
{
	struct utsname uts;
	char path[512];

	assert_int_equal(uname(&uts), 0);
	snprintf(path, sizeof(path), "lib/modules/%s/modules.alias", uts.release);
	assert_int_equal(tree_write(f->root, path, content), 0);
}

/* The choice for ADDR: its driver and module ("" for none) as "DRIVER MODULE". */
static enum vmdev_driver_choice choose(struct fixture *f, char *out, size_t size)
{
	enum vmdev_driver_choice choice = VMDEV_DRIVER_CHOICE_NAMED;
	struct vmdev_pci *pci;
	char *driver = NULL, *module = (char *)f;

	assert_int_equal(vmdev_set_root(f->ctx, f->root), 0);
	assert_int_equal(vmdev_pci_find(f->ctx, ADDR, &pci), 0);
	assert_int_equal(vmdev_pci_choose_vfio_driver(pci, &driver, &module, &choice), 0);
	assert_non_null(driver);
	snprintf(out, size, "%s %s", driver, module ? module : "");
	free(driver);
	free(module);
	return choice;
}

static void test_most_specific_wins(void **state)
{
	struct fixture *f = *state;
	char got[128];

	/* the device's own alias last: the order of the file does not matter */
	modules_alias(f, "# Aliases extracted from modules themselves.\n"
			 GENERIC
			 "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\n"
			 "alias pci:v00008086d00001234sv*sd*bc*sc*i* e1000e\n"
			 "alias vfio_pci:v00008086d*sv*sd*bc*sc*i* vtest_vendor\n"
			 "alias vfio_pci:v00008086d00001234sv*sd*bc*sc*i* vtest_device\n");
	assert_int_equal(choose(f, got, sizeof(got)), VMDEV_DRIVER_CHOICE_ALIAS);
	/* not loaded: the driver is named after the module until it is */
	assert_string_equal(got, "vtest_device vtest_device");
}

static void test_subsystem_beats_device(void **state)
{
	struct fixture *f = *state;
	char got[128];

	modules_alias(f, GENERIC
			 "alias vfio_pci:v00008086d00001234sv*sd*bc*sc*i* vtest_device\n"
			 "alias vfio_pci:v00008086d00001234sv00001AF4sd00001100bc*sc*i* vtest_subsys\n"
			 "alias vfio_pci:v00008086d00001234sv00001AF4sd00001101bc*sc*i* vtest_other\n");
	assert_int_equal(choose(f, got, sizeof(got)), VMDEV_DRIVER_CHOICE_ALIAS);
	assert_string_equal(got, "vtest_subsys vtest_subsys");
}

static void test_tie_first_in_file(void **state)
{
	struct fixture *f = *state;
	char got[128];

	modules_alias(f, GENERIC
			 "alias vfio_pci:v00008086d*sv*sd*bc*sc*i* vtest_vendor\n"
			 "alias vfio_pci:v00008086d00001234sv*sd*bc*sc*i* vtest_b\n"
			 "alias vfio_pci:v*d00001234sv00001AF4sd*bc*sc*i* vtest_a\n");
	assert_int_equal(choose(f, got, sizeof(got)), VMDEV_DRIVER_CHOICE_ALIAS);
	assert_string_equal(got, "vtest_b vtest_b");
}

static void test_no_match_default(void **state)
{
	struct fixture *f = *state;
	char got[128];

	/* a variant for another device, and a pci: alias (no vfio_) for this one */
	modules_alias(f, GENERIC
			 "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\n"
			 "alias pci:v00008086d00001234sv*sd*bc*sc*i* e1000e\n");
	assert_int_equal(choose(f, got, sizeof(got)), VMDEV_DRIVER_CHOICE_DEFAULT);
	assert_string_equal(got, "vfio-pci ");
	/* only the generic alias: the default too */
	modules_alias(f, GENERIC);
	assert_int_equal(choose(f, got, sizeof(got)), VMDEV_DRIVER_CHOICE_DEFAULT);
	assert_string_equal(got, "vfio-pci ");
}

static void test_no_modules_alias(void **state)
{
	struct fixture *f = *state;
	char got[128];

	assert_int_equal(choose(f, got, sizeof(got)), VMDEV_DRIVER_CHOICE_DEFAULT);
	assert_string_equal(got, "vfio-pci ");
}

/* The kernel's modalias attribute is what is matched; the ids stand in
 * only where it is missing. */
static void test_modalias_attribute(void **state)
{
	struct fixture *f = *state;
	char got[128];

	modules_alias(f, GENERIC
			 "alias vfio_pci:v00008086d00001234sv00001AF4sd00001100bc02sc00i00 vtest_ids\n"
			 "alias vfio_pci:v00008086d00001234sv*sd*bc01sc08i02 vtest_nvme\n");
	assert_int_equal(choose(f, got, sizeof(got)), VMDEV_DRIVER_CHOICE_ALIAS);
	assert_string_equal(got, "vtest_ids vtest_ids");
	assert_int_equal(tree_write(f->root, "sys/devices/pci0000:00/" ADDR "/modalias",
				    "pci:v00008086d00001234sv00001AF4sd00001100bc01sc08i02\n"), 0);
	assert_int_equal(choose(f, got, sizeof(got)), VMDEV_DRIVER_CHOICE_ALIAS);
	assert_string_equal(got, "vtest_nvme vtest_nvme");
	assert_int_equal(tree_write(f->root, "sys/devices/pci0000:00/" ADDR "/modalias",
				    MODALIAS "\n"), 0);
	assert_int_equal(choose(f, got, sizeof(got)), VMDEV_DRIVER_CHOICE_ALIAS);
	assert_string_equal(got, "vtest_ids vtest_ids");
}

/* A loaded variant names its PCI driver in /sys/module/MODULE/drivers. */
static void test_loaded_driver_name(void **state)
{
	struct fixture *f = *state;
	char got[128];

	modules_alias(f, GENERIC "alias vfio_pci:v00008086d00001234sv*sd*bc*sc*i* vtest_device\n");
	assert_int_equal(tree_mkdir(f->root, "sys/bus/pci/drivers/vtest-dev-vfio"), 0);
	assert_int_equal(tree_symlink(f->root, "sys/module/vtest_device/drivers/pci:vtest-dev-vfio",
				      "../../../bus/pci/drivers/vtest-dev-vfio"), 0);
	assert_int_equal(choose(f, got, sizeof(got)), VMDEV_DRIVER_CHOICE_ALIAS);
	assert_string_equal(got, "vtest-dev-vfio vtest_device");
}

static void test_bad_arguments(void **state)
{
	struct fixture *f = *state;
	enum vmdev_driver_choice choice;
	struct vmdev_pci *pci;
	char *driver;

	assert_int_equal(vmdev_set_root(f->ctx, f->root), 0);
	assert_int_equal(vmdev_pci_find(f->ctx, ADDR, &pci), 0);
	assert_int_equal(vmdev_pci_choose_vfio_driver(NULL, &driver, NULL, &choice), -EINVAL);
	assert_int_equal(vmdev_pci_choose_vfio_driver(pci, NULL, NULL, &choice), -EINVAL);
	assert_int_equal(vmdev_pci_choose_vfio_driver(pci, &driver, NULL, NULL), -EINVAL);
	/* the module is not wanted: NULL is fine */
	assert_int_equal(vmdev_pci_choose_vfio_driver(pci, &driver, NULL, &choice), 0);
	assert_string_equal(driver, "vfio-pci");
	free(driver);
}

/* A NULL driver to the check and the bind means the choice. */
static void test_check_and_bind_choose(void **state)
{
	struct fixture *f = *state;
	struct vmdev_refusal *refusal = (struct vmdev_refusal *)f;
	struct vmdev_pci *pci;

	assert_int_equal(tree_add_pci(f->root, "0000:00:05.0", 0x060400, "pcieport", 4), 0);
	assert_int_equal(tree_mkdir(f->root, "sys/bus/pci/drivers/vfio-pci"), 0);
	assert_int_equal(vmdev_set_root(f->ctx, f->root), 0);
	vmdev_set_action_fn(f->ctx, record, f);
	vmdev_set_dry_run(f->ctx, true);

	/* a bridge never goes to the chosen vfio driver */
	assert_int_equal(vmdev_pci_find(f->ctx, "0000:00:05.0", &pci), 0);
	assert_int_equal(vmdev_pci_check_bind(pci, NULL, 0, &refusal), 0);
	assert_int_equal(vmdev_refusal_get_kind(refusal), VMDEV_REFUSAL_BRIDGE);
	vmdev_refusal_free(refusal);

	/* no variant: vfio-pci */
	assert_int_equal(vmdev_pci_find(f->ctx, ADDR, &pci), 0);
	assert_int_equal(vmdev_pci_check_bind(pci, NULL, 0, &refusal), 0);
	assert_null(refusal);
	assert_int_equal(vmdev_pci_bind(pci, NULL, 0, NULL), 0);
	assert_string_equal(f->writes,
			    "/sys/bus/pci/devices/" ADDR "/driver_override vfio-pci;"
			    "/sys/bus/pci/drivers/e1000e/unbind " ADDR ";"
			    "/sys/bus/pci/drivers_probe " ADDR ";");

	/* a variant whose module is not installed: nothing written */
	modules_alias(f, GENERIC "alias vfio_pci:v00008086d00001234sv*sd*bc*sc*i* vtest_gone\n");
	f->writes[0] = '\0';
	assert_int_equal(vmdev_pci_bind(pci, NULL, 0, NULL), -ENOENT);
	assert_string_equal(f->writes, "");
	/* its group too */
	{
		struct vmdev_group *group;

		assert_int_equal(vmdev_group_find(f->ctx, 2, &group), 0);
		assert_int_equal(vmdev_group_bind(group, NULL, 0), -ENOENT);
		assert_string_equal(f->writes, "");
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_most_specific_wins),
		T(test_subsystem_beats_device),
		T(test_tie_first_in_file),
		T(test_no_match_default),
		T(test_no_modules_alias),
		T(test_modalias_attribute),
		T(test_loaded_driver_name),
		T(test_bad_arguments),
		T(test_check_and_bind_choose),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
