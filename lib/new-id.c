// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What a bind through new_id takes along. Writing "VVVV DDDD" to a
 * driver's new_id makes the kernel probe every driverless device with
 * those ids against it; it skips a device whose driver_override names
 * another driver, and the driver's probe refuses what vmdev_pci_check_bind()
 * would refuse for the device's state (a bridge, an SR-IOV PF with VFs, a
 * header type it cannot take).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* Whether new_id for DRIVER would bind OTHER, now. */
static int taken_along(struct vmdev_pci *other, const char *driver, bool *taken)
{
	_cleanup_(freep) char *current = NULL, *override = NULL;
	struct vmdev_refusal *refusal = NULL;
	int r;

	*taken = false;
	r = vmdev_pci_get_driver(other, &current);
	if (r < 0 || current)
		return r;
	r = vmdev_pci_get_driver_override(other, &override);
	if (r < 0 && r != -ENOENT)
		return r;
	if (override && strcmp(override, driver) != 0)
		return 0;
	/* only the probe's refusals: the host cannot use a driverless device */
	r = vmdev_pci_check_bind(other, driver, VMDEV_BIND_FORCE, &refusal);
	if (r < 0)
		return r;
	*taken = refusal == NULL;
	vmdev_refusal_free(refusal);
	return 0;
}

/**
 * vmdev_pci_get_new_id_peers - the other devices a new_id bind would take
 * @pci: the device being bound through @driver's new_id
 * @driver: the driver
 * @peers: receives an array of devices (the caller frees the array, not
 *         the devices), or NULL when there is none
 * @count: receives how many
 *
 * The devices with @pci's vendor and device ids that have no driver now,
 * whose driver_override is empty or @driver, and which @driver's probe
 * would take (see vmdev_pci_check_bind()). Read live.
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_pci_get_new_id_peers(struct vmdev_pci *pci, const char *driver,
					    struct vmdev_pci ***peers, size_t *count)
{
	struct vmdev_pci *other, **list = NULL;
	size_t n = 0;
	int r;

	if (!pci || !peers || !count)
		return -EINVAL;
	*peers = NULL;
	*count = 0;
	r = vmdev_check_name(driver);
	if (r < 0)
		return r;
	vmdev_pci_foreach(pci->ctx, other) {
		struct vmdev_pci **grown;
		bool taken;

		if (other == pci || other->vendor != pci->vendor || other->device != pci->device)
			continue;
		r = taken_along(other, driver, &taken);
		if (r < 0) {
			free(list);
			return r;
		}
		if (!taken)
			continue;
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown) {
			free(list);
			return -ENOMEM;
		}
		list = grown;
		list[n++] = other;
	}
	*peers = list;
	*count = n;
	return 0;
}
