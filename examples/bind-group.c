// SPDX-License-Identifier: MIT
/*
 * Make the IOMMU group of a PCI device viable in one step: bind every
 * endpoint in it to vfio-pci (bridges stay on their drivers), or put them
 * all back on failure. Then show each member's driver and the verdict.
 *
 *   ./bind-group 0000:00:04.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvmdev.h>

int main(int argc, char **argv)
{
	struct vmdev_ctx *ctx;
	struct vmdev_pci *pci;
	struct vmdev_group *group;
	struct vmdev_member *member;
	int r, viable;

	if (argc != 2) {
		fprintf(stderr, "usage: bind-group ADDRESS\n");
		return 2;
	}
	r = vmdev_new(&ctx);
	if (r < 0) {
		fprintf(stderr, "bind-group: %s\n", strerror(-r));
		return 1;
	}
	r = vmdev_pci_find(ctx, argv[1], &pci);
	if (r == 0 && vmdev_pci_get_iommu_group(pci) < 0)
		r = -ENODEV;
	if (r == 0)
		r = vmdev_group_find(ctx, (unsigned int)vmdev_pci_get_iommu_group(pci), &group);
	if (r < 0) {
		fprintf(stderr, "bind-group: %s: %s\n", argv[1], strerror(-r));
		vmdev_unref(ctx);
		return r == -EINVAL ? 2 : 3;
	}
	r = vmdev_group_bind(group, "vfio-pci", 0);
	if (r < 0)
		fprintf(stderr, "bind-group: group %u: %s\n", vmdev_group_get_number(group),
			strerror(-r));
	vmdev_member_foreach(group, member) {
		char *driver = NULL;

		vmdev_member_get_driver(member, &driver);
		printf("%s %s\n", vmdev_member_get_name(member), driver ? driver : "none");
		free(driver);
	}
	viable = vmdev_group_is_viable(group);
	printf("group %u %s\n", vmdev_group_get_number(group),
	       viable > 0 ? "viable" : "not viable");
	vmdev_unref(ctx);
	return r < 0 ? 1 : viable > 0 ? 0 : 1;
}
