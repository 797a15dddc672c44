// SPDX-License-Identifier: LGPL-2.1-or-later
/* Parsers and validators for the identifiers users and sysfs hand us. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <uuid/uuid.h>

#include "parse.h"
#include "util.h"

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse exactly LEN hex digits (1..8) from TEXT; returns the value or -1. */
static long parse_hex_field(const char *text, size_t len)
{
	long value = 0;

	for (size_t i = 0; i < len; i++) {
		int d = hex_digit((unsigned char)text[i]);

		if (d < 0)
			return -1;
		value = value * 16 + d;
	}
	return value;
}

/* A sysfs id attribute: "0x8086" (the 0x is optional), at most 8 digits. */
int parse_hex_attr(const char *text, unsigned int *value)
{
	size_t len;
	long v;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	len = strlen(text);
	if (len == 0 || len > 8)
		return -EINVAL;
	v = parse_hex_field(text, len);
	if (v < 0)
		return -EINVAL;
	*value = (unsigned int)v;
	return 0;
}

/* "MAJOR:MINOR" in decimal, as in a sysfs "dev" file (the newline is gone) */
int parse_devnum(const char *text, dev_t *dev)
{
	unsigned long major, minor;
	char *end;

	if (!isdigit((unsigned char)text[0]))
		return -EINVAL;
	errno = 0;
	major = strtoul(text, &end, 10);
	if (errno || *end != ':' || !isdigit((unsigned char)end[1]) || major > 4095)
		return -EINVAL;
	minor = strtoul(end + 1, &end, 10);
	if (errno || *end || minor > 1048575)
		return -EINVAL;
	*dev = makedev(major, minor);
	return 0;
}

/**
 * vmdev_parse_pci_address - validate and normalise a PCI address
 * @text: "DDDD:BB:DD.F" or the short "BB:DD.F" (domain 0000), any case
 * @out: receives the lower-case long form
 *
 * Returns 0, or -EINVAL when @text is not an address in range (domain <=
 * ffff, bus <= ff, device <= 1f, function <= 7).
 */
VMDEV_EXPORT int vmdev_parse_pci_address(const char *text,
					 char out[VMDEV_PCI_ADDR_LEN])
{
	long domain = 0, bus, dev, fn;
	size_t len;

	if (!text || !out)
		return -EINVAL;
	len = strlen(text);
	if (len == 12) {
		if (text[4] != ':')
			return -EINVAL;
		domain = parse_hex_field(text, 4);
		text += 5;
		len -= 5;
	}
	if (len != 7 || text[2] != ':' || text[5] != '.')
		return -EINVAL;
	bus = parse_hex_field(text, 2);
	dev = parse_hex_field(text + 3, 2);
	fn = parse_hex_field(text + 6, 1);
	if (domain < 0 || bus < 0 || dev < 0 || dev > 0x1f || fn < 0 || fn > 7)
		return -EINVAL;
	snprintf(out, VMDEV_PCI_ADDR_LEN, "%04lx:%02lx:%02lx.%lx", domain, bus,
		 dev, fn);
	return 0;
}

/**
 * vmdev_parse_uuid - validate and normalise an mdev UUID
 * @text: 8-4-4-4-12 hex digits, any case, any version or variant (the
 *        kernel accepts non-RFC-4122 UUIDs and so do we)
 * @out: receives the lower-case form
 *
 * Returns 0 or -EINVAL.
 */
VMDEV_EXPORT int vmdev_parse_uuid(const char *text, char out[VMDEV_UUID_LEN])
{
	if (!text || !out || strlen(text) != VMDEV_UUID_LEN - 1)
		return -EINVAL;
	for (size_t i = 0; i < VMDEV_UUID_LEN - 1; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? text[i] != '-' : hex_digit((unsigned char)text[i]) < 0)
			return -EINVAL;
		out[i] = (char)tolower((unsigned char)text[i]);
	}
	out[VMDEV_UUID_LEN - 1] = '\0';
	return 0;
}

/**
 * vmdev_parse_group - parse an IOMMU group number
 * @text: decimal digits only, 0 to 2147483647
 * @group: receives the number
 *
 * Returns 0 or -EINVAL.
 */
VMDEV_EXPORT int vmdev_parse_group(const char *text, unsigned int *group)
{
	unsigned long long value = 0;

	if (!text || !group || !*text || strlen(text) > 10)
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		value = value * 10 + (unsigned int)(*p - '0');
	}
	if (value > INT_MAX)
		return -EINVAL;
	*group = (unsigned int)value;
	return 0;
}

