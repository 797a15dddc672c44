// SPDX-License-Identifier: GPL-2.0-or-later
/* groups and check: IOMMU groups, their members and the viability verdict. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "refusals.h"

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

static void member_record_read(struct vmdev_group *group, struct vmdev_member *m,
			       struct member_record *rec)
{
	enum vmdev_verdict verdict = VMDEV_VERDICT_UNBOUND;

	*rec = (struct member_record){
		.kind = kind_name(vmdev_member_get_kind(m)),
		.address = vmdev_member_get_name(m),
	};
	/* an unreadable driver link cannot be judged acceptable */
	rec->ok = vmdev_member_get_verdict(m, &verdict, &rec->driver) == 0 &&
		  vmdev_verdict_is_ok(verdict);
	if (!rec->ok)
		rec->reason = member_reason(group, m, verdict, rec->driver);
}

int group_record_read(struct vmdev_group *group, struct group_record *rec)
{
	struct vmdev_member *m;
	size_t n = 0;
	int r = vmdev_group_is_viable(group);

	*rec = (struct group_record){
		.number = vmdev_group_get_number(group),
		.viable = true,
		.vfio_node = vmdev_group_get_vfio_node(group),
		.vfio_node_present = vmdev_group_vfio_node_present(group),
		.noiommu = vmdev_group_is_noiommu(group),
	};
	if (r < 0)
		return r;
	rec->viable = !rec->noiommu;
	vmdev_member_foreach(group, m)
		n++;
	rec->members = calloc(n ? n : 1, sizeof(*rec->members));
	if (!rec->members)
		return -ENOMEM;
	vmdev_member_foreach(group, m) {
		struct member_record *member = &rec->members[rec->n_members++];

		member_record_read(group, m, member);
		rec->viable &= member->ok;
	}
	vmdev_group_get_holders(group, &rec->holders, &rec->n_holders);
	group_warnings(group, &rec->warnings, &rec->n_warnings);
	return 0;
}

void group_record_free(struct group_record *rec)
{
	for (size_t i = 0; i < rec->n_members; i++) {
		free(rec->members[i].driver);
		free(rec->members[i].reason);
	}
	free(rec->members);
	free(rec->holders);
	for (size_t i = 0; i < rec->n_warnings; i++)
		free(rec->warnings[i]);
	free(rec->warnings);
	*rec = (struct group_record){ 0 };
}

void group_record_json(struct jout *j, const struct group_record *rec)
{
	jout_open_object(j, NULL);
	jout_int(j, "group", rec->number);
	jout_bool(j, "viable", rec->viable);
	jout_string(j, "vfio_node", rec->vfio_node);
	jout_bool(j, "vfio_node_present", rec->vfio_node_present);
	jout_open_array(j, "holders");
	for (size_t i = 0; i < rec->n_holders; i++) {
		jout_open_object(j, NULL);
		jout_int(j, "pid", rec->holders[i].pid);
		jout_string(j, "comm", rec->holders[i].comm);
		jout_close_object(j);
	}
	jout_close_array(j);
	jout_open_array(j, "devices");
	for (size_t i = 0; i < rec->n_members; i++) {
		const struct member_record *m = &rec->members[i];

		jout_open_object(j, NULL);
		jout_string(j, "kind", m->kind);
		jout_string(j, "address", m->address);
		jout_string(j, "driver", m->driver);
		jout_bool(j, "ok", m->ok);
		jout_string(j, "reason", m->reason);
		jout_close_object(j);
	}
	jout_close_array(j);
	jout_open_array(j, "warnings");
	for (size_t i = 0; i < rec->n_warnings; i++)
		jout_string(j, NULL, rec->warnings[i]);
	jout_close_array(j);
	jout_bool(j, "noiommu", rec->noiommu);
	jout_close_object(j);
}

