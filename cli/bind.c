// SPDX-License-Identifier: GPL-2.0-or-later
/* bind and unbind: PCI devices between host drivers and vfio drivers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmdevctl.h"

/* Every address parsed and found before anything is written. */
static int find_devices(struct cli *cli, const char *command, struct vmdev_pci ***out)
{
	struct vmdev_pci **pcis;

	*out = NULL;
	if (cli->n_args == 0)
		return fail_usage("%s needs a PCI address (see vmdevctl devices)", command);
	pcis = calloc((size_t)cli->n_args, sizeof(*pcis));
	if (!pcis)
		return fail(-ENOMEM, "%s", command);
	for (int i = 0; i < cli->n_args; i++) {
		char address[VMDEV_PCI_ADDR_LEN];
		int r;

		if (vmdev_parse_pci_address(cli->args[i], address) < 0) {
			free(pcis);
			return fail_usage("invalid PCI address '%s' (expected DDDD:BB:DD.F)",
					  shown(cli->args[i]));
		}
		r = vmdev_pci_find(cli->ctx, address, &pcis[i]);
		if (r < 0) {
			free(pcis);
			if (r == -ENOENT) {
				fail(0, "no PCI device %s (see vmdevctl devices)", address);
				return EXIT_NOT_FOUND;
			}
			return fail(r, "cannot read PCI device %s", address);
		}
	}
	*out = pcis;
	return 0;
}

/* A refusal as one error line with its hint; returns the exit code. */
static int refused_code(struct vmdev_pci *pci, const char *driver, enum vmdev_refusal_kind why,
			const char *detail)
{
	const char *address = vmdev_pci_get_address(pci);
	int group = vmdev_pci_get_iommu_group(pci);

	switch (why) {
	case VMDEV_REFUSAL_BRIDGE:
		fail(0, "cannot bind %s to %s: %s (bind the devices behind it)", address,
		     driver, detail);
		return EXIT_FAILED;
	case VMDEV_REFUSAL_SRIOV_PF:
		fail(0, "cannot bind %s to %s: %s, which the driver refuses (first: echo 0 > /sys/bus/pci/devices/%s/sriov_numvfs)",
		     address, driver, detail, address);
		return EXIT_FAILED;
	case VMDEV_REFUSAL_HEADER_TYPE:
		fail(0, "cannot bind %s to %s: %s", address, driver, detail);
		return EXIT_FAILED;
	case VMDEV_REFUSAL_IN_USE:
		if (driver)
			fail(0, "cannot bind %s to %s: %s (--force takes it anyway)", address,
			     driver, detail);
		else
			fail(0, "cannot unbind %s: %s (--force takes it anyway)", address, detail);
		return EXIT_BUSY;
	case VMDEV_REFUSAL_HELD:
		fail(0, "cannot %s %s: it is in use by %s (VFIO group %d or its mdevs); stop that first",
		     driver ? "rebind" : "unbind", address, detail, group);
		return EXIT_BUSY;
	default:
		return EXIT_OK;
	}
}

/* A refusal from the library, worded; returns the exit code. */
static int refused(struct vmdev_pci *pci, const char *driver,
		   const struct vmdev_refusal *refusal)
{
	enum vmdev_refusal_kind why = vmdev_refusal_get_kind(refusal);
	char *detail;
	int code;

	if (why == VMDEV_REFUSAL_NONE)
		return EXIT_OK;
	detail = refusal_text(refusal, pci, driver);
	code = refused_code(pci, driver, why, detail ? detail : "?");
	free(detail);
	return code;
}

static int check_bind(struct vmdev_pci *pci, const char *driver, unsigned int flags)
{
	struct vmdev_refusal *refusal = NULL;
	int r = vmdev_pci_check_bind(pci, driver, flags, &refusal);

	if (r < 0)
		return fail(r, "cannot check %s", vmdev_pci_get_address(pci));
	r = refused(pci, driver, refusal);
	vmdev_refusal_free(refusal);
	return r;
}

/*
 * Binding through new_id (asked, or a vfio driver without an id table such
 * as vfio-mdev-pci) binds every other driverless device with the same ids
 * too: say so on stderr, naming those there are now. Not an error.
 */
