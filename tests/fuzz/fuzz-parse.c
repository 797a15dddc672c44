// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer targets for the parsers of user and sysfs input, one per
 * FUZZ_TARGET (see run.sh): each gets a NUL-terminated copy of the input
 * and checks what the parser promises on success.
 */
#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "parse.h"
#include "sysfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *terminated(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = terminated(data, size);

#if FUZZ_TARGET == 1 /* vmdev_parse_pci_address */
	char out[VMDEV_PCI_ADDR_LEN], again[VMDEV_PCI_ADDR_LEN];

	if (vmdev_parse_pci_address(text, out) == 0) {
		assert(strlen(out) == VMDEV_PCI_ADDR_LEN - 1);
		assert(vmdev_parse_pci_address(out, again) == 0 && strcmp(out, again) == 0);
		for (const char *p = out; *p; p++)
			assert(!isupper((unsigned char)*p));
	}
#elif FUZZ_TARGET == 2 /* vmdev_parse_uuid */
	char out[VMDEV_UUID_LEN], again[VMDEV_UUID_LEN];

	if (vmdev_parse_uuid(text, out) == 0) {
		assert(strlen(out) == VMDEV_UUID_LEN - 1 && strcasecmp(out, text) == 0);
		assert(vmdev_parse_uuid(out, again) == 0 && strcmp(out, again) == 0);
	}
#elif FUZZ_TARGET == 3 /* vmdev_parse_group */
	unsigned int group;
	char back[16];

	if (vmdev_parse_group(text, &group) == 0) {
		assert(group <= INT_MAX);
		snprintf(back, sizeof(back), "%u", group);
		/* the same number, leading zeros aside */
		assert(strtoull(text, NULL, 10) == group);
		assert(strlen(back) <= strlen(text));
	}
#elif FUZZ_TARGET == 4 /* vmdev_check_name */
	if (vmdev_check_name(text) == 0) {
		assert(*text && strlen(text) <= NAME_MAX && !strchr(text, '/'));
		assert(strcmp(text, ".") != 0 && strcmp(text, "..") != 0);
	}
#elif FUZZ_TARGET == 5 /* parse_hex_attr */
	unsigned int value;

	if (parse_hex_attr(text, &value) == 0)
		assert(strtoull(text, NULL, 16) == value);
#elif FUZZ_TARGET == 6 /* path_normalize: DIR NUL TARGET */
	const char *target = text + strlen(text) + (strlen(text) < size);
	char *out = path_normalize(text, target);

	if (out) {
		assert(out[0] == '/');
		assert(!strstr(out, "//") && !strstr(out, "/./") && !strstr(out, "/../"));
		assert(strcmp(out, "/") == 0 || out[strlen(out) - 1] != '/');
		free(out);
	}
#else
#error "FUZZ_TARGET 1 to 6"
#endif
	free(text);
	return 0;
}