void group_record_text(const struct group_record *rec)
{
	printf("group %u: %s", rec->number, rec->viable ? "viable" : "not viable");
	if (rec->vfio_node_present)
		printf(", %s", rec->vfio_node);
	for (size_t i = 0; i < rec->n_holders; i++) {
		fputs(i ? ", " : "; in use by ", stdout);
		print_utf8(rec->holders[i].comm);
		printf(" (pid %d)", rec->holders[i].pid);
	}
	putchar('\n');
	for (size_t i = 0; i < rec->n_members; i++) {
		const struct member_record *m = &rec->members[i];

		printf("  %-36s %-5s %-14s ", m->address, m->kind, or_dash(m->driver));
		print_utf8(m->ok ? "ok" : m->reason ? m->reason : "(null)");
		putchar('\n');
	}
	for (size_t i = 0; i < rec->n_warnings; i++) {
		fputs("  warning: ", stdout);
		print_utf8(rec->warnings[i]);
		putchar('\n');
	}
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

/* The groups named on the command line, each checked before any output. */
static int find_groups(struct cli *cli, struct vmdev_group **groups)
{
	for (int i = 0; i < cli->n_args; i++) {
		unsigned int number;
		int r;

		if (vmdev_parse_group(cli->args[i], &number) < 0)
			return fail_usage("invalid IOMMU group '%s' (expected 0 to 2147483647)",
					  shown(cli->args[i]));
		r = find_group(cli, number, &groups[i]);
		if (r)
			return r;
	}
	return 0;
}

static int run_groups(struct cli *cli, const void *options)
{
	struct vmdev_group **groups = NULL, *group;
	struct jout j;
	bool listed = false;
	int r;

	if (cli->n_args) {
		groups = calloc((size_t)cli->n_args, sizeof(*groups));
		if (!groups)
			return fail(-ENOMEM, "groups");
	}
	r = find_groups(cli, groups);
	if (r || cli->quiet) {
		free(groups);
		return r;
	}
	/* each group is printed as it is judged: memory does not grow with them */
	jout_buffer(stdout);
	if (cli->json)
		jout_begin(&j, stdout);
	group = cli->n_args ? groups[0] : vmdev_group_get_first(cli->ctx);
	for (int i = 0; group;) {
		struct group_record rec;

		r = group_record_read(group, &rec);
		if (r < 0 && r != -ENOENT) {
			r = fail(r, "cannot read IOMMU group %u", rec.number);
			group_record_free(&rec);
			break;
		}
		/* a group that vanished while listed is left out */
		if (r == 0 && cli->json)
			group_record_json(&j, &rec);
		else if (r == 0)
			group_record_text(&rec);
		listed |= r == 0;
		group_record_free(&rec);
		r = 0;
		if (cli->n_args)
			group = ++i < cli->n_args ? groups[i] : NULL;
		else
			group = vmdev_group_get_next(group);
	}
	if (cli->json)
		jout_end(&j);
	else if (!r && !listed && !cli->n_args && !vmdev_group_get_first(cli->ctx))
		hint_no_iommu_groups();
	free(groups);
	return r;
}

const struct command cmd_groups = {
	.name = "groups",
	.usage = "groups [GROUP...]",
	.summary = "IOMMU groups, their members and viability",
	.run = run_groups,
};

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

/* Each group once, in the order of the targets that name it. */
static int resolve_targets(struct cli *cli, struct vmdev_group **groups, size_t *n)
{
	for (int i = 0; i < cli->n_args; i++) {
		struct vmdev_group *group;
		bool seen = false;
		int r = resolve_target(cli, cli->args[i], &group);

		if (r)
			return r;
		for (size_t k = 0; k < *n; k++)
			seen |= groups[k] == group;
		if (!seen)
			groups[(*n)++] = group;
	}
	return 0;
}

/* Every verdict is made before any is printed: an error prints none. */
static int run_check(struct cli *cli, const void *options)
{
	struct vmdev_group **groups;
	struct group_record *recs = NULL;
	size_t n = 0, n_recs = 0;
	bool all_viable = true;
	struct jout j;
	int r;

	if (cli->n_args == 0)
		return fail_usage("check needs a target: a PCI address, an mdev UUID or a group number");
	groups = calloc((size_t)cli->n_args, sizeof(*groups));
	if (!groups)
		return fail(-ENOMEM, "check");
	r = resolve_targets(cli, groups, &n);
	if (!r && !(recs = calloc(n, sizeof(*recs))))
		r = fail(-ENOMEM, "check");
	for (size_t i = 0; i < n && !r; i++, n_recs++) {
		r = group_record_read(groups[i], &recs[i]);
		if (r < 0)
			r = fail(r, "cannot read IOMMU group %u", recs[i].number);
		all_viable &= recs[i].viable;
	}
	if (!r && !cli->quiet) {
		if (cli->json)
			jout_begin(&j, stdout);
		for (size_t i = 0; i < n; i++) {
			if (cli->json)
				group_record_json(&j, &recs[i]);
			else
				group_record_text(&recs[i]);
		}
		if (cli->json)
			jout_end(&j);
	}
	for (size_t i = 0; i < n_recs; i++)
		group_record_free(&recs[i]);
	free(recs);
	free(groups);
	if (r)
		return r;
	return all_viable ? EXIT_OK : EXIT_FAILED;
}

const struct command cmd_check = {
	.name = "check",
	.usage = "check TARGET...",
	.summary = "exit 0 iff every group of the targets (address, UUID, group) is viable",
	.run = run_check,
};
