// SPDX-License-Identifier: LGPL-2.1-or-later
/* The context: environment defaults, reference count, userdata, the log
 * hook and refresh. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "libvmdev.h"
#include "tree.h"

static void clear_env(void)
{
	unsetenv("VMDEV_ROOT");
	unsetenv("VMDEV_LOG");
	unsetenv("VMDEV_TIMEOUT");
}

static int setup_env(void **state)
{
	clear_env();
	return 0;
}

static int teardown_env(void **state)
{
	clear_env();
	return 0;
}

/* ---- VMDEV_ROOT -------------------------------------------------------- */

static void test_root_default(void **state)
{
	struct vmdev_ctx *ctx = NULL;

	assert_int_equal(vmdev_new(&ctx), 0);
	assert_non_null(ctx);
	assert_string_equal(vmdev_get_root(ctx), "/");
	assert_null(vmdev_unref(ctx));

	setenv("VMDEV_ROOT", "", 1); /* empty: the host itself */
	assert_int_equal(vmdev_new(&ctx), 0);
	assert_string_equal(vmdev_get_root(ctx), "/");
	assert_null(vmdev_unref(ctx));
	assert_int_equal(vmdev_new(NULL), -EINVAL);
}

static void test_root_from_env(void **state)
{
	struct vmdev_ctx *ctx = NULL;
	char *root = tree_new();

	assert_non_null(root);
	setenv("VMDEV_ROOT", root, 1);
	assert_int_equal(vmdev_new(&ctx), 0);
	assert_string_equal(vmdev_get_root(ctx), root);
	assert_null(vmdev_unref(ctx));
	tree_remove(root);
	free(root);
}

static void test_root_missing(void **state)
{
	struct vmdev_ctx *ctx = (struct vmdev_ctx *)state;
	char *root = tree_new();
	char missing[4200];

	assert_non_null(root);
	snprintf(missing, sizeof(missing), "%s/no/such/dir", root);
	setenv("VMDEV_ROOT", missing, 1);
	assert_int_equal(vmdev_new(&ctx), -ENOENT);
	assert_null(ctx);
	tree_remove(root);
	free(root);
}

static void test_root_is_a_file(void **state)
{
	struct vmdev_ctx *ctx = (struct vmdev_ctx *)state, *good = NULL;
	char *root = tree_new();
	char file[4200];

	assert_non_null(root);
	assert_int_equal(tree_write(root, "file", "x\n"), 0);
	snprintf(file, sizeof(file), "%s/file", root);
	setenv("VMDEV_ROOT", file, 1);
	assert_int_equal(vmdev_new(&ctx), -ENOTDIR);
	assert_null(ctx);

	/* the setter refuses it too, and keeps the old root */
	clear_env();
	assert_int_equal(vmdev_new(&good), 0);
	assert_int_equal(vmdev_set_root(good, file), -ENOTDIR);
	assert_int_equal(vmdev_set_root(good, ""), -EINVAL);
	assert_int_equal(vmdev_set_root(good, NULL), -EINVAL);
	assert_string_equal(vmdev_get_root(good), "/");
	assert_int_equal(vmdev_set_root(good, root), 0);
	assert_string_equal(vmdev_get_root(good), root);
	assert_null(vmdev_unref(good));
	tree_remove(root);
	free(root);
}

/* ---- VMDEV_TIMEOUT ----------------------------------------------------- */

static void test_timeout(void **state)
{
	static const char *const bad[] = {
		"abc", "", "-1", "+5", "12abc", "250ms", "3600001",
		"99999999999999999999",
	};
	struct vmdev_ctx *ctx = NULL;

	assert_int_equal(vmdev_new(&ctx), 0);
	assert_int_equal(vmdev_get_timeout_ms(ctx), 5000); /* the default */
	assert_int_equal(vmdev_set_timeout_ms(ctx, 100), 0);
	assert_int_equal(vmdev_get_timeout_ms(ctx), 100);
	assert_int_equal(vmdev_set_timeout_ms(ctx, 3600001), -EINVAL);
	assert_int_equal(vmdev_get_timeout_ms(ctx), 100);
	assert_null(vmdev_unref(ctx));

	setenv("VMDEV_TIMEOUT", "250", 1);
	assert_int_equal(vmdev_new(&ctx), 0);
	assert_int_equal(vmdev_get_timeout_ms(ctx), 250);
	assert_null(vmdev_unref(ctx));

	setenv("VMDEV_TIMEOUT", "0", 1);
	assert_int_equal(vmdev_new(&ctx), 0);
	assert_int_equal(vmdev_get_timeout_ms(ctx), 0);
	assert_null(vmdev_unref(ctx));

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ctx = (struct vmdev_ctx *)state;
		setenv("VMDEV_TIMEOUT", bad[i], 1);
		if (vmdev_new(&ctx) != -EINVAL)
			fail_msg("VMDEV_TIMEOUT=\"%s\" accepted", bad[i]);
		assert_null(ctx);
	}
}

