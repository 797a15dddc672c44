// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SR-IOV as sysfs shows it: on a physical function (PF) sriov_totalvfs,
 * sriov_numvfs, sriov_drivers_autoprobe, sriov_vf_device, sriov_offset,
 * sriov_stride and a virtfnN link per virtual function (VF); on a VF a
 * physfn link back to its PF. Facts only, read live: the count and the
 * VFs change whenever someone writes sriov_numvfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "parse.h"
#include "sysfs.h"

#define SRIOV_MAX_VFS 65535 /* the capability's 16-bit TotalVFs */

static int attr_path(struct vmdev_pci *pci, const char *attr, char *buf, size_t size)
{
	return format_path(buf, size, SYS_PCI_DEVICES "/%s/%s", pci->address, attr);
}

/*
 * A decimal attribute of the device (sriov_totalvfs, sriov_offset, ...);
 * -ENOENT where the device has none (not an SR-IOV PF).
 */
int sriov_read_number(struct vmdev_pci *pci, const char *attr, unsigned int *value)
{
	char path[128], buf[32], *end;
	unsigned long number;
	int r;

	r = attr_path(pci, attr, path, sizeof(path));
	if (r < 0)
		return r;
	r = sysfs_read(pci->ctx, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	errno = 0;
	number = strtoul(buf, &end, 10);
	if (end == buf || *end || errno || number > SRIOV_MAX_VFS)
		return -EINVAL;
	*value = (unsigned int)number;
	return 0;
}

/**
 * vmdev_pci_get_sriov_totalvfs - how many VFs the PF can have (read live)
 * @pci: the device
 * @totalvfs: receives the number
 *
 * Returns 0, -ENOENT when the device is not an SR-IOV PF (a VF, or a
 * device without the capability or without a kernel that enables it), or
 * another errno.
 */
VMDEV_EXPORT int vmdev_pci_get_sriov_totalvfs(struct vmdev_pci *pci, unsigned int *totalvfs)
{
	if (!pci || !totalvfs)
		return -EINVAL;
	return sriov_read_number(pci, "sriov_totalvfs", totalvfs);
}

/**
 * vmdev_pci_get_sriov_autoprobe - whether new VFs are probed by host
 * drivers (sriov_drivers_autoprobe, read live)
 * @pci: the PF
 * @autoprobe: receives the flag
 *
 * With autoprobe off, a new VF gets a driver only through driver_override
 * and drivers_probe. Returns 0, -ENOENT when the device is not an SR-IOV
 * PF, or another errno.
 */
VMDEV_EXPORT int vmdev_pci_get_sriov_autoprobe(struct vmdev_pci *pci, bool *autoprobe)
{
	unsigned int value;
	int r;

	if (!pci || !autoprobe)
		return -EINVAL;
	r = sriov_read_number(pci, "sriov_drivers_autoprobe", &value);
	if (r < 0)
		return r;
	if (value > 1)
		return -EINVAL;
	*autoprobe = value == 1;
	return 0;
}

/**
 * vmdev_pci_get_sriov_vf_device - the PCI device id the PF's VFs have,
 * known before they exist (sriov_vf_device, read live)
 * @pci: the PF
 * @device: receives the id
 *
 * Returns 0, -ENOENT when the device is not an SR-IOV PF (or the kernel is
 * older than 5.8), or another errno.
 */
VMDEV_EXPORT int vmdev_pci_get_sriov_vf_device(struct vmdev_pci *pci, unsigned int *device)
{
	char path[128], buf[16], *end;
	unsigned long id;
	int r;

	if (!pci || !device)
		return -EINVAL;
	r = attr_path(pci, "sriov_vf_device", path, sizeof(path));
	if (r < 0)
		return r;
	r = sysfs_read(pci->ctx, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	/* the kernel prints it as "%x", without 0x */
	errno = 0;
	id = strtoul(buf, &end, 16);
	if (end == buf || *end || errno || id > 0xffff)
		return -EINVAL;
	*device = (unsigned int)id;
	return 0;
}

/* "virtfn12" -> 12; -1 for another name */
static long virtfn_index(const char *name)
{
	char *end;
	long index;

	if (strncmp(name, "virtfn", 6) != 0 || name[6] < '0' || name[6] > '9')
		return -1;
	index = strtol(name + 6, &end, 10);
	return *end || index > SRIOV_MAX_VFS ? -1 : index;
}

static int cmp_virtfn(const void *a, const void *b)
{
	long x = virtfn_index(*(char *const *)a), y = virtfn_index(*(char *const *)b);

	return x < y ? -1 : x > y;
}

/*
 * The addresses the PF's virtfnN links point at now, in VF order; an
 * empty list (0) for a PF without VFs or a device that is no PF.
 */
int sriov_vf_addresses(struct vmdev_pci *pf, char (**addresses)[VMDEV_PCI_ADDR_LEN],
		       size_t *count)
{
	_cleanup_(closep) int fd = -1;
	char dir[64], **names = NULL;
	char (*list)[VMDEV_PCI_ADDR_LEN] = NULL;
	size_t n_names = 0, n = 0;
	int r;

	*addresses = NULL;
	*count = 0;
	r = format_path(dir, sizeof(dir), SYS_PCI_DEVICES "/%s", pf->address);
	if (r < 0)
		return r;
	fd = sysfs_open_dir(pf->ctx, dir);
	if (fd < 0)
		return fd;
	r = sysfs_list_dir_at(fd, ".", cmp_virtfn, &names, &n_names);
	if (r < 0)
		return r;
	list = calloc(n_names ? n_names : 1, sizeof(*list));
	if (!list) {
		free_names(names, n_names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_names && r >= 0; i++) {
		char *target = NULL;

		if (virtfn_index(names[i]) < 0)
			continue;
		r = sysfs_link_name_at(fd, names[i], &target);
		if (r == -ENOENT) { /* going away while we look */
			r = 0;
			continue;
		}
		if (r == 0 && (vmdev_parse_pci_address(target, list[n]) < 0 ||
			       strcmp(target, list[n]) != 0))
			r = -EINVAL;
		free(target);
		if (r == 0)
			n++;
	}
	free_names(names, n_names);
	if (r < 0) {
		free(list);
		return r;
	}
	*addresses = list;
	*count = n;
	return 0;
}

/*
 * The routing ID of VF INDEX is the PF's plus sriov_offset plus INDEX
 * times sriov_stride (the SR-IOV capability's First VF Offset and VF
 * Stride): where a VF will appear before it does (dry runs).
 */
int sriov_vf_address(struct vmdev_pci *pf, unsigned int index,
		     char address[VMDEV_PCI_ADDR_LEN])
{
	unsigned int domain, bus, dev, fn, offset, stride;
	unsigned long rid;
	int r;

	if (sscanf(pf->address, "%x:%x:%x.%x", &domain, &bus, &dev, &fn) != 4)
		return -EINVAL;
	r = sriov_read_number(pf, "sriov_offset", &offset);
	if (r == 0)
		r = sriov_read_number(pf, "sriov_stride", &stride);
	if (r < 0)
		return r;
	rid = (bus << 8 | dev << 3 | fn) + offset + (unsigned long)index * stride;
	if (rid > 0xffff)
		return -ERANGE;
	snprintf(address, VMDEV_PCI_ADDR_LEN, "%04x:%02lx:%02lx.%lx", domain, rid >> 8,
		 (rid >> 3) & 0x1f, rid & 7);
	return 0;
}

/**
 * vmdev_pci_get_vfs - the PF's VFs now (virtfnN links, read live)
 * @pf: the PF
 * @vfs: receives an array in VF order (virtfn0 first) the caller frees
 *       with free(), NULL when there is none; the devices are the model's
 * @count: receives how many
 *
 * A VF that appeared after the scan is added to the model (with its IOMMU
 * group, where groups were read). A device that is no PF has none.
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_pci_get_vfs(struct vmdev_pci *pf, struct vmdev_pci ***vfs,
				   size_t *count)
{
	char (*addresses)[VMDEV_PCI_ADDR_LEN];
	struct vmdev_pci **list;
	size_t n;
	int r;

	if (!pf || !vfs || !count)
		return -EINVAL;
	*vfs = NULL;
	*count = 0;
	r = sriov_vf_addresses(pf, &addresses, &n);
	if (r < 0)
		return r;
	list = n ? calloc(n, sizeof(*list)) : NULL;
	if (n && !list) {
		free(addresses);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct vmdev_pci *vf;

		r = pci_insert(pf->ctx, addresses[i], &vf);
		if (r == -ENOENT) { /* taken away while we looked */
			r = 0;
			continue;
		}
		if (r == 0 && vf->iommu_group >= 0)
			r = group_insert(pf->ctx, (unsigned int)vf->iommu_group);
		if (r == 0)
			list[(*count)++] = vf;
	}
	free(addresses);
	if (r < 0) {
		*count = 0;
		free(list);
		return r;
	}
	*vfs = *count ? list : NULL;
	if (!*count)
		free(list);
	return 0;
}

/**
 * vmdev_pci_get_physfn - the PF of a VF (its physfn link, read live)
 * @vf: the device
 * @pf: receives the PF, a device of the model
 *
 * Returns 0, -ENOENT when @vf is not a VF, or another errno.
 */
VMDEV_EXPORT int vmdev_pci_get_physfn(struct vmdev_pci *vf, struct vmdev_pci **pf)
{
	_cleanup_(freep) char *name = NULL;
	char path[128];
	int r;

	if (!vf || !pf)
		return -EINVAL;
	*pf = NULL;
	r = attr_path(vf, "physfn", path, sizeof(path));
	if (r < 0)
		return r;
	r = sysfs_link_name(vf->ctx, path, &name);
	if (r < 0)
		return r;
	return vmdev_pci_find(vf->ctx, name, pf);
}