/**
 * vmdev_parse_timeout_ms - parse a wait limit (--timeout, VMDEV_TIMEOUT)
 * @text: decimal milliseconds, digits only, 0 to 3600000 (one hour)
 * @ms: receives the value
 *
 * Returns 0 or -EINVAL.
 */
VMDEV_EXPORT int vmdev_parse_timeout_ms(const char *text, unsigned int *ms)
{
	unsigned long value = 0;

	if (!text || !ms || !*text)
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		value = value * 10 + (unsigned long)(*p - '0');
		if (value > 3600000UL)
			return -EINVAL;
	}
	*ms = (unsigned int)value;
	return 0;
}

/**
 * vmdev_parse_log_priority - a log priority as VMDEV_LOG takes it
 * @text: "err", "info", "debug" (any case), or a syslog number 0 to 7
 * @priority: receives the syslog priority
 *
 * Returns 0 or -EINVAL.
 */
VMDEV_EXPORT int vmdev_parse_log_priority(const char *text, int *priority)
{
	static const char *const names[] = { [LOG_ERR] = "err", [LOG_INFO] = "info",
					      [LOG_DEBUG] = "debug" };

	if (!text || !priority)
		return -EINVAL;
	for (int i = 0; i <= LOG_DEBUG; i++) {
		if (names[i] && strcasecmp(text, names[i]) == 0) {
			*priority = i;
			return 0;
		}
	}
	if (text[0] >= '0' && text[0] <= '0' + LOG_DEBUG && text[1] == '\0') {
		*priority = text[0] - '0';
		return 0;
	}
	return -EINVAL;
}

/**
 * vmdev_check_name - check that a name can safely become one path component
 * @name: a parent, type or driver name from a user or from sysfs
 *
 * Returns 0, -EINVAL for an empty name, "." or "..", a name with "/" or a
 * control character, or -ENAMETOOLONG for one over NAME_MAX bytes.
 */
VMDEV_EXPORT int vmdev_check_name(const char *name)
{
	size_t len;

	if (!name || !*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	len = strlen(name);
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c < 0x20 || c == 0x7f)
			return -EINVAL;
	}
	return 0;
}

/**
 * vmdev_driver_is_vfio_pci - whether a PCI driver is vfio-pci or a variant
 * @driver: a driver name (mlx5_vfio_pci, hisi_acc_vfio_pci, ...)
 *
 * Variant drivers carry "vfio_pci" or "vfio-pci" in their names; the
 * kernel's driver_managed_dma flag itself is not visible from userspace.
 */
VMDEV_EXPORT bool vmdev_driver_is_vfio_pci(const char *driver)
{
	return driver && (strstr(driver, "vfio_pci") || strstr(driver, "vfio-pci"));
}

/*
 * A UUID that names a file or a device: the kernel (and mdevctl) write it in
 * lower case, and such a name is taken as it is (a table look-up a byte);
 * anything else goes through vmdev_parse_uuid(), which normalises or
 * refuses it.
 */
int parse_uuid_name(const char *name, char out[VMDEV_UUID_LEN])
{
	static const bool lower_hex[256] = {
		['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
		['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
		['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	};
	bool ok;

	if (strnlen(name, VMDEV_UUID_LEN) != VMDEV_UUID_LEN - 1)
		return -EINVAL;
	ok = name[8] == '-' && name[13] == '-' && name[18] == '-' && name[23] == '-';
	/* 36 characters: each group checked without an early exit */
	for (size_t i = 0; i < 8; i++)
		ok &= lower_hex[(unsigned char)name[i]];
	for (size_t i = 9; i < 13; i++)
		ok &= lower_hex[(unsigned char)name[i]] & lower_hex[(unsigned char)name[i + 5]] &
		      lower_hex[(unsigned char)name[i + 10]];
	for (size_t i = 24; i < 36; i++)
		ok &= lower_hex[(unsigned char)name[i]];
	if (!ok)
		return vmdev_parse_uuid(name, out);
	memcpy(out, name, VMDEV_UUID_LEN);
	return 0;
}

/* The UUID given (any case, normalised into OUT), or a new random one for
 * NULL: 0 or -EINVAL. */
int parse_uuid_or_new(const char *uuid, char out[VMDEV_UUID_LEN])
{
	uuid_t raw;

	if (uuid)
		return vmdev_parse_uuid(uuid, out);
	uuid_generate_random(raw);
	uuid_unparse_lower(raw, out);
	return 0;
}