/* ---- VMDEV_LOG --------------------------------------------------------- */

static int log_priority_for(const char *value)
{
	struct vmdev_ctx *ctx = NULL;
	int prio;

	if (value)
		setenv("VMDEV_LOG", value, 1);
	else
		unsetenv("VMDEV_LOG");
	assert_int_equal(vmdev_new(&ctx), 0);
	prio = vmdev_get_log_priority(ctx);
	assert_null(vmdev_unref(ctx));
	return prio;
}

static void test_log_priority(void **state)
{
	struct vmdev_ctx *ctx = NULL;

	assert_int_equal(log_priority_for(NULL), LOG_ERR);
	assert_int_equal(log_priority_for("debug"), 7);
	assert_int_equal(log_priority_for("info"), 6);
	assert_int_equal(log_priority_for("err"), 3);
	assert_int_equal(log_priority_for("3"), 3);
	assert_int_equal(log_priority_for("7"), 7);
	assert_int_equal(log_priority_for("DEBUG"), 7);
	assert_int_equal(log_priority_for("0"), 0);

	/* a broken VMDEV_LOG is an error, as a broken VMDEV_TIMEOUT is */
	{
		static const char *const bad[] = { "dbug", "", "8", "-1", "07", "3 ", "info2" };

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int prio = 99;

			ctx = (struct vmdev_ctx *)state;
			setenv("VMDEV_LOG", bad[i], 1);
			if (vmdev_new(&ctx) != -EINVAL)
				fail_msg("VMDEV_LOG=\"%s\" accepted", bad[i]);
			assert_null(ctx);
			assert_int_equal(vmdev_parse_log_priority(bad[i], &prio), -EINVAL);
			assert_int_equal(prio, 99);
		}
		unsetenv("VMDEV_LOG");
	}

	assert_int_equal(vmdev_new(&ctx), 0);
	vmdev_set_log_priority(ctx, LOG_INFO);
	assert_int_equal(vmdev_get_log_priority(ctx), LOG_INFO);
	assert_null(vmdev_unref(ctx));
}

/* ---- reference count and userdata -------------------------------------- */

static void test_refcount(void **state)
{
	struct vmdev_ctx *ctx = NULL;

	assert_int_equal(vmdev_new(&ctx), 0);
	assert_ptr_equal(vmdev_ref(ctx), ctx);
	assert_ptr_equal(vmdev_ref(ctx), ctx);
	/* three references: two unrefs keep it, the third frees it */
	assert_ptr_equal(vmdev_unref(ctx), ctx);
	assert_ptr_equal(vmdev_unref(ctx), ctx);
	assert_string_equal(vmdev_get_root(ctx), "/"); /* still alive */
	assert_null(vmdev_unref(ctx));
	/* NULL is harmless */
	assert_null(vmdev_ref(NULL));
	assert_null(vmdev_unref(NULL));
}

static void test_userdata(void **state)
{
	struct vmdev_ctx *ctx = NULL;
	int cookie = 42;

	assert_int_equal(vmdev_new(&ctx), 0);
	assert_null(vmdev_get_userdata(ctx));
	vmdev_set_userdata(ctx, &cookie);
	assert_ptr_equal(vmdev_get_userdata(ctx), &cookie);
	assert_int_equal(*(int *)vmdev_get_userdata(ctx), 42);
	vmdev_set_userdata(ctx, NULL);
	assert_null(vmdev_get_userdata(ctx));
	assert_null(vmdev_unref(ctx));
}

/* ---- the log hook ------------------------------------------------------ */

struct captured {
	int count;
	int priority;
	char message[512];
	struct vmdev_ctx *ctx;
};

static void capture_log(struct vmdev_ctx *ctx, int priority, const char *file,
			int line, const char *fn, const char *format, va_list args)
{
	struct captured *c = vmdev_get_userdata(ctx);
	char message[512];

	vsnprintf(message, sizeof(message), format, args);
	/* keep the first message that names the skipped device */
	if (strstr(message, "0000:00:03.0") && c->count++ == 0) {
		c->priority = priority;
		c->ctx = ctx;
		snprintf(c->message, sizeof(c->message), "%s", message);
	}
}

static int count_pci(struct vmdev_ctx *ctx)
{
	struct vmdev_pci *pci;
	int n = 0;

	vmdev_pci_foreach(ctx, pci)
		n++;
	return n;
}

