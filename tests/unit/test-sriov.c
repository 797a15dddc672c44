// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SR-IOV on small trees: a PF's attributes and VFs, a VF's PF, the
 * refusals of a count change, the writes a change makes (in order, dry
 * run), and a change whose VFs never appear undone on a plain tree.
 */
#include <errno.h>
#include <limits.h>
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
#define PF "0000:05:00.0"

struct fixture {
	char *root;
	struct vmdev_ctx *ctx;
	char writes[4096]; /* the action hook's log: "write PATH VALUE\n"... */
};

static void record_action(struct vmdev_ctx *ctx, enum vmdev_action action, const char *target,
			  const char *value, void *data)
{
	struct fixture *f = data;
	size_t len = strlen(f->writes);

	(void)ctx;
	snprintf(f->writes + len, sizeof(f->writes) - len, "%s %s%s%s\n",
		 action == VMDEV_ACTION_LOAD ? "load" : "write", target, value ? " " : "",
		 value ? value : "");
}

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
	vmdev_set_action_fn(f->ctx, record_action, f);
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

static void pf_attr(struct fixture *f, const char *attr, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), DEV(PF "/%s"), attr);
	assert_int_equal(tree_write(f->root, path, value), 0);
}

/* A VF of PF at ADDR (number INDEX), on DRIVER, in group GROUP. */
static void add_vf(struct fixture *f, unsigned int index, const char *addr, const char *driver,
		   int group)
{
	char path[128], target[64];

	assert_int_equal(tree_add_pci(f->root, addr, 0x010802, driver, group), 0);
	snprintf(path, sizeof(path), DEV(PF "/virtfn%u"), index);
	snprintf(target, sizeof(target), "../%s", addr);
	assert_int_equal(tree_symlink(f->root, path, target), 0);
	snprintf(path, sizeof(path), DEV("%s/physfn"), addr);
	assert_int_equal(tree_symlink(f->root, path, "../" PF), 0);
}

/* An nvme PF as QEMU's emulated one shows it: 2 VFs at most, at .1 and .2. */
static void add_pf(struct fixture *f, const char *driver, unsigned int numvfs)
{
	char value[16];

	assert_int_equal(tree_add_pci(f->root, PF, 0x010802, driver, 8), 0);
	pf_attr(f, "sriov_totalvfs", "2\n");
	snprintf(value, sizeof(value), "%u\n", numvfs);
	pf_attr(f, "sriov_numvfs", value);
	pf_attr(f, "sriov_drivers_autoprobe", "1\n");
	pf_attr(f, "sriov_vf_device", "10\n");
	pf_attr(f, "sriov_offset", "1\n");
	pf_attr(f, "sriov_stride", "1\n");
	assert_int_equal(tree_mkdir(f->root, "sys/bus/pci/drivers/vfio-pci"), 0);
	assert_int_equal(tree_write(f->root, "sys/bus/pci/drivers_probe", ""), 0);
	for (unsigned int i = 0; i < numvfs; i++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "0000:05:00.%u", i + 1);
		add_vf(f, i, addr, "vfio-pci", 9 + (int)i);
	}
}

static struct vmdev_pci *device(struct fixture *f, const char *addr)
{
	struct vmdev_pci *pci = NULL;

	assert_int_equal(vmdev_set_root(f->ctx, f->root), 0);
	assert_int_equal(vmdev_pci_find(f->ctx, addr, &pci), 0);
	return pci;
}

