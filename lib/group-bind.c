// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Binding a whole IOMMU group as one transaction: every endpoint checked
 * before anything is written, each bound in address order, and on any
 * failure every device that moved put back where it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "policy.h"

/* A device as it was before the group bind wrote anything. */
struct was {
	struct vmdev_pci *pci;
	char *driver, *override;
};

static void was_free(struct was *was, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(was[i].driver);
		free(was[i].override);
	}
	free(was);
}

/* A member's chosen variant must be there before any member moves. */
static int variant_findable(struct vmdev_pci *pci)
{
	_cleanup_(freep) char *driver = NULL, *module = NULL;
	enum vmdev_driver_choice choice;
	int r = vfio_driver_choose(pci, &driver, &module, &choice);

	if (r < 0 || !module)
		return r;
	return vfio_variant_available(pci->ctx, module);
}

/*
 * Check every endpoint of GROUP and record how it is now. Any refusal or
 * unreadable driver ends it before a write: a driver that cannot be read
 * must not be recorded as "none", or a rollback would unbind a device
 * that had a host driver.
 */
static int group_record(struct vmdev_group *group, const char *driver, unsigned int flags,
			struct was **out, size_t *count)
{
	struct vmdev_member *m;
	struct was *was = NULL;
	size_t n = 0;
	int r = 0;

	*out = NULL;
	*count = 0;
	vmdev_member_foreach(group, m) {
		struct vmdev_refusal *refusal = NULL;
		struct was *grown;

		if (!m->pci || m->pci->bridge)
			continue;
		r = vmdev_pci_check_bind(m->pci, driver, flags, &refusal);
		if (r == 0)
			r = refusal_errno(refusal);
		vmdev_refusal_free(refusal);
		if (r == 0 && !driver)
			r = variant_findable(m->pci);
		if (r < 0)
			break;
		grown = realloc(was, (n + 1) * sizeof(*was));
		if (!grown) {
			r = -ENOMEM;
			break;
		}
		was = grown;
		was[n] = (struct was){ m->pci, NULL, NULL };
		n++;
		r = vmdev_pci_get_driver(m->pci, &was[n - 1].driver);
		if (r == 0)
			r = vmdev_pci_get_driver_override(m->pci, &was[n - 1].override);
		if (r == -ENOENT)
			r = 0; /* a kernel without driver_override */
		if (r < 0)
			break;
	}
	if (r < 0) {
		was_free(was, n);
		return r;
	}
	*out = was;
	*count = n;
	return 0;
}

/**
 * vmdev_group_bind - bind every endpoint of a group to a driver
 * @group: the IOMMU group
 * @driver: the driver ("vfio-pci"), or NULL for each endpoint's own
 *          choice (vmdev_pci_choose_vfio_driver(): a variant where its
 *          alias matches, else vfio-pci)
 * @flags: as for vmdev_pci_bind()
 *
 * Makes a group viable in one step: checks every PCI endpoint (bridges are
 * left on their drivers) and reads its driver and override before writing
 * anything, binds them in address order, and on any failure puts every
 * device that moved (also one a new_id bind took along) back where it was.
 *
 * Returns 0, the first refusal's or failing vmdev_pci_bind()'s error, a
 * read's error or -ENOENT for a member's chosen variant that is neither
 * loaded nor found (nothing written), or -ENOTRECOVERABLE when a device
 * could not be put back.
 */
VMDEV_EXPORT int vmdev_group_bind(struct vmdev_group *group, const char *driver,
				  unsigned int flags)
{
	struct was *was;
	size_t n;
	int r;

	if (!group)
		return -EINVAL;
	r = group_record(group, driver, flags, &was, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		r = vmdev_pci_bind(was[i].pci, driver, flags, NULL);
		if (r == 0)
			continue;
		/* vmdev_pci_bind restored this one; put back every other that moved */
		for (size_t j = 0; j < n && !group->ctx->dry_run; j++) {
			_cleanup_(freep) char *now = NULL;

			if (j == i)
				continue;
			if (vmdev_pci_get_driver(was[j].pci, &now) == 0 &&
			    (now ? was[j].driver && strcmp(now, was[j].driver) == 0 : !was[j].driver))
				continue;
			if (!pci_restore(was[j].pci, was[j].driver, was[j].override))
				r = -ENOTRECOVERABLE;
		}
		break;
	}
	was_free(was, n);
	return r;
}
