// SPDX-License-Identifier: GPL-2.0-or-later
/* groups and check: IOMMU groups, their members and the viability verdict. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "vmdevctl.h"

static const char *kind_name(enum vmdev_member_kind kind)
{
	switch (kind) {
	case VMDEV_MEMBER_PCI:
		return "pci";
	case VMDEV_MEMBER_MDEV:
		return "mdev";
	default:
		return "other";
	}
}

/* Why a member spoils its group, and what to do about it. */
static char *spoil_reason(struct vmdev_group *group, struct vmdev_member *member,
			  const char *driver)
{
	const char *name = vmdev_member_get_name(member);
	struct vmdev_member *m, *first = NULL;
	int n_pci = 0;
	char *reason = NULL;
	int r;

	vmdev_member_foreach(group, m) {
		if (vmdev_member_get_kind(m) != VMDEV_MEMBER_PCI ||
		    vmdev_pci_is_bridge(vmdev_member_get_pci(m)))
			continue;
		if (!first)
			first = m;
		n_pci++;
	}
	if (vmdev_member_get_kind(member) != VMDEV_MEMBER_PCI)
		r = asprintf(&reason, "%s is bound to host driver %s: unbind it", name,
			     driver);
	else if (strcmp(driver, VMDEV_MDEV_PCI_DRIVER) == 0)
		/* its mdev has a group of its own, which hides this one */
		r = asprintf(&reason,
			     "%s is wrapped by %s: assign its mdev instead, or give the whole group to vfio-pci (vmdevctl bind --group %s)",
			     name, driver, name);
	else if (n_pci > 1 && first)
		r = asprintf(&reason,
			     "%s is bound to host driver %s: bind it too (vmdevctl bind --group %s)",
			     name, driver, vmdev_member_get_name(first));
	else
		r = asprintf(&reason,
			     "%s is bound to host driver %s: bind it to vfio-pci (vmdevctl bind %s)",
			     name, driver, name);
	return r < 0 ? NULL : reason;
}

/* An mdev without a driver: its group has no /dev/vfio node to hand out. */
static char *unbound_mdev_reason(struct vmdev_member *member)
{
	struct vmdev_mdev *mdev = vmdev_member_get_mdev(member);
	const char *uuid = vmdev_member_get_name(member);
	char *driver = NULL, *reason = NULL;
	int r;

	if (mdev && vmdev_parent_get_mdev_driver(vmdev_mdev_get_parent(mdev), &driver) == 0)
		r = asprintf(&reason, "mdev %s has no driver, so its group has no /dev/vfio node: bind it to %s (echo %s > /sys/bus/mdev/drivers/%s/bind)",
			     uuid, driver, uuid, driver);
	else
		r = asprintf(&reason, "mdev %s has no driver, so its group has no /dev/vfio node: bind it to its parent's mdev driver (see /sys/bus/mdev/drivers)",
			     uuid);
	free(driver);
	return r < 0 ? NULL : reason;
}

/* What the verdict does not show (a split group, a parent not alone for
 * its IOMMU-backed mdev): never changes the verdict or the exit code. */
static json_object *group_warnings_json(struct vmdev_group *group)
{
	json_object *array = json_object_new_array();
	struct vmdev_warning *first = NULL, *w;

	if (vmdev_group_get_warnings(group, &first) < 0)
		return array;
	vmdev_warning_foreach(first, w) {
		char *text = warning_text(group, w);

		if (text)
			json_object_array_add(array, json_string(text));
		free(text);
	}
	vmdev_warnings_free(first);
	return array;
}

/* A group's verdict as JSON; NULL, with *ERROR set, when its members
 * cannot be read (vanished: -ENOENT; not ours to read: -EACCES). */