static char *read_attr(struct fixture *f, const char *attr)
{
	static char buf[64];
	char path[PATH_MAX];
	FILE *file;

	snprintf(path, sizeof(path), "%s/" DEV(PF "/%s"), f->root, attr);
	file = fopen(path, "r");
	assert_non_null(file);
	if (!fgets(buf, sizeof(buf), file))
		buf[0] = '\0';
	fclose(file);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void test_pf_attributes(void **state)
{
	struct fixture *f = *state;
	struct vmdev_pci *pf, *other;
	unsigned int value;
	bool autoprobe = false;

	add_pf(f, "nvme", 0);
	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x020000, "e1000e", 1), 0);
	pf = device(f, PF);
	assert_int_equal(vmdev_pci_get_sriov_totalvfs(pf, &value), 0);
	assert_int_equal(value, 2);
	assert_int_equal(vmdev_pci_get_sriov_numvfs(pf, &value), 0);
	assert_int_equal(value, 0);
	assert_int_equal(vmdev_pci_get_sriov_autoprobe(pf, &autoprobe), 0);
	assert_true(autoprobe);
	assert_int_equal(vmdev_pci_get_sriov_vf_device(pf, &value), 0);
	assert_int_equal(value, 0x10);
	/* read live: a change shows at once */
	pf_attr(f, "sriov_drivers_autoprobe", "0\n");
	assert_int_equal(vmdev_pci_get_sriov_autoprobe(pf, &autoprobe), 0);
	assert_false(autoprobe);
	pf_attr(f, "sriov_drivers_autoprobe", "2\n");
	assert_int_equal(vmdev_pci_get_sriov_autoprobe(pf, &autoprobe), -EINVAL);
	pf_attr(f, "sriov_totalvfs", "lots\n");
	assert_int_equal(vmdev_pci_get_sriov_totalvfs(pf, &value), -EINVAL);
	/* a device that is no PF */
	other = device(f, "0000:00:02.0");
	assert_int_equal(vmdev_pci_get_sriov_totalvfs(other, &value), -ENOENT);
	assert_int_equal(vmdev_pci_get_sriov_autoprobe(other, &autoprobe), -ENOENT);
	assert_int_equal(vmdev_pci_get_sriov_vf_device(other, &value), -ENOENT);
	assert_int_equal(vmdev_pci_get_sriov_totalvfs(NULL, &value), -EINVAL);
}