static void test_log_fn_sees_skipped_device(void **state)
{
	struct captured c = { 0 };
	struct vmdev_ctx *ctx = NULL;
	char *root = tree_new();

	assert_non_null(root);
	assert_int_equal(tree_add_pci(root, "0000:00:02.0", 0x030000, "i915", 1), 0);
	assert_int_equal(tree_add_pci(root, "0000:00:03.0", 0x020000, "e1000e", 2), 0);
	assert_int_equal(tree_unlink(root, "sys/devices/pci0000:00/0000:00:03.0"), 0);
	assert_int_equal(vmdev_new(&ctx), 0);
	assert_int_equal(vmdev_set_root(ctx, root), 0);
	vmdev_set_userdata(ctx, &c);

	/* at err priority, the skip is not reported */
	vmdev_set_log_fn(ctx, capture_log);
	assert_int_equal(count_pci(ctx), 1);
	assert_int_equal(c.count, 0);

	/* at info priority, it is: one message naming the device */
	vmdev_refresh(ctx);
	vmdev_set_log_priority(ctx, LOG_INFO);
	assert_int_equal(count_pci(ctx), 1);
	assert_int_equal(c.count, 1);
	assert_int_equal(c.priority, LOG_INFO);
	assert_ptr_equal(c.ctx, ctx);
	assert_non_null(strstr(c.message, "0000:00:03.0"));

	/* without a log function nothing is called */
	vmdev_refresh(ctx);
	vmdev_set_log_fn(ctx, NULL);
	assert_int_equal(count_pci(ctx), 1);
	assert_int_equal(c.count, 1);

	assert_null(vmdev_unref(ctx));
	tree_remove(root);
	free(root);
}

/* ---- refresh ----------------------------------------------------------- */

static void test_refresh_rescans(void **state)
{
	struct vmdev_ctx *ctx = NULL;
	struct vmdev_group *group;
	struct vmdev_pci *pci;
	char *root = tree_new();

	assert_non_null(root);
	assert_int_equal(tree_add_pci(root, "0000:00:02.0", 0x030000, "i915", 1), 0);
	assert_int_equal(vmdev_new(&ctx), 0);
	assert_int_equal(vmdev_set_root(ctx, root), 0);
	assert_int_equal(count_pci(ctx), 1);
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:04.0", &pci), -ENOENT);
	assert_int_equal(vmdev_group_find(ctx, 5, &group), -ENOENT);

	/* a device appears (hotplug): the cache does not see it yet */
	assert_int_equal(tree_add_pci(root, "0000:00:04.0", 0x020000, "vfio-pci", 5), 0);
	assert_int_equal(count_pci(ctx), 1);
	assert_int_equal(vmdev_pci_find(ctx, "0000:00:04.0", &pci), -ENOENT);

	/* after a refresh it does, with its group */
	vmdev_refresh(ctx);
	assert_int_equal(count_pci(ctx), 2);
	assert_int_equal(vmdev_pci_find(ctx, "00:04.0", &pci), 0);
	assert_string_equal(vmdev_pci_get_address(pci), "0000:00:04.0");
	assert_int_equal(vmdev_pci_get_iommu_group(pci), 5);
	assert_int_equal(vmdev_group_find(ctx, 5, &group), 0);
	assert_int_equal(vmdev_group_is_viable(group), 1);

	/* it goes away again */
	assert_int_equal(tree_unlink(root, "sys/bus/pci/devices/0000:00:04.0"), 0);
	assert_int_equal(tree_unlink(root, "sys/devices/pci0000:00/0000:00:04.0"), 0);
	assert_int_equal(tree_unlink(root, "sys/kernel/iommu_groups/5"), 0);
	vmdev_refresh(ctx);
	assert_int_equal(count_pci(ctx), 1);
	assert_int_equal(vmdev_group_find(ctx, 5, &group), -ENOENT);

	/* refreshing a fresh context, twice, or NULL is harmless */
	vmdev_refresh(ctx);
	vmdev_refresh(ctx);
	vmdev_refresh(NULL);
	assert_int_equal(count_pci(ctx), 1);

	/* changing the root drops the cache as well */
	assert_int_equal(vmdev_set_root(ctx, "/proc/self/fdinfo"), 0);
	assert_int_equal(count_pci(ctx), 0);

	assert_null(vmdev_unref(ctx));
	tree_remove(root);
	free(root);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_env, teardown_env)
	const struct CMUnitTest tests[] = {
		T(test_root_default),
		T(test_root_from_env),
		T(test_root_missing),
		T(test_root_is_a_file),
		T(test_timeout),
		T(test_log_priority),
		T(test_refcount),
		T(test_userdata),
		T(test_log_fn_sees_skipped_device),
		T(test_refresh_rescans),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
