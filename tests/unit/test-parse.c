// SPDX-License-Identifier: LGPL-2.1-or-later
/* Parsers and validators: public (vmdev_parse_*, vmdev_check_name,
 * vmdev_driver_is_vfio_pci) and internal (parse_hex_attr, path_normalize). */
#include <errno.h>
#include <limits.h>
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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- PCI addresses ----------------------------------------------------- */

static void test_pci_address_accepts(void **state)
{
	static const char *const cases[][2] = {
		{ "0000:00:02.0", "0000:00:02.0" },
		{ "00:02.0", "0000:00:02.0" },          /* short form: domain 0 */
		{ "0000:00:1f.7", "0000:00:1f.7" },
		{ "0000:00:1F.7", "0000:00:1f.7" },     /* any case -> lower */
		{ "ABCD:EF:1A.3", "abcd:ef:1a.3" },
		{ "ffff:ff:1f.7", "ffff:ff:1f.7" },     /* every field at its max */
		{ "FFFF:FF:1F.7", "ffff:ff:1f.7" },
		{ "Ff:1F.7", "0000:ff:1f.7" },
		{ "0001:3b:00.0", "0001:3b:00.0" },
		{ "00:00.0", "0000:00:00.0" },
	};
	char out[VMDEV_PCI_ADDR_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(vmdev_parse_pci_address(cases[i][0], out), 0);
		assert_string_equal(out, cases[i][1]);
	}
}

static void test_pci_address_rejects(void **state)
{
	static const char *const cases[] = {
		"",
		"0",
		"0000:00:02",      /* truncated */
		"0000:00:02.",
		"00:02",
		"0000:00",
		"0000:00:02.0x",   /* extra characters */
		"0000:00:02.00",
		"00:02.0.",
		"0000:00:02.0:",
		"0000:00:20.0",    /* device > 1f */
		"0000:00:ff.0",
		"00:20.0",
		"0000:00:1f.8",    /* function > 7 */
		"0000:00:1f.f",
		"00:1f.8",
		"10000:00:00.0",   /* domain > ffff */
		"0000:100:00.0",   /* bus > ff */
		" 0000:00:02.0",   /* spaces */
		"0000:00:02.0 ",
		"0000: 0:02.0",
		" 0:02.0",
		"00:02 .0",
		"+0:00:00.0",      /* signs */
		"+000:00:00.0",
		"+0:00.0",
		"-0:00.0",
		"g000:00:00.0",    /* non-hex */
		"0000:0g:00.0",
		"0000:00:0x.0",
		"0000:00:02.g",
		"0000:00:02.0\n",  /* trailing newline */
		"00:02.0\n",
		"0000-00:02.0",    /* wrong separators */
		"0000:00-02.0",
		"0000:00:02:0",
		"0000.00:02.0",
		"000:00:02.0",     /* 3-digit domain */
		"00000:00:02.0",
	};
	char out[VMDEV_PCI_ADDR_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (vmdev_parse_pci_address(cases[i], out) != -EINVAL)
			fail_msg("accepted PCI address \"%s\"", cases[i]);
	}
	assert_int_equal(vmdev_parse_pci_address(NULL, out), -EINVAL);
	assert_int_equal(vmdev_parse_pci_address("0000:00:02.0", NULL), -EINVAL);
}

/* ---- UUIDs ------------------------------------------------------------- */