static void test_vfs_and_physfn(void **state)
{
	struct fixture *f = *state;
	struct vmdev_pci *pf, *vf, *found, **vfs;
	size_t n;

	add_pf(f, "nvme", 2);
	pf = device(f, PF);
	assert_int_equal(vmdev_pci_get_vfs(pf, &vfs, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(vmdev_pci_get_address(vfs[0]), "0000:05:00.1");
	assert_string_equal(vmdev_pci_get_address(vfs[1]), "0000:05:00.2");
	assert_int_equal(vmdev_pci_get_iommu_group(vfs[1]), 10);
	assert_int_equal(vmdev_pci_get_physfn(vfs[1], &found), 0);
	assert_ptr_equal(found, pf);
	free(vfs);
	assert_int_equal(vmdev_pci_get_physfn(pf, &found), -ENOENT);
	assert_null(found);

	/* a VF made after the scan joins the model, with its group */
	assert_non_null(vmdev_group_get_first(f->ctx));
	add_vf(f, 2, "0000:05:00.3", NULL, 11);
	assert_int_equal(vmdev_pci_find(f->ctx, "0000:05:00.3", &vf), -ENOENT);
	assert_int_equal(vmdev_pci_get_vfs(pf, &vfs, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(vmdev_pci_find(f->ctx, "0000:05:00.3", &vf), 0);
	assert_ptr_equal(vf, vfs[2]);
	free(vfs);
	{
		struct vmdev_group *group;

		assert_int_equal(vmdev_group_find(f->ctx, 11, &group), 0);
	}
	/* the listing has it in address order */
	found = NULL;
	vmdev_pci_foreach(f->ctx, vf)
		if (found)
			assert_true(strcmp(vmdev_pci_get_address(found), vmdev_pci_get_address(vf)) < 0);
		else
			found = vf;
}

static void test_vfs_numeric_order(void **state)
{
	struct fixture *f = *state;
	struct vmdev_pci *pf, **vfs;
	size_t n;

	add_pf(f, "igb", 0);
	pf_attr(f, "sriov_totalvfs", "16\n");
	for (unsigned int i = 0; i < 12; i++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "0000:05:%02x.%u", 1 + (i + 1) / 8, (i + 1) % 8);
		add_vf(f, i, addr, NULL, 20 + (int)i);
	}
	pf = device(f, PF);
	assert_int_equal(vmdev_pci_get_vfs(pf, &vfs, &n), 0);
	assert_int_equal(n, 12);
	/* virtfn10 after virtfn9, not after virtfn1 */
	assert_string_equal(vmdev_pci_get_address(vfs[9]), "0000:05:02.2");
	assert_string_equal(vmdev_pci_get_address(vfs[10]), "0000:05:02.3");
	free(vfs);
}

static struct vmdev_refusal *sriov_refusal(struct fixture *f, const char *addr,
					   unsigned int numvfs, int want)
{
	struct vmdev_refusal *refusal = (struct vmdev_refusal *)f;

	assert_int_equal(vmdev_pci_check_sriov(device(f, addr), numvfs, 0, &refusal), want);
	return refusal;
}

static void test_refusals(void **state)
{
	struct fixture *f = *state;
	struct vmdev_refusal *r;
	const struct vmdev_holder *h;
	size_t n;

	add_pf(f, "nvme", 2);
	assert_int_equal(tree_add_pci(f->root, "0000:00:02.0", 0x020000, "e1000e", 1), 0);
	r = sriov_refusal(f, "0000:00:02.0", 1, 0);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_NOT_SRIOV_PF);
	vmdev_refusal_free(r);
	assert_null(sriov_refusal(f, PF, 3, -ERANGE));
	/* the count it has: nothing to refuse */
	assert_null(sriov_refusal(f, PF, 2, 0));
	/* taking the VFs away is fine while nobody holds them */
	assert_null(sriov_refusal(f, PF, 0, 0));
	assert_null(sriov_refusal(f, PF, 1, 0));
	/* a process holding the second VF's group */
	assert_int_equal(tree_symlink(f->root, "proc/4242/fd/7", "/dev/vfio/10"), 0);
	assert_int_equal(tree_write(f->root, "proc/4242/comm", "qemu-system-x86\n"), 0);
	r = sriov_refusal(f, PF, 0, 0);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_HELD);
	assert_string_equal(vmdev_refusal_get_vf(r), "0000:05:00.2");
	assert_int_equal(vmdev_refusal_get_group(r), 10);
	h = vmdev_refusal_get_holders(r, &n);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].pid, 4242);
	assert_string_equal(h[0].comm, "qemu-system-x86");
	vmdev_refusal_free(r);
	/* N -> M goes through 0: refused the same */
	r = sriov_refusal(f, PF, 1, 0);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_HELD);
	vmdev_refusal_free(r);
	/* the set refuses it before writing anything */
	f->writes[0] = '\0';
	assert_int_equal(vmdev_pci_set_sriov_numvfs(device(f, PF), 0, VMDEV_VF_DRIVER_DEFAULT,
						    NULL, 0), -EBUSY);
	assert_string_equal(f->writes, "");
	assert_string_equal(read_attr(f, "sriov_numvfs"), "2");
	/* the held count stays: no change, no refusal */
	vmdev_refusal_free(sriov_refusal(f, PF, 2, 0));
	assert_null(vmdev_refusal_get_vf(NULL));
}

static void test_pf_without_driver(void **state)
{
	struct fixture *f = *state;
	struct vmdev_refusal *r;

	add_pf(f, NULL, 0);
	r = sriov_refusal(f, PF, 2, 0);
	assert_int_equal(vmdev_refusal_get_kind(r), VMDEV_REFUSAL_NO_PF_DRIVER);
	vmdev_refusal_free(r);
	assert_null(sriov_refusal(f, PF, 0, 0)); /* 0 is what it has */
}

static void test_dry_run_writes(void **state)
{
	struct fixture *f = *state;
	struct vmdev_pci *pf;

	add_pf(f, "nvme", 0);
	pf = device(f, PF);
	vmdev_set_dry_run(f->ctx, true);
	assert_int_equal(vmdev_pci_set_sriov_numvfs(pf, 2, VMDEV_VF_DRIVER_DEFAULT, NULL, 0), 0);
	assert_string_equal(f->writes,
			    "write /sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe 0\n"
			    "write /sys/bus/pci/devices/" PF "/sriov_numvfs 2\n"
			    "write /sys/bus/pci/devices/0000:05:00.1/driver_override vfio-pci\n"
			    "write /sys/bus/pci/drivers_probe 0000:05:00.1\n"
			    "write /sys/bus/pci/devices/0000:05:00.2/driver_override vfio-pci\n"
			    "write /sys/bus/pci/drivers_probe 0000:05:00.2\n"
			    "write /sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe 1\n");
	/* probe: autoprobe is on already, nothing bound by hand */
	f->writes[0] = '\0';
	assert_int_equal(vmdev_pci_set_sriov_numvfs(pf, 1, VMDEV_VF_DRIVER_PROBE, NULL, 0), 0);
	assert_string_equal(f->writes, "write /sys/bus/pci/devices/" PF "/sriov_numvfs 1\n");
	/* nothing changed on the tree */
	assert_string_equal(read_attr(f, "sriov_numvfs"), "0");
	assert_string_equal(read_attr(f, "sriov_drivers_autoprobe"), "1");
}

