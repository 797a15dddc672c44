// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IOMMU groups, their members and the viability verdict. The rule is the
 * kernel's since 5.19 (DMA ownership in the IOMMU core): a group can be
 * handed to a user only when no member is driven by a host driver that
 * does DMA on its own.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "sysfs.h"

static void group_free(struct vmdev_group *group)
{
	struct vmdev_member *m, *next;

	for (m = group->members; m; m = next) {
		next = m->next;
		free(m->name);
		free(m);
	}
	free(group);
}

void group_free_all(struct vmdev_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_groups; i++)
		group_free(ctx->groups[i]);
	free(ctx->groups);
	ctx->groups = NULL;
	ctx->n_groups = 0;
	ctx->groups_scanned = false;
}

static struct vmdev_group *group_new(struct vmdev_ctx *ctx, unsigned int number)
{
	struct vmdev_group *group = calloc(1, sizeof(*group));

	if (!group)
		return NULL;
	group->ctx = ctx;
	group->number = number;
	snprintf(group->vfio_node, sizeof(group->vfio_node), DEV_VFIO "/%u", number);
	return group;
}

/* Link the groups in array order again, after one came or went. */
static void groups_relink(struct vmdev_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_groups; i++)
		ctx->groups[i]->next = i + 1 < ctx->n_groups ? ctx->groups[i + 1] : NULL;
}