static void test_uuid_accepts(void **state)
{
	static const char *const cases[][2] = {
		{ "5b6a6c5e-0c9b-4f6e-9e64-0123456789ab",
		  "5b6a6c5e-0c9b-4f6e-9e64-0123456789ab" },
		{ "5B6A6C5E-0C9B-4F6E-9E64-0123456789AB",
		  "5b6a6c5e-0c9b-4f6e-9e64-0123456789ab" },
		{ "5b6A6c5E-0C9b-4F6e-9E64-0123456789aB",
		  "5b6a6c5e-0c9b-4f6e-9e64-0123456789ab" },
		/* not RFC 4122: any version and variant, as the kernel does */
		{ "00000000-0000-0000-0000-000000000000",
		  "00000000-0000-0000-0000-000000000000" },
		{ "ffffffff-ffff-ffff-ffff-ffffffffffff",
		  "ffffffff-ffff-ffff-ffff-ffffffffffff" },
		{ "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
		  "ffffffff-ffff-ffff-ffff-ffffffffffff" },
		{ "12345678-1234-0234-c234-123456789abc",   /* version 0, variant c */
		  "12345678-1234-0234-c234-123456789abc" },
		{ "12345678-1234-f234-0234-123456789abc",   /* version f, NCS variant */
		  "12345678-1234-f234-0234-123456789abc" },
	};
	char out[VMDEV_UUID_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(vmdev_parse_uuid(cases[i][0], out), 0);
		assert_string_equal(out, cases[i][1]);
	}
}

static void test_uuid_rejects(void **state)
{
	static const char *const cases[] = {
		"",
		"5b6a6c5e0-c9b-4f6e-9e64-0123456789ab",   /* dash moved right */
		"5b6a6c5-e0c9b-4f6e-9e64-0123456789ab",   /* dash moved left */
		"5b6a6c5e-0c9b4-f6e-9e64-0123456789ab",
		"5b6a6c5e-0c9b-4f6e9-e64-0123456789ab",
		"5b6a6c5e-0c9b-4f6e-9e640-123456789ab",
		"5b6a6c5e00c9b04f6e09e6400123456789ab",   /* no dashes, 36 chars */
		"5b6a6c5e0c9b4f6e9e640123456789ab",       /* 32 hex digits */
		"5b6a6c5e-0c9b-4f6e-9e64-0123456789a",    /* 35 chars */
		"5b6a6c5e-0c9b-4f6e-9e64-0123456789abc",  /* 37 chars */
		"5b6a6c5e-0c9b-4f6e-9e64-0123456789ab\n", /* trailing newline */
		" 5b6a6c5e-0c9b-4f6e-9e64-0123456789a",
		"5b6a6c5e-0c9b-4f6e-9e64-0123456789a ",
		"5b6a6c5g-0c9b-4f6e-9e64-0123456789ab",   /* non-hex */
		"5b6a6c5e-0c9b-4f6e-9e64-0123456789aZ",
		"5b6a6c5e-0c9b-4f6e-9e64-0123456789+a",
		"{5b6a6c5e-0c9b-4f6e-9e64-0123456789ab}", /* braces */
		"{b6a6c5e-0c9b-4f6e-9e64-0123456789a}",   /* braces, 36 chars */
		"5b6a6c5e-0c9b-4f6e-9e64-0123456789ab-",
		"------------------------------------",
	};
	char out[VMDEV_UUID_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (vmdev_parse_uuid(cases[i], out) != -EINVAL)
			fail_msg("accepted UUID \"%s\"", cases[i]);
	}
	assert_int_equal(vmdev_parse_uuid(NULL, out), -EINVAL);
	assert_int_equal(vmdev_parse_uuid("5b6a6c5e-0c9b-4f6e-9e64-0123456789ab",
					  NULL), -EINVAL);
}

/* ---- group numbers ----------------------------------------------------- */

static void test_group_accepts(void **state)
{
	unsigned int group;

	group = 99;
	assert_int_equal(vmdev_parse_group("0", &group), 0);
	assert_int_equal(group, 0);
	assert_int_equal(vmdev_parse_group("7", &group), 0);
	assert_int_equal(group, 7);
	assert_int_equal(vmdev_parse_group("123", &group), 0);
	assert_int_equal(group, 123);
	assert_int_equal(vmdev_parse_group("2147483647", &group), 0);
	assert_int_equal(group, 2147483647U);
}