static void note_new_id(struct cli *cli, struct vmdev_pci *pci, const char *driver,
			unsigned int flags)
{
	unsigned int vendor = vmdev_pci_get_vendor(pci), device = vmdev_pci_get_device(pci);
	struct vmdev_pci **peers = NULL;
	size_t n_peers = 0;
	char *current = NULL;
	bool has_table = true, any = false;

	if (cli->quiet)
		return;
	if (!(flags & VMDEV_BIND_NEW_ID) &&
	    (vmdev_driver_has_id_table(cli->ctx, driver, &has_table) < 0 || has_table))
		return;
	vmdev_pci_get_driver(pci, &current);
	if (current && strcmp(current, driver) == 0) {
		free(current);
		return;
	}
	free(current);
	fprintf(stderr, "vmdevctl: note: %s%s is bound through new_id \"%04x %04x\": every other device with those ids and no driver gets bound to %s too",
		vmdev_pci_get_address(pci), flags & VMDEV_BIND_NEW_ID ? "" : " (the driver has no id table)",
		vendor, device, driver);
	/* the devices the kernel's new_id match and the driver's probe take */
	if (vmdev_pci_get_new_id_peers(pci, driver, &peers, &n_peers) == 0) {
		for (size_t i = 0; i < n_peers; i++) {
			fprintf(stderr, "%s%s", any ? ", " : " (now: ", vmdev_pci_get_address(peers[i]));
			any = true;
		}
		free(peers);
	}
	fprintf(stderr, "%s; the dynamic id is removed again afterwards\n", any ? ")" : "");
}

static json_object *result_json(struct vmdev_pci *pci, const char *previous)
{
	json_object *o = json_object_new_object();
	char *now = NULL;

	vmdev_pci_get_driver(pci, &now);
	json_add_string(o, "address", vmdev_pci_get_address(pci));
	json_add_string(o, "driver", now);
	json_add_string(o, "previous_driver", previous);
	free(now);
	return o;
}

/*
 * Print what was done and return STATUS: after a failure (its error is on
 * stderr already) the devices handled before it are still shown.
 */
static int print_results(struct cli *cli, json_object *array, int status)
{
	if (status && json_object_array_length(array) == 0) {
		json_object_put(array);
		return status;
	}
	if (cli->json || cli->dry_run || cli->quiet) {
		if (cli->json && !cli->dry_run)
			return json_print(cli, array) ? EXIT_FAILED : status;
		json_object_put(array);
		return status;
	}
	for (size_t i = 0; i < json_object_array_length(array); i++) {
		json_object *o = json_object_array_get_idx(array, i);

		printf("%s: %s -> %s\n",
		       json_object_get_string(json_object_object_get(o, "address")),
		       or_dash(json_object_get_string(json_object_object_get(o, "previous_driver"))),
		       or_dash(json_object_get_string(json_object_object_get(o, "driver"))));
	}
	json_object_put(array);
	return status;
}

static int bind_error(struct cli *cli, struct vmdev_pci *pci, const char *driver, int r)
{
	const char *address = vmdev_pci_get_address(pci);

	if (r == -EIO)
		return fail_code(EXIT_FAILED, "cannot bind %s to %s: the driver did not take it (see dmesg); its driver was restored",
				 address, driver);
	/* the driver was found before: ENOENT now means something vanished */
	if (r == -ENOPKG) {
		fail(0, "no driver '%s': its module loaded but registered no driver of that name",
		     shown(driver));
		return EXIT_NOT_FOUND;
	}
	if (r == -ENOTRECOVERABLE)
		return fail_code(EXIT_FAILED, "cannot bind %s to %s, and its driver could not be restored: see vmdevctl devices %s",
				 address, driver, address);
	return fail(r, "cannot bind %s to %s", address, driver);
}

