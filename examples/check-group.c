// SPDX-License-Identifier: MIT
/*
 * Say whether the IOMMU group of a PCI device (or a group given by number)
 * can be assigned to a VM, and what spoils it: exit 0 when viable, 1 when
 * not, 2 on bad input, 3 when it does not exist.
 *
 *   ./check-group 0000:00:05.0
 *   ./check-group 7
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvmdev.h>

static int find_group(struct vmdev_ctx *ctx, const char *target,
		      struct vmdev_group **group)
{
	struct vmdev_pci *pci;
	unsigned int number;
	int r;

	if (vmdev_parse_group(target, &number) == 0)
		return vmdev_group_find(ctx, number, group);
	r = vmdev_pci_find(ctx, target, &pci);
	if (r < 0)
		return r;
	if (vmdev_pci_get_iommu_group(pci) < 0)
		return -ENODEV;
	return vmdev_group_find(ctx, (unsigned int)vmdev_pci_get_iommu_group(pci),
				group);
}

int main(int argc, char **argv)
{
	struct vmdev_ctx *ctx;
	struct vmdev_group *group;
	struct vmdev_member *member;
	struct vmdev_holder *holders;
	size_t n_holders;
	int r, viable;

	if (argc != 2) {
		fprintf(stderr, "usage: check-group ADDRESS|GROUP\n");
		return 2;
	}
	r = vmdev_new(&ctx);
	if (r < 0) {
		fprintf(stderr, "check-group: %s\n", strerror(-r));
		return 1;
	}
	r = find_group(ctx, argv[1], &group);
	if (r < 0) {
		fprintf(stderr, "check-group: %s: %s\n", argv[1], strerror(-r));
		vmdev_unref(ctx);
		return r == -EINVAL ? 2 : 3;
	}
	vmdev_member_foreach(group, member) {
		enum vmdev_verdict verdict;
		char *driver = NULL;

		if (vmdev_member_get_verdict(member, &verdict, &driver) < 0)
			continue;
		printf("%s %s %s\n", vmdev_member_get_name(member),
		       driver ? driver : "none",
		       vmdev_verdict_is_ok(verdict) ? "ok" : "host-driver");
		free(driver);
	}
	if (vmdev_group_get_holders(group, &holders, &n_holders) == 0) {
		for (size_t i = 0; i < n_holders; i++)
			printf("held by %d (%s)\n", holders[i].pid, holders[i].comm);
		free(holders);
	}
	viable = vmdev_group_is_viable(group);
	printf("group %u %s\n", vmdev_group_get_number(group),
	       viable > 0 ? "viable" : "not viable");
	vmdev_unref(ctx);
	return viable > 0 ? 0 : 1;
}
