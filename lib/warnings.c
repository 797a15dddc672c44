// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What a group's viability verdict does not show: vfio-mdev-pci's
 * IOMMU-backed mdevs sit in groups of their own, which hides a physical
 * group split between consumers and a parent that is not alone in its
 * group (see mdev-pci.c). Structured warnings; the caller words them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

struct vmdev_warning {
	struct vmdev_warning *next;
	enum vmdev_warning_kind kind;
	struct vmdev_group *group;
	struct vmdev_member *member;
	char *driver;
	struct vmdev_parent *wrapped;
};

struct warnings {
	struct vmdev_warning *first, **tail;
	int r;
};

static struct vmdev_warning *warn(struct warnings *w, enum vmdev_warning_kind kind,
				  struct vmdev_group *group, struct vmdev_parent *wrapped)
{
	struct vmdev_warning *n;

	if (w->r < 0)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n) {
		w->r = -ENOMEM;
		return NULL;
	}
	n->kind = kind;
	n->group = group;
	n->wrapped = wrapped;
	*w->tail = n;
	w->tail = &n->next;
	return n;
}

static bool has_mdevs(struct vmdev_parent *parent)
{
	struct vmdev_type *type;

	vmdev_type_foreach(parent, type)
		if (type->mdevs)
			return true;
	return false;
}

/* The wrapped parent with mdevs behind a PCI member, or NULL. */
static struct vmdev_parent *wrapped_parent(struct vmdev_pci *pci)
{
	struct vmdev_parent *parent;

	if (!pci || !pci->mdev_parent ||
	    vmdev_parent_find(pci->ctx, pci->address, &parent) < 0 ||
	    !vmdev_parent_is_wrapped_pci(parent) || !has_mdevs(parent))
		return NULL;
	return parent;
}

static size_t group_size(struct vmdev_group *group)
{
	struct vmdev_member *m;
	size_t n = 0;

	vmdev_member_foreach(group, m)
		n++;
	return n;
}

/* A member on a vfio driver in the same group as a wrapped parent. */
static void warn_split(struct vmdev_group *group, struct warnings *w)
{
	struct vmdev_member *m, *wm;

	vmdev_member_foreach(group, wm) {
		struct vmdev_parent *parent = wrapped_parent(wm->pci);

		if (!parent)
			continue;
		vmdev_member_foreach(group, m) {
			struct vmdev_warning *n;
			char *driver = NULL;

			if (m == wm || !m->pci || vmdev_pci_get_driver(m->pci, &driver) < 0 ||
			    !vmdev_driver_is_vfio_pci(driver)) {
				free(driver);
				continue;
			}
			n = warn(w, VMDEV_WARNING_SPLIT, group, parent);
			if (!n) {
				free(driver);
				return;
			}
			n->member = m;
			n->driver = driver;
		}
	}
}

/* A wrapped parent in GROUP that is not alone there. */
static void warn_parents_not_alone(struct vmdev_group *group, struct warnings *w)
{
	struct vmdev_member *wm;

	if (group_size(group) < 2)
		return;
	vmdev_member_foreach(group, wm) {
		struct vmdev_parent *parent = wrapped_parent(wm->pci);

		if (parent)
			warn(w, VMDEV_WARNING_PARENT_NOT_ALONE, group, parent);
	}
}

/* An IOMMU-backed mdev in GROUP whose parent is not alone in its group. */
static void warn_mdevs_parent_not_alone(struct vmdev_group *group, struct warnings *w)
{
	struct vmdev_member *m;

	vmdev_member_foreach(group, m) {
		struct vmdev_warning *n;
		struct vmdev_group *pg;
		struct vmdev_pci *pci;

		if (!m->mdev || !vmdev_type_is_mdev_pci(m->mdev->type))
			continue;
		pci = vmdev_parent_get_pci(m->mdev->type->parent);
		if (!pci || pci->iommu_group < 0 ||
		    vmdev_group_find(group->ctx, (unsigned int)pci->iommu_group, &pg) < 0 ||
		    group_size(pg) < 2)
			continue;
		n = warn(w, VMDEV_WARNING_MDEV_PARENT_NOT_ALONE, pg, m->mdev->type->parent);
		if (n)
			n->member = m;
	}
}

/**
 * vmdev_group_get_warnings - what the viability verdict does not show
 * @group: the group
 * @first: receives the first warning, or NULL when there is none; the
 *         caller frees the list with vmdev_warnings_free()
 *
 * Warns about a physical group split between consumers (one member on
 * vfio-pci or a variant, another wrapped by vfio-mdev-pci with an mdev,
 * which sits in a group of its own), and about an IOMMU-backed mdev
 * (vfio-mdev-pci's) whose parent is not alone in its group: on the
 * parent's group and on the mdev's. Warnings do not change the verdict.
 * Drivers are read live.
 *
 * Returns 0 or -ENOMEM.
 */
VMDEV_EXPORT int vmdev_group_get_warnings(struct vmdev_group *group,
					  struct vmdev_warning **first)
{
	struct warnings w = { NULL, NULL, 0 };

	if (!group || !first)
		return -EINVAL;
	w.tail = &w.first;
	warn_split(group, &w);
	warn_parents_not_alone(group, &w);
	warn_mdevs_parent_not_alone(group, &w);
	if (w.r < 0) {
		vmdev_warnings_free(w.first);
		w.first = NULL;
	}
	*first = w.first;
	return w.r;
}

/** vmdev_warning_get_next - the warning after @warning, or NULL */
VMDEV_EXPORT struct vmdev_warning *vmdev_warning_get_next(struct vmdev_warning *warning)
{
	return warning ? warning->next : NULL;
}

/** vmdev_warnings_free - free a list from vmdev_group_get_warnings() */
VMDEV_EXPORT void vmdev_warnings_free(struct vmdev_warning *first)
{
	while (first) {
		struct vmdev_warning *next = first->next;

		free(first->driver);
		free(first);
		first = next;
	}
}

/** vmdev_warning_get_kind - what the warning is about */
VMDEV_EXPORT enum vmdev_warning_kind vmdev_warning_get_kind(struct vmdev_warning *warning)
{
	return warning ? warning->kind : VMDEV_WARNING_SPLIT;
}

/** vmdev_warning_get_group - the group concerned: the one asked about, or
 * for VMDEV_WARNING_MDEV_PARENT_NOT_ALONE the parent's group */
VMDEV_EXPORT struct vmdev_group *vmdev_warning_get_group(struct vmdev_warning *warning)
{
	return warning ? warning->group : NULL;
}

/** vmdev_warning_get_member - VMDEV_WARNING_SPLIT: the member on a vfio
 * driver; VMDEV_WARNING_MDEV_PARENT_NOT_ALONE: the mdev; else NULL */
VMDEV_EXPORT struct vmdev_member *vmdev_warning_get_member(struct vmdev_warning *warning)
{
	return warning ? warning->member : NULL;
}

/** vmdev_warning_get_driver - VMDEV_WARNING_SPLIT: the member's driver as
 * it was read; else NULL */
VMDEV_EXPORT const char *vmdev_warning_get_driver(struct vmdev_warning *warning)
{
	return warning ? warning->driver : NULL;
}

/** vmdev_warning_get_wrapped - the parent wrapped by vfio-mdev-pci */
VMDEV_EXPORT struct vmdev_parent *vmdev_warning_get_wrapped(struct vmdev_warning *warning)
{
	return warning ? warning->wrapped : NULL;
}
