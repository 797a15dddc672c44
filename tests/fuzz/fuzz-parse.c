// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer targets for the parsers of user and sysfs input, one per
 * FUZZ_TARGET (see run.sh): each gets a NUL-terminated copy of the input
 * and checks what the parser promises on success.
 */
#include <assert.h>
#include <errno.h>
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "definition-json.h"
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
#elif FUZZ_TARGET == 7 /* def_json_parse, def_json_format: mdevctl's definitions */
	struct def_content c, again;
	struct def_json_error e;
	char *pretty, *compact, *twice;
	size_t len, len2;

	if (def_json_parse((const char *)data, size, &c, &e) == 0) {
		assert(c.type && vmdev_check_name(c.type) == 0);
		for (size_t i = 0; i < c.n_attrs; i++)
			assert(def_attr_check(c.attrs[i].name, c.attrs[i].value) == 0);
		/* what we write reads back the same, in both forms, and the
		 * pretty form is a fixed point */
		assert(def_json_format(&c, true, &pretty, &len) == 0);
		assert(def_json_format(&c, false, &compact, NULL) == 0);
		assert(!memchr(compact, '\n', strlen(compact)));
		assert(def_json_parse(pretty, len, &again, &e) == 0);
		assert(strcmp(again.type, c.type) == 0 && again.start == c.start);
		assert(again.n_attrs == c.n_attrs);
		for (size_t i = 0; i < c.n_attrs; i++)
			assert(strcmp(again.attrs[i].name, c.attrs[i].name) == 0 &&
			       strcmp(again.attrs[i].value, c.attrs[i].value) == 0);
		assert(def_json_format(&again, true, &twice, &len2) == 0);
		assert(len2 == len && memcmp(twice, pretty, len) == 0);
		def_content_clear(&again);
		free(twice);
		assert(def_json_parse(compact, strlen(compact), &again, &e) == 0);
		assert(again.n_attrs == c.n_attrs);
		def_content_clear(&again);
		free(pretty);
		free(compact);
		def_content_clear(&c);
	} else {
		assert(e.problem >= VMDEV_DEFINITION_UNREADABLE &&
		       e.problem <= VMDEV_DEFINITION_BAD_ATTR_VALUE);
		assert(e.offset <= size && !c.type && !c.attrs);
	}
#elif FUZZ_TARGET == 8 /* callout_supports_parse: a callout script's capabilities */
	static const char *const actions[] = { "start", "stop", "define", "undefine", "modify",
					       "attributes", "capabilities", NULL };
	static const char *const events[] = { "pre", "post", "live", "notify", "get", NULL };
	struct callout_supports s;
	int r = callout_supports_parse((const char *)data, size, actions, events, &s);

	assert(r == 0 || r == -EBADMSG || r == -ENOMEM);
	assert(s.actions < 1u << 7 && s.events < 1u << 5);
#else
#error "FUZZ_TARGET 1 to 8"
#endif
	free(text);
	return 0;
}