json_object *group_to_json(struct vmdev_group *group, bool *viable, int *error)
{
	json_object *o = json_object_new_object();
	json_object *devices = json_object_new_array(), *holders = json_object_new_array();
	struct vmdev_holder *list = NULL;
	struct vmdev_member *m;
	size_t n = 0;
	int r = vmdev_group_is_viable(group);

	*error = r < 0 ? r : 0;
	if (r < 0) {
		json_object_put(o);
		json_object_put(devices);
		json_object_put(holders);
		return NULL;
	}

	*viable = true;
	vmdev_member_foreach(group, m) {
		json_object *d = json_object_new_object();
		enum vmdev_verdict verdict = VMDEV_VERDICT_UNBOUND;
		char *driver = NULL, *reason = NULL;
		bool ok;

		/* an unreadable driver link cannot be judged acceptable */
		ok = vmdev_member_get_verdict(m, &verdict, &driver) == 0 &&
		     vmdev_verdict_is_ok(verdict);
		if (!ok) {
			*viable = false;
			reason = verdict == VMDEV_VERDICT_MDEV_UNBOUND ? unbound_mdev_reason(m)
				 : driver ? spoil_reason(group, m, driver)
					  : strdup("its driver cannot be read");
		}
		json_add_string(d, "kind", kind_name(vmdev_member_get_kind(m)));
		json_add_string(d, "address", vmdev_member_get_name(m));
		json_add_string(d, "driver", driver);
		json_add_bool(d, "ok", ok);
		json_add_string(d, "reason", reason);
		json_object_array_add(devices, d);
		free(driver);
		free(reason);
	}
	vmdev_group_get_holders(group, &list, &n);
	for (size_t i = 0; i < n; i++) {
		json_object *h = json_object_new_object();

		json_add_int(h, "pid", list[i].pid);
		json_add_string(h, "comm", list[i].comm);
		json_object_array_add(holders, h);
	}
	free(list);

	json_add_int(o, "group", vmdev_group_get_number(group));
	json_add_bool(o, "viable", *viable);
	json_add_string(o, "vfio_node", vmdev_group_get_vfio_node(group));
	json_add_bool(o, "vfio_node_present", vmdev_group_vfio_node_present(group));
	json_object_object_add(o, "holders", holders);
	json_object_object_add(o, "devices", devices);
	json_object_object_add(o, "warnings", group_warnings_json(group));
	return o;
}