static int bind_groups(struct cli *cli, struct vmdev_pci **pcis, const char *driver,
		       unsigned int flags)
{
	json_object *array = json_object_new_array(), *verdicts = json_object_new_array();
	struct vmdev_group **groups = calloc((size_t)cli->n_args, sizeof(*groups));
	size_t n = 0;
	int r = 0;

	for (int i = 0; i < cli->n_args && !r && groups; i++) {
		int number = vmdev_pci_get_iommu_group(pcis[i]);
		struct vmdev_group *group;
		struct vmdev_member *m;
		bool seen = false;

		if (number < 0 || vmdev_group_find(cli->ctx, (unsigned int)number, &group) < 0) {
			r = fail_code(EXIT_FAILED, "%s has no IOMMU group: enable the IOMMU (intel_iommu=on or amd_iommu=on) to assign it",
				 vmdev_pci_get_address(pcis[i]));
			break;
		}
		for (size_t j = 0; j < n; j++)
			seen |= groups[j] == group;
		if (seen)
			continue;
		groups[n++] = group;
		vmdev_member_foreach(group, m) {
			struct vmdev_pci *pci = vmdev_member_get_pci(m);

			if (pci && !vmdev_pci_is_bridge(pci) && (r = check_bind(pci, driver, flags)))
				break;
		}
	}
	for (size_t i = 0; i < n && !r; i++) {
		struct vmdev_member *m;
		char **previous = NULL;
		size_t k = 0, count = 0;

		vmdev_member_foreach(groups[i], m)
			count++;
		previous = calloc(count + 1, sizeof(*previous));
		vmdev_member_foreach(groups[i], m)
			if (vmdev_member_get_pci(m) && previous)
				vmdev_pci_get_driver(vmdev_member_get_pci(m), &previous[k++]);
		vmdev_member_foreach(groups[i], m)
			if (vmdev_member_get_pci(m) && !vmdev_pci_is_bridge(vmdev_member_get_pci(m)))
				note_new_id(cli, vmdev_member_get_pci(m), driver, flags);
		r = vmdev_group_bind(groups[i], driver, flags);
		if (r == -EIO)
			r = fail_code(EXIT_FAILED, "cannot bind group %u to %s: a device did not take the driver; every device was restored",
				      vmdev_group_get_number(groups[i]), driver);
		else if (r < 0)
			r = fail(r, "cannot bind group %u to %s", vmdev_group_get_number(groups[i]), driver);
		k = 0;
		vmdev_member_foreach(groups[i], m) {
			struct vmdev_pci *pci = vmdev_member_get_pci(m);

			if (!pci)
				continue;
			if (r == 0 && !vmdev_pci_is_bridge(pci))
				json_object_array_add(array, result_json(pci, previous ? previous[k] : NULL));
			if (previous)
				free(previous[k]);
			k++;
		}
		free(previous);
		if (r == 0) {
			json_object *o;
			bool viable;
			int error;

			o = group_to_json(groups[i], &viable, &error);
			if (o)
				json_object_array_add(verdicts, o);
		}
	}
	free(groups);
	if (r) {
		json_object_put(array);
		json_object_put(verdicts);
		return r;
	}
	if (!cli->json && !cli->dry_run && !cli->quiet) {
		print_results(cli, array, 0);
		for (size_t i = 0; i < json_object_array_length(verdicts); i++)
			group_print_text(json_object_array_get_idx(verdicts, i));
		json_object_put(verdicts);
		return EXIT_OK;
	}
	json_object_put(verdicts);
	return print_results(cli, array, 0);
}

int cmd_bind(struct cli *cli)
{
	const char *driver = cli->driver ? cli->driver : "vfio-pci";
	unsigned int flags = (cli->new_id ? VMDEV_BIND_NEW_ID : 0) |
			     (cli->force ? VMDEV_BIND_FORCE : 0);
	struct vmdev_pci **pcis;
	json_object *array;
	bool registered;
	int r;

	r = find_devices(cli, "bind", &pcis);
	if (r)
		return r;
	if (vmdev_driver_lookup(cli->ctx, driver, &registered) < 0) {
		free(pcis);
		fail(0, "no driver '%s': neither registered nor loadable as a module", shown(driver));
		return EXIT_NOT_FOUND;
	}
	if (cli->group_flag) {
		r = bind_groups(cli, pcis, driver, flags);
		free(pcis);
		return r;
	}
	for (int i = 0; i < cli->n_args && !r; i++)
		r = check_bind(pcis[i], driver, flags);
	array = json_object_new_array();
	for (int i = 0; i < cli->n_args && !r; i++) {
		char *previous = NULL;
		int e;

		note_new_id(cli, pcis[i], driver, flags);
		e = vmdev_pci_bind(pcis[i], driver, flags, &previous);

		if (e < 0)
			r = bind_error(cli, pcis[i], driver, e);
		else
			json_object_array_add(array, result_json(pcis[i], previous));
		free(previous);
	}
	free(pcis);
	return print_results(cli, array, r);
}

int cmd_unbind(struct cli *cli)
{
	unsigned int flags = (cli->no_probe ? VMDEV_UNBIND_NO_PROBE : 0) |
			     (cli->force ? VMDEV_UNBIND_FORCE : 0);
	struct vmdev_pci **pcis;
	json_object *array;
	int r;

	r = find_devices(cli, "unbind", &pcis);
	if (r)
		return r;
	for (int i = 0; i < cli->n_args && !r; i++) {
		struct vmdev_refusal *refusal = NULL;

		r = vmdev_pci_check_unbind(pcis[i], flags, &refusal);
		r = r < 0 ? fail(r, "cannot check %s", vmdev_pci_get_address(pcis[i]))
			  : refused(pcis[i], NULL, refusal);
		vmdev_refusal_free(refusal);
	}
	array = json_object_new_array();
	for (int i = 0; i < cli->n_args && !r; i++) {
		char *previous = NULL;
		int e = vmdev_pci_unbind(pcis[i], flags, &previous);

		if (e == -EIO)
			r = fail_code(EXIT_FAILED, "cannot unbind %s: it is still on %s", vmdev_pci_get_address(pcis[i]),
				 previous);
		else if (e < 0)
			r = fail(e, "cannot unbind %s", vmdev_pci_get_address(pcis[i]));
		else
			json_object_array_add(array, result_json(pcis[i], previous));
		free(previous);
	}
	free(pcis);
	return print_results(cli, array, r);
}