/* A group that a create made: into the model, if groups were scanned. */
int group_insert(struct vmdev_ctx *ctx, unsigned int number)
{
	struct vmdev_group **grown, *group;
	size_t at = 0;

	if (!ctx->groups_scanned)
		return 0;
	while (at < ctx->n_groups && ctx->groups[at]->number < number)
		at++;
	if (at < ctx->n_groups && ctx->groups[at]->number == number)
		return 0;
	grown = realloc(ctx->groups, (ctx->n_groups + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	ctx->groups = grown;
	group = group_new(ctx, number);
	if (!group)
		return -ENOMEM;
	memmove(&ctx->groups[at + 1], &ctx->groups[at],
		(ctx->n_groups - at) * sizeof(*grown));
	ctx->groups[at] = group;
	ctx->n_groups++;
	groups_relink(ctx);
	return 0;
}

/* A group that a remove took away: out of the model, with its members. */
void group_forget(struct vmdev_ctx *ctx, unsigned int number)
{
	for (size_t i = 0; i < ctx->n_groups; i++) {
		if (ctx->groups[i]->number != number)
			continue;
		group_free(ctx->groups[i]);
		memmove(&ctx->groups[i], &ctx->groups[i + 1],
			(ctx->n_groups - i - 1) * sizeof(*ctx->groups));
		ctx->n_groups--;
		groups_relink(ctx);
		return;
	}
}

int group_scan(struct vmdev_ctx *ctx)
{
	char **names;
	size_t count;
	int r;

	if (ctx->groups_scanned)
		return 0;
	r = sysfs_list_dir(ctx, SYS_IOMMU_GROUPS, cmp_names_numeric, &names, &count);
	if (r == -ENOENT)
		names = NULL, count = 0;
	else if (r < 0)
		return r;
	ctx->groups = calloc(count ? count : 1, sizeof(*ctx->groups));
	if (!ctx->groups) {
		free_names(names, count);
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		struct vmdev_group *group;
		unsigned int number;

		if (vmdev_parse_group(names[i], &number) < 0)
			continue;
		group = group_new(ctx, number);
		if (!group) {
			free_names(names, count);
			group_free_all(ctx);
			return -ENOMEM;
		}
		if (ctx->n_groups)
			ctx->groups[ctx->n_groups - 1]->next = group;
		ctx->groups[ctx->n_groups++] = group;
	}
	free_names(names, count);
	ctx->groups_scanned = true;
	return 0;
}

static int member_new(struct vmdev_group *group, const char *name,
		      struct vmdev_member **out)
{
	struct vmdev_member *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return -ENOMEM;
	m->group = group;
	m->kind = VMDEV_MEMBER_OTHER;
	m->name = strdup(name);
	if (!m->name) {
		free(m);
		return -ENOMEM;
	}
	if (vmdev_pci_find(group->ctx, name, &m->pci) == 0)
		m->kind = VMDEV_MEMBER_PCI;
	else if (vmdev_mdev_find(group->ctx, name, &m->mdev) == 0)
		m->kind = VMDEV_MEMBER_MDEV;
	*out = m;
	return 0;
}

static int group_scan_members(struct vmdev_group *group)
{
	struct vmdev_member **tail = &group->members;
	char path[64], **names;
	size_t count;
	int r;

	if (group->members_scanned)
		return 0;
	r = format_path(path, sizeof(path), SYS_IOMMU_GROUPS "/%u/devices",
			group->number);
	if (r < 0)
		return r;
	r = sysfs_list_dir(group->ctx, path, cmp_names, &names, &count);
	if (r < 0)
		return r;
	for (size_t i = 0; i < count && r >= 0; i++) {
		struct vmdev_member *m;

		if (vmdev_check_name(names[i]) < 0)
			continue;
		r = member_new(group, names[i], &m);
		if (r == 0) {
			*tail = m;
			tail = &m->next;
		}
	}
	free_names(names, count);
	if (r < 0)
		return r;
	group->members_scanned = true;
	return 0;
}

/**
 * vmdev_group_get_first - the first IOMMU group, in numeric order
 * @ctx: the context
 *
 * Scans /sys/kernel/iommu_groups on first use; NULL when there is none
 * (the IOMMU is off, or no device has a group).
 */
VMDEV_EXPORT struct vmdev_group *vmdev_group_get_first(struct vmdev_ctx *ctx)
{
	if (!ctx || group_scan(ctx) < 0 || ctx->n_groups == 0)
		return NULL;
	return ctx->groups[0];
}

/** vmdev_group_get_next - the group after @group, or NULL */
VMDEV_EXPORT struct vmdev_group *vmdev_group_get_next(struct vmdev_group *group)
{
	return group ? group->next : NULL;
}

/**
 * vmdev_group_find - look up an IOMMU group by number
 * @ctx: the context
 * @number: the group number
 * @group: receives the group
 *
 * Returns 0, -EINVAL for a number out of range, -ENOENT, or the scan's
 * error.
 */
VMDEV_EXPORT int vmdev_group_find(struct vmdev_ctx *ctx, unsigned int number,
				  struct vmdev_group **group)
{
	int r;

	if (!ctx || !group)
		return -EINVAL;
	*group = NULL;
	if (number > INT_MAX)
		return -EINVAL;
	r = group_scan(ctx);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ctx->n_groups; i++) {
		if (ctx->groups[i]->number == number) {
			*group = ctx->groups[i];
			return 0;
		}
	}
	return -ENOENT;
}

/** vmdev_group_get_number - the group's number */
VMDEV_EXPORT unsigned int vmdev_group_get_number(struct vmdev_group *group)
{
	return group ? group->number : 0;
}

/*
 * A noiommu group's node is /dev/vfio/noiommu-N (its class device
 * /sys/class/vfio/noiommu-N). The group's "name" file cannot tell: it reads
 * "vfio-noiommu" for the groups of emulated-IOMMU mdevs too, whose node is
 * the plain /dev/vfio/N. Looked up once per refresh: a noiommu group lives
 * only while vfio holds its device, and comes back with a new number.
 */
void group_read_node_kind(struct vmdev_group *group)
{
	char node[sizeof(group->vfio_node)], class_dev[64];

	if (group->node_kind_read)
		return;
	group->node_kind_read = true;
	if (format_path(node, sizeof(node), DEV_VFIO "/" DEV_VFIO_NOIOMMU_PREFIX "%u",
			group->number) < 0 ||
	    format_path(class_dev, sizeof(class_dev),
			SYS_CLASS_VFIO "/" DEV_VFIO_NOIOMMU_PREFIX "%u", group->number) < 0)
		return;
	if (sysfs_exists(group->ctx, node) || sysfs_exists(group->ctx, class_dev)) {
		group->noiommu = true;
		strcpy(group->vfio_node, node);
	}
}

/** vmdev_group_get_vfio_node - the host path of the group's VFIO character
 * device, whether or not it exists: "/dev/vfio/N", or "/dev/vfio/noiommu-N"
 * for a noiommu group */
VMDEV_EXPORT const char *vmdev_group_get_vfio_node(struct vmdev_group *group)
{
	if (!group)
		return NULL;
	group_read_node_kind(group);
	return group->vfio_node;
}

/** vmdev_group_vfio_node_present - whether the group's node (see
 * vmdev_group_get_vfio_node()) exists under the root now, whatever its
 * file type (read live) */
VMDEV_EXPORT bool vmdev_group_vfio_node_present(struct vmdev_group *group)
{
	return group && sysfs_exists(group->ctx, vmdev_group_get_vfio_node(group));
}

/**
 * vmdev_group_is_noiommu - whether the group is one of vfio's noiommu groups
 * @group: the group
 *
 * vfio's enable_unsafe_noiommu_mode gives a device without an IOMMU a group
 * whose node is /dev/vfio/noiommu-N: a user of it can DMA anywhere (no
 * isolation), so it is never viable. Classified by the node's name, not by
 * the group's name file (emulated-IOMMU mdev groups share that name).
 */
VMDEV_EXPORT bool vmdev_group_is_noiommu(struct vmdev_group *group)
{
	if (!group)
		return false;
	group_read_node_kind(group);
	return group->noiommu;
}

/** vmdev_member_get_first - the group's first member, in name order; NULL
 * when the group has none or its devices/ cannot be read */
VMDEV_EXPORT struct vmdev_member *vmdev_member_get_first(struct vmdev_group *group)
{
	if (!group || group_scan_members(group) < 0)
		return NULL;
	return group->members;
}

/** vmdev_member_get_next - the member after @member, or NULL */
VMDEV_EXPORT struct vmdev_member *vmdev_member_get_next(struct vmdev_member *member)
{
	return member ? member->next : NULL;
}

/** vmdev_member_get_kind - a PCI device, an mdev, or another device */
VMDEV_EXPORT enum vmdev_member_kind vmdev_member_get_kind(struct vmdev_member *member)
{
	return member ? member->kind : VMDEV_MEMBER_OTHER;
}

/** vmdev_member_get_name - the PCI address, UUID or device name */
VMDEV_EXPORT const char *vmdev_member_get_name(struct vmdev_member *member)
{
	return member ? member->name : NULL;
}

/** vmdev_member_get_pci - the PCI device of a PCI member, else NULL */
VMDEV_EXPORT struct vmdev_pci *vmdev_member_get_pci(struct vmdev_member *member)
{
	return member ? member->pci : NULL;
}

/** vmdev_member_get_mdev - the mdev of an mdev member, else NULL */
VMDEV_EXPORT struct vmdev_mdev *vmdev_member_get_mdev(struct vmdev_member *member)
{
	return member ? member->mdev : NULL;
}

/**
 * vmdev_member_get_driver - the member's driver now (read live)
 * @member: the member
 * @driver: receives a new string the caller frees, or NULL when unbound
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_member_get_driver(struct vmdev_member *member,
					 char **driver)
{
	char path[PATH_MAX];
	int r;

	if (!member || !driver)
		return -EINVAL;
	*driver = NULL;
	if (member->pci)
		return vmdev_pci_get_driver(member->pci, driver);
	if (member->mdev)
		return vmdev_mdev_get_driver(member->mdev, driver);
	r = format_path(path, sizeof(path), SYS_IOMMU_GROUPS "/%u/devices/%s/driver",
			member->group->number, member->name);
	if (r < 0)
		return r;
	r = sysfs_link_name(member->group->ctx, path, driver);
	return r == -ENOENT ? 0 : r;
}

enum vmdev_verdict verdict_for_pci(const char *driver, bool bridge)
{
	if (!driver)
		return VMDEV_VERDICT_UNBOUND;
	if (vmdev_driver_is_vfio_pci(driver))
		return VMDEV_VERDICT_VFIO;
	if (strcmp(driver, "pci-stub") == 0)
		return VMDEV_VERDICT_PCI_STUB;
	if (bridge && strcmp(driver, "pcieport") == 0)
		return VMDEV_VERDICT_BRIDGE;
	return VMDEV_VERDICT_HOST_DRIVER;
}

/**
 * vmdev_member_get_verdict - whether a member lets its group be viable
 * @member: the member
 * @verdict: receives the verdict (see enum vmdev_verdict)
 * @driver: if not NULL, receives the driver the verdict was made on (a new
 *          string the caller frees, or NULL when unbound)
 *
 * Acceptable: an unbound PCI device; vfio-pci or a variant; pci-stub; a
 * bridge on pcieport; an mdev on its mdev-bus driver (since 5.16 each
 * registers its own vfio device). Not: a host driver that owns DMA
 * (VMDEV_VERDICT_HOST_DRIVER), and an mdev without a driver
 * (VMDEV_VERDICT_MDEV_UNBOUND): it has no vfio device, so its group, which
 * holds only it, has no /dev/vfio node to hand out. Every member of a
 * noiommu group is VMDEV_VERDICT_NOIOMMU: nothing isolates it.
 *
 * Returns 0 or a negative errno from reading the driver.
 */
VMDEV_EXPORT int vmdev_member_get_verdict(struct vmdev_member *member,
					  enum vmdev_verdict *verdict,
					  char **driver)
{
	char *name = NULL;
	int r;

	if (!member || !verdict)
		return -EINVAL;
	if (driver)
		*driver = NULL;
	r = vmdev_member_get_driver(member, &name);
	if (r < 0)
		return r;
	/* an mdev without a driver has no vfio device: no /dev/vfio node */
	if (vmdev_group_is_noiommu(member->group))
		*verdict = VMDEV_VERDICT_NOIOMMU;
	else if (member->kind == VMDEV_MEMBER_MDEV)
		*verdict = name ? VMDEV_VERDICT_MDEV_DRIVER : VMDEV_VERDICT_MDEV_UNBOUND;
	else
		*verdict = verdict_for_pci(name, member->pci && member->pci->bridge);
	if (driver)
		*driver = name;
	else
		free(name);
	return 0;
}

/** vmdev_verdict_is_ok - whether @verdict keeps the group viable */
VMDEV_EXPORT bool vmdev_verdict_is_ok(enum vmdev_verdict verdict)
{
	return verdict != VMDEV_VERDICT_HOST_DRIVER && verdict != VMDEV_VERDICT_MDEV_UNBOUND &&
	       verdict != VMDEV_VERDICT_NOIOMMU;
}

/**
 * vmdev_group_is_viable - whether every member is acceptable now
 * @group: the group
 *
 * Returns 1 when viable, 0 when not (also when a member's driver cannot be
 * read, and always for a noiommu group), or a negative errno when the
 * members cannot be listed. Holders do not enter into it: a group in use
 * can still be viable.
 */
VMDEV_EXPORT int vmdev_group_is_viable(struct vmdev_group *group)
{
	struct vmdev_member *m;
	int r;

	if (!group)
		return -EINVAL;
	r = group_scan_members(group);
	if (r < 0)
		return r;
	if (vmdev_group_is_noiommu(group))
		return 0;
	vmdev_member_foreach(group, m) {
		enum vmdev_verdict verdict;

		/* a driver that cannot be read cannot be judged acceptable */
		if (vmdev_member_get_verdict(m, &verdict, NULL) < 0 ||
		    !vmdev_verdict_is_ok(verdict))
			return 0;
	}
	return 1;
}