static void test_group_rejects(void **state)
{
	static const char *const cases[] = {
		"2147483648",  /* INT_MAX + 1 */
		"4294967295",
		"4294967296",  /* would wrap in 32 bits */
		"9999999999",
		"-1",
		"+1",
		"",
		" 1",
		"1 ",
		"1\n",
		"0x10",
		"10a",
		"a",
		"1.0",
		"12345678901", /* 11 digits */
		"00000000001", /* 11 digits, small value */
		"99999999999999999999999", /* overflows 64 bits */
	};
	unsigned int group = 42;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (vmdev_parse_group(cases[i], &group) != -EINVAL)
			fail_msg("accepted group \"%s\" as %u", cases[i], group);
	}
	assert_int_equal(group, 42); /* untouched by failures */
	assert_int_equal(vmdev_parse_group(NULL, &group), -EINVAL);
	assert_int_equal(vmdev_parse_group("1", NULL), -EINVAL);
}

/* ---- names ------------------------------------------------------------- */

static void test_timeout(void **state)
{
	static const char *const bad[] = { "", "-1", "+5", " 5", "5 ", "5ms", "0x10",
					   "3600001", "99999999999999999999", "1.5" };
	unsigned int ms = 7;

	(void)state;
	assert_int_equal(vmdev_parse_timeout_ms("0", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(vmdev_parse_timeout_ms("250", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(vmdev_parse_timeout_ms("3600000", &ms), 0);
	assert_int_equal(ms, 3600000);
	assert_int_equal(vmdev_parse_timeout_ms("0005000", &ms), 0);
	assert_int_equal(ms, 5000);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ms = 7;
		assert_int_equal(vmdev_parse_timeout_ms(bad[i], &ms), -EINVAL);
		assert_int_equal(ms, 7); /* untouched on error */
	}
	assert_int_equal(vmdev_parse_timeout_ms(NULL, &ms), -EINVAL);
}

static void test_check_name_accepts(void **state)
{
	static const char *const cases[] = {
		"mtty", "mtty-2", "i915-GVTg_V5_4", "0000:00:02.0", "nvidia-35",
		"%2e%2e", /* a literal name, not a decoded ".." */
		"...", ".hidden", "a..b", "vfio-pci",
	};
	char name[NAME_MAX + 1];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (vmdev_check_name(cases[i]) != 0)
			fail_msg("refused name \"%s\"", cases[i]);
	}
	memset(name, 'a', NAME_MAX);
	name[NAME_MAX] = '\0'; /* 255 bytes: the longest allowed */
	assert_int_equal(strlen(name), 255);
	assert_int_equal(vmdev_check_name(name), 0);
}

static void test_check_name_rejects(void **state)
{
	static const char *const cases[] = {
		"", ".", "..", "a/b", "/", "a/", "/a", "../mtty", "./x",
		"a\nb", "\t", "mtty\n", "a\x01", "\x1f", "a\x7f" "b", "\x1b[0m",
	};
	char name[NAME_MAX + 2];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (vmdev_check_name(cases[i]) != -EINVAL)
			fail_msg("accepted name \"%s\" (case %zu)", cases[i], i);
	}
	assert_int_equal(vmdev_check_name(NULL), -EINVAL);
	memset(name, 'a', NAME_MAX + 1);
	name[NAME_MAX + 1] = '\0'; /* 256 bytes */
	assert_int_equal(strlen(name), 256);
	assert_int_equal(vmdev_check_name(name), -ENAMETOOLONG);
}

/* ---- drivers ----------------------------------------------------------- */

static void test_driver_is_vfio_pci(void **state)
{
	static const char *const yes[] = {
		"vfio-pci", "mlx5_vfio_pci", "hisi_acc_vfio_pci",
		"nvgrace_gpu_vfio_pci", "virtio_vfio_pci", "xe_vfio_pci",
		"pds_vfio_pci", "qat_vfio_pci",
	};
	static const char *const no[] = {
		"e1000e", "pci-stub", "pcieport", "vfio", "vfio_pc", "vfio-mdev",
		"virtio-pci", "nvidia", "snd_hda_intel", "",
	};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!vmdev_driver_is_vfio_pci(yes[i]))
			fail_msg("%s should be a vfio-pci driver", yes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		if (vmdev_driver_is_vfio_pci(no[i]))
			fail_msg("%s should not be a vfio-pci driver", no[i]);
	}
	assert_false(vmdev_driver_is_vfio_pci(NULL));
}