static void test_dry_run_through_zero(void **state)
{
	struct fixture *f = *state;

	add_pf(f, "nvme", 2);
	vmdev_set_dry_run(f->ctx, true);
	assert_int_equal(vmdev_pci_set_sriov_numvfs(device(f, PF), 1, VMDEV_VF_DRIVER_NONE, NULL, 0),
			 0);
	assert_string_equal(f->writes,
			    "write /sys/bus/pci/devices/" PF "/sriov_numvfs 0\n"
			    "write /sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe 0\n"
			    "write /sys/bus/pci/devices/" PF "/sriov_numvfs 1\n"
			    "write /sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe 1\n");
}

static void test_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct vmdev_pci *pf;

	add_pf(f, "nvme", 0);
	pf = device(f, PF);
	assert_int_equal(vmdev_pci_set_sriov_numvfs(NULL, 1, VMDEV_VF_DRIVER_NONE, NULL, 0), -EINVAL);
	assert_int_equal(vmdev_pci_set_sriov_numvfs(pf, 1, VMDEV_VF_DRIVER_NAMED, NULL, 0), -EINVAL);
	assert_int_equal(vmdev_pci_set_sriov_numvfs(pf, 1, VMDEV_VF_DRIVER_NONE, "vfio-pci", 0),
			 -EINVAL);
	assert_int_equal(vmdev_pci_set_sriov_numvfs(pf, 1, VMDEV_VF_DRIVER_NAMED, "../x", 0),
			 -EINVAL);
	assert_int_equal(vmdev_pci_set_sriov_numvfs(pf, 1, VMDEV_VF_DRIVER_NONE, NULL, 1u << 7),
			 -EINVAL);
	assert_int_equal(vmdev_pci_set_sriov_numvfs(pf, 1, (enum vmdev_vf_driver)9, NULL, 0),
			 -EINVAL);
	assert_int_equal(vmdev_pci_set_sriov_numvfs(pf, 3, VMDEV_VF_DRIVER_NONE, NULL, 0), -ERANGE);
	/* a driver that cannot be had: known before anything is written */
	assert_int_equal(vmdev_pci_set_sriov_numvfs(pf, 1, VMDEV_VF_DRIVER_NAMED,
						    "no-such-driver-here", 0), -ENOENT);
	assert_string_equal(f->writes, "");
	assert_string_equal(read_attr(f, "sriov_numvfs"), "0");
}

/* The count written, but no VF ever appears (a plain tree has no kernel):
 * after the timeout the change is undone, count 0 and autoprobe back. */
static void test_undone_when_vfs_never_appear(void **state)
{
	struct fixture *f = *state;

	add_pf(f, "nvme", 0);
	assert_int_equal(vmdev_set_timeout_ms(f->ctx, 50), 0);
	assert_int_equal(vmdev_pci_set_sriov_numvfs(device(f, PF), 2, VMDEV_VF_DRIVER_DEFAULT, NULL,
						    0), -ETIMEDOUT);
	assert_string_equal(f->writes,
			    "write /sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe 0\n"
			    "write /sys/bus/pci/devices/" PF "/sriov_numvfs 2\n"
			    "write /sys/bus/pci/devices/" PF "/sriov_numvfs 0\n"
			    "write /sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe 1\n");
	assert_string_equal(read_attr(f, "sriov_numvfs"), "0");
	assert_string_equal(read_attr(f, "sriov_drivers_autoprobe"), "1");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_pf_attributes),
		T(test_vfs_and_physfn),
		T(test_vfs_numeric_order),
		T(test_refusals),
		T(test_pf_without_driver),
		T(test_dry_run_writes),
		T(test_dry_run_through_zero),
		T(test_bad_arguments),
		T(test_undone_when_vfs_never_appear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
