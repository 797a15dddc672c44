// SPDX-License-Identifier: GPL-2.0-or-later
/* types: the mdev types of each parent, with live available instances. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdevs.h"

struct types_options {
	const char *parent, *type;
};

static const struct command_option types_options[] = {
	NAME_OPTION("parent", 'p', "parent name", struct types_options, parent),
	NAME_OPTION("type", 't', "type name", struct types_options, type),
	END_OPTIONS,
};

/* A known-or-unknown bool of the library (0 or a negative errno). */
enum tristate { UNKNOWN = -1, NO = 0, YES = 1 };

struct type_record {
	struct vmdev_type *type; /* for its mdevs, listed where printed */
	const char *parent, *id, *name, *description, *device_api;
	bool available_known;
	int available;
	/* vfio-mdev-pci: the ids decoded from the type name, and what they say */
	bool ids_known;
	struct vmdev_pci_ids ids;
	bool address_known;
	char address[VMDEV_PCI_ADDR_LEN];
	enum tristate ids_match, drift;
	unsigned int drift_available, drift_existing;
	char *compatibility_key;
};

static enum tristate tristate(int r, bool value)
{
	return r < 0 ? UNKNOWN : value ? YES : NO;
}

/* Each attribute read once (available_instances live). */
static void type_record_read(struct vmdev_type *type, struct type_record *rec)
{
	unsigned int available;
	bool match = false, drift = false;
	int r;

	*rec = (struct type_record){
		.type = type,
		.parent = vmdev_parent_get_name(vmdev_type_get_parent(type)),
		.id = vmdev_type_get_id(type),
		.name = vmdev_type_get_name(type),
		.description = vmdev_type_get_description(type),
		.device_api = vmdev_type_get_device_api(type),
	};
	rec->available_known = vmdev_type_get_available_instances(type, &available) == 0;
	rec->available = (int)available;
	rec->ids_known = vmdev_type_get_pci_ids(type, &rec->ids) == 0;
	rec->address_known = vmdev_type_get_pci_address(type, rec->address) == 0;
	r = vmdev_type_pci_ids_match(type, &match);
	rec->ids_match = tristate(r, match);
	vmdev_type_get_compatibility_key(type, &rec->compatibility_key);
	r = vmdev_type_get_instance_drift(type, &drift, &rec->drift_available,
					  &rec->drift_existing);
	rec->drift = tristate(r, drift);
}

static void type_record_free(struct type_record *rec)
{
	free(rec->compatibility_key);
}

static void json_tristate(struct jout *j, const char *key, enum tristate value)
{
	if (value == UNKNOWN)
		jout_null(j, key);
	else
		jout_bool(j, key, value == YES);
}

static void type_record_json(struct jout *j, const struct type_record *rec)
{
	struct vmdev_mdev *mdev;

	jout_open_object(j, NULL);
	jout_string(j, "parent", rec->parent);
	jout_string(j, "type", rec->id);
	jout_string(j, "name", rec->name);
	jout_string(j, "description", rec->description);
	jout_string(j, "device_api", rec->device_api);
	if (rec->available_known)
		jout_int(j, "available_instances", rec->available);
	else
		jout_null(j, "available_instances");
	jout_open_array(j, "mdevs");
	vmdev_type_mdev_foreach(rec->type, mdev)
		jout_string(j, NULL, vmdev_mdev_get_uuid(mdev));
	jout_close_array(j);
	if (rec->ids_known) {
		jout_open_object(j, "pci_ids");
		jout_hex(j, "vendor", rec->ids.vendor, 4);
		jout_hex(j, "device", rec->ids.device, 4);
		jout_hex(j, "subsystem_vendor", rec->ids.subsystem_vendor, 4);
		jout_hex(j, "subsystem_device", rec->ids.subsystem_device, 4);
		jout_hex(j, "class", rec->ids.class_code, 6);
		jout_hex(j, "revision", rec->ids.revision, 2);
		jout_close_object(j);
	} else {
		jout_null(j, "pci_ids");
	}
	jout_string(j, "pci_address", rec->address_known ? rec->address : NULL);
	json_tristate(j, "pci_ids_match", rec->ids_match);
	jout_string(j, "compatibility_key", rec->compatibility_key);
	json_tristate(j, "available_instances_drift", rec->drift);
	jout_close_object(j);
}

/* Text-mode notes: ids that are not the parent's, a miscounted pool. */
static void type_record_text_notes(const struct type_record *rec)
{
	if (rec->ids_match == NO) {
		struct vmdev_pci *pci = vmdev_parent_get_pci(vmdev_type_get_parent(rec->type));

		printf("    note: the ids in the type name are not those of %s (%04x:%04x:%04x:%04x:%06x:%02x)\n",
		       vmdev_pci_get_address(pci), vmdev_pci_get_vendor(pci),
		       vmdev_pci_get_device(pci), vmdev_pci_get_subsystem_vendor(pci),
		       vmdev_pci_get_subsystem_device(pci), vmdev_pci_get_class(pci),
		       vmdev_pci_get_revision(pci));
	}
	if (rec->drift == YES)
		printf("    note: available_instances says %u but %u mdev%s exist%s: the driver miscounts (one instance per device)\n",
		       rec->drift_available, rec->drift_existing,
		       rec->drift_existing == 1 ? "" : "s", rec->drift_existing == 1 ? "s" : "");
}

static void type_record_text(const struct type_record *rec, const char **last_parent)
{
	struct vmdev_mdev *mdev;
	char number[16] = "?";
	size_t n = 0;

	if (!*last_parent || strcmp(*last_parent, rec->parent)) {
		printf("%s\n", rec->parent);
		*last_parent = rec->parent;
	}
	if (rec->available_known)
		snprintf(number, sizeof(number), "%d", rec->available);
	vmdev_type_mdev_foreach(rec->type, mdev)
		n++;
	printf("  %-24s %-9s available %-4s mdevs %-4zu %s\n", rec->id,
	       or_dash(rec->device_api), number, n, or_dash(rec->name));
	for (const char *line = rec->description; line && *line;) {
		size_t len = strcspn(line, "\n");

		printf("    %.*s\n", (int)len, line);
		line += len + (line[len] == '\n');
	}
	type_record_text_notes(rec);
}

static int run_types(struct cli *cli, const void *options)
{
	const struct types_options *o = options;
	const struct mdev_filter filter = { o->parent, o->type };
	const char *last_parent = NULL;
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct jout j;
	int r;

	r = no_arguments(cli, "types");
	if (!r)
		r = mdev_filter_check(cli->ctx, &filter);
	if (r)
		return r;
	if (cli->quiet)
		return EXIT_OK;
	jout_buffer(stdout);
	if (cli->json)
		jout_begin(&j, stdout);
	/* each type is printed as it is read */
	vmdev_parent_foreach(cli->ctx, parent) {
		vmdev_type_foreach(parent, type) {
			struct type_record rec;

			if (!mdev_filter_match(&filter, type))
				continue;
			type_record_read(type, &rec);
			if (cli->json)
				type_record_json(&j, &rec);
			else
				type_record_text(&rec, &last_parent);
			type_record_free(&rec);
		}
	}
	if (cli->json)
		jout_end(&j);
	else if (!vmdev_parent_get_first(cli->ctx))
		hint_no_mdev_parents();
	return EXIT_OK;
}

const struct command cmd_types = {
	.name = "types",
	.usage = "types [-p PARENT] [-t TYPE]",
	.summary = "mdev types of each parent, with live available instances",
	.options = types_options,
	.options_size = sizeof(struct types_options),
	.run = run_types,
};