static const char *get_string(json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

void group_print_text(json_object *o)
{
	json_object *holders = json_object_object_get(o, "holders");
	json_object *devices = json_object_object_get(o, "devices");
	json_object *warnings = json_object_object_get(o, "warnings");
	size_t n_holders = json_object_array_length(holders);

	printf("group %s: %s", get_string(o, "group"),
	       json_object_get_boolean(json_object_object_get(o, "viable"))
		       ? "viable" : "not viable");
	if (json_object_get_boolean(json_object_object_get(o, "vfio_node_present")))
		printf(", %s", get_string(o, "vfio_node"));
	for (size_t i = 0; i < n_holders; i++) {
		json_object *h = json_object_array_get_idx(holders, i);

		printf("%s%s (pid %s)", i ? ", " : "; in use by ", get_string(h, "comm"),
		       get_string(h, "pid"));
	}
	putchar('\n');
	for (size_t i = 0; i < json_object_array_length(devices); i++) {
		json_object *d = json_object_array_get_idx(devices, i);
		bool ok = json_object_get_boolean(json_object_object_get(d, "ok"));

		printf("  %-36s %-5s %-14s %s\n", get_string(d, "address"),
		       get_string(d, "kind"), or_dash(get_string(d, "driver")),
		       ok ? "ok" : get_string(d, "reason"));
	}
	for (size_t i = 0; i < json_object_array_length(warnings); i++)
		printf("  warning: %s\n",
		       json_object_get_string(json_object_array_get_idx(warnings, i)));
}

static int print_groups(struct cli *cli, json_object *array)
{
	if (cli->json)
		return json_print(cli, array);
	for (size_t i = 0; !cli->quiet && i < json_object_array_length(array); i++)
		group_print_text(json_object_array_get_idx(array, i));
	json_object_put(array);
	return EXIT_OK;
}

static int find_group(struct cli *cli, unsigned int number, struct vmdev_group **group)
{
	int r = vmdev_group_find(cli->ctx, number, group);

	if (r == -ENOENT) {
		fail(0, "no IOMMU group %u (see vmdevctl groups)", number);
		return EXIT_NOT_FOUND;
	}
	if (r < 0)
		return fail(r, "cannot read IOMMU group %u", number);
	return 0;
}

int cmd_groups(struct cli *cli)
{
	struct vmdev_group **groups = NULL, *group;
	struct jout j;
	bool viable;
	int r = 0;

	if (cli->n_args) {
		groups = calloc((size_t)cli->n_args, sizeof(*groups));
		if (!groups)
			return fail(-ENOMEM, "groups");
	}
	for (int i = 0; i < cli->n_args && !r; i++) {
		unsigned int number;

		if (vmdev_parse_group(cli->args[i], &number) < 0)
			r = fail_usage("invalid IOMMU group '%s' (expected 0 to 2147483647)",
				       shown(cli->args[i]));
		else
			r = find_group(cli, number, &groups[i]);
	}
	if (r) {
		free(groups);
		return r;
	}
	if (cli->quiet) {
		free(groups);
		return EXIT_OK;
	}
	/* each group is printed as it is judged: memory does not grow with them */
	jout_buffer(stdout);
	if (cli->json)
		jout_begin(&j, stdout);
	group = cli->n_args ? groups[0] : vmdev_group_get_first(cli->ctx);
	for (int i = 0; group;) {
		json_object *o = group_to_json(group, &viable, &r);

		if (!o && r != -ENOENT) {
			r = fail(r, "cannot read IOMMU group %u", vmdev_group_get_number(group));
			break;
		}
		/* a group that vanished while listed is left out */
		if (o && cli->json)
			jout_value(&j, NULL, o);
		else if (o)
			group_print_text(o);
		json_object_put(o);
		r = 0;
		if (cli->n_args)
			group = ++i < cli->n_args ? groups[i] : NULL;
		else
			group = vmdev_group_get_next(group);
	}
	if (cli->json)
		jout_end(&j);
	free(groups);
	return r;
}

/* The group a check target (group number, PCI address or mdev UUID) is in. */
static int resolve_target(struct cli *cli, const char *target, struct vmdev_group **group)
{
	unsigned int number;
	char id[VMDEV_UUID_LEN];
	struct vmdev_pci *pci;
	struct vmdev_mdev *mdev;
	int n, r;

	if (vmdev_parse_group(target, &number) == 0)
		return find_group(cli, number, group);
	if (vmdev_parse_pci_address(target, id) == 0) {
		r = vmdev_pci_find(cli->ctx, id, &pci);
		if (r == -ENOENT) {
			fail(0, "no PCI device %s (see vmdevctl devices)", id);
			return EXIT_NOT_FOUND;
		}
		if (r < 0)
			return fail(r, "cannot read PCI device %s", id);
		n = vmdev_pci_get_iommu_group(pci);
		if (n < 0)
			return fail_code(EXIT_FAILED, "%s has no IOMMU group: enable the IOMMU (intel_iommu=on or amd_iommu=on) to assign it",
				    id);
		return find_group(cli, (unsigned int)n, group);
	}
	if (vmdev_parse_uuid(target, id) == 0) {
		r = vmdev_mdev_find(cli->ctx, id, &mdev);
		if (r == -ENOENT) {
			fail(0, "no mdev %s (see vmdevctl list)", id);
			return EXIT_NOT_FOUND;
		}
		if (r < 0)
			return fail(r, "cannot read mdev %s", id);
		n = vmdev_mdev_get_iommu_group(mdev);
		if (n < 0)
			return fail_code(EXIT_FAILED, "mdev %s has no IOMMU group: is it bound to its driver?",
				    id);
		return find_group(cli, (unsigned int)n, group);
	}
	return fail_usage("invalid target '%s' (expected a PCI address, an mdev UUID or a group number)",
			  shown(target));
}

int cmd_check(struct cli *cli)
{
	struct vmdev_group **groups;
	json_object *array;
	size_t n = 0;
	bool all_viable = true;
	int r = 0;

	if (cli->n_args == 0)
		return fail_usage("check needs a target: a PCI address, an mdev UUID or a group number");
	groups = calloc((size_t)cli->n_args, sizeof(*groups));
	if (!groups)
		return fail(-ENOMEM, "check");
	for (int i = 0; i < cli->n_args && !r; i++) {
		struct vmdev_group *group;
		bool seen = false;

		r = resolve_target(cli, cli->args[i], &group);
		for (size_t j = 0; !r && j < n; j++)
			seen |= groups[j] == group;
		if (!r && !seen)
			groups[n++] = group;
	}
	if (r) {
		free(groups);
		return r;
	}
	array = json_object_new_array();
	for (size_t i = 0; i < n && !r; i++) {
		json_object *o;
		bool viable;

		o = group_to_json(groups[i], &viable, &r);
		if (!o) {
			r = fail(r, "cannot read IOMMU group %u", vmdev_group_get_number(groups[i]));
			break;
		}
		json_object_array_add(array, o);
		all_viable &= viable;
	}
	if (r) {
		free(groups);
		json_object_put(array);
		return r;
	}
	free(groups);
	print_groups(cli, array);
	return all_viable ? EXIT_OK : EXIT_FAILED;
}