/* ---- internal: sysfs id attributes ------------------------------------- */

static void test_parse_hex_attr(void **state)
{
	static const struct {
		const char *text;
		unsigned int value;
	} ok[] = {
		{ "0x8086", 0x8086 },
		{ "8086", 0x8086 },
		{ "0x030000", 0x030000 },
		{ "0X10DE", 0x10de },
		{ "0x10de", 0x10de },
		{ "0", 0 },
		{ "0x0", 0 },
		{ "0x02", 2 },
		{ "ffffffff", 0xffffffffU },
		{ "0xFFFFFFFF", 0xffffffffU },
	};
	static const char *const bad[] = {
		"", "0x", "0X", "0xZZ", "zz", "123456789" /* 9 digits */,
		"0x123456789", "80 86", " 8086", "8086 ", "-1", "0x-1", "+1",
		"0x0x1", "8086\n",
	};
	unsigned int value;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		value = 0xdeadbeef;
		if (parse_hex_attr(ok[i].text, &value) != 0)
			fail_msg("refused hex attribute \"%s\"", ok[i].text);
		assert_int_equal(value, ok[i].value);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse_hex_attr(bad[i], &value) != -EINVAL)
			fail_msg("accepted hex attribute \"%s\"", bad[i]);
	}
}

/* ---- internal: lexical link resolution --------------------------------- */

static void check_normalize(const char *dir, const char *target,
			    const char *expected)
{
	char *path = path_normalize(dir, target);

	assert_non_null(path);
	if (strcmp(path, expected) != 0) {
		char copy[512];

		strncpy(copy, path, sizeof(copy) - 1);
		copy[sizeof(copy) - 1] = '\0';
		free(path);
		fail_msg("path_normalize(\"%s\", \"%s\") = \"%s\", expected \"%s\"",
			 dir, target, copy, expected);
	}
	free(path);
}

static void test_path_normalize(void **state)
{
	check_normalize("/sys/bus/pci/devices",
			"../../../devices/pci0000:00/0000:00:02.0",
			"/sys/devices/pci0000:00/0000:00:02.0");
	check_normalize("/sys/class/mdev_bus", "../../devices/virtual/mtty/mtty",
			"/sys/devices/virtual/mtty/mtty");
	check_normalize("/sys/kernel/iommu_groups/7/devices",
			"../../../../devices/pci0000:00/0000:00:02.0",
			"/sys/devices/pci0000:00/0000:00:02.0");
	/* "." and repeated slashes vanish */
	check_normalize("/sys/./bus//pci/", "./devices/./x", "/sys/bus/pci/devices/x");
	check_normalize("/a/b", ".", "/a/b");
	check_normalize("/a/b", "c/../d", "/a/b/d");
	/* too many ".." stay at "/" */
	check_normalize("/sys", "../../../..", "/");
	check_normalize("/sys/class", "../../../../devices/x", "/devices/x");
	check_normalize("/", "..", "/");
	check_normalize("/", ".", "/");
	/* an absolute target ignores the directory */
	check_normalize("/sys/bus", "/dev/vfio/../vfio/7", "/dev/vfio/7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pci_address_accepts),
		cmocka_unit_test(test_pci_address_rejects),
		cmocka_unit_test(test_uuid_accepts),
		cmocka_unit_test(test_uuid_rejects),
		cmocka_unit_test(test_group_accepts),
		cmocka_unit_test(test_group_rejects),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_check_name_accepts),
		cmocka_unit_test(test_check_name_rejects),
		cmocka_unit_test(test_driver_is_vfio_pci),
		cmocka_unit_test(test_parse_hex_attr),
		cmocka_unit_test(test_path_normalize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
