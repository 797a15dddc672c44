// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the host visibly uses a PCI device for: the boot display, a network
 * interface that is up, a block device below it that is mounted or swap.
 * Facts only, read live; whether that refuses a bind is policy (refusal.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "parse.h"
#include "sysfs.h"

#define IFF_UP 0x1
#define BLOCK_WALK_DEPTH 8

static int device_dir(struct vmdev_pci *pci, const char *attr, char *buf, size_t size)
{
	return format_path(buf, size, SYS_PCI_DEVICES "/%s%s%s", pci->address,
			   attr ? "/" : "", attr ? attr : "");
}

/* A network interface of the device that is up ("eth0"): 1, 0 or -errno. */
static int interface_up(struct vmdev_pci *pci, struct host_use *use)
{
	char dir[128], path[PATH_MAX], **names;
	size_t count;
	int r, found = 0;

	r = device_dir(pci, "net", dir, sizeof(dir));
	if (r < 0)
		return r;
	r = sysfs_list_dir(pci->ctx, dir, cmp_names, &names, &count);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < count && !found; i++) {
		unsigned int flags;
		char buf[32];

		if (format_path(path, sizeof(path), "%s/%s/flags", dir, names[i]) < 0 ||
		    sysfs_read(pci->ctx, path, buf, sizeof(buf)) <= 0 ||
		    parse_hex_attr(buf, &flags) < 0 || !(flags & IFF_UP))
			continue;
		use->name = strdup(names[i]);
		found = use->name ? 1 : -ENOMEM;
		use->use = VMDEV_HOST_USE_INTERFACE;
	}
	free_names(names, count);
	return found;
}

struct mount_match {
	const char *majmin;
	char *mount_point;
};

/* /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..." */
static bool mount_line_is(const char *line, void *data)
{
	struct mount_match *m = data;
	char field[32], point[PATH_MAX];

	if (sscanf(line, "%*s %*s %31s %*s %4095s", field, point) != 2 ||
	    strcmp(field, m->majmin) != 0)
		return false;
	m->mount_point = strdup(point);
	return true;
}

/* /proc/swaps: "/dev/NAME partition SIZE USED PRIO" */
static bool swap_line_is(const char *line, void *data)
{
	const char *name = data;
	size_t len = strcspn(line, " \t");

	return len == strlen(name) + 5 && strncmp(line, "/dev/", 5) == 0 &&
	       strncmp(line + 5, name, len - 5) == 0;
}

/* Whether the block device NAME (with "dev" MAJMIN) is mounted or swap. */
static int block_used(struct vmdev_ctx *ctx, const char *name, const char *majmin,
		      struct host_use *use)
{
	struct mount_match m = { majmin, NULL };
	int r;

	/* without /proc there is nothing to see: not an error */
	r = sysfs_scan_lines(ctx, PROC_MOUNTINFO, mount_line_is, &m);
	if (r > 0) {
		use->use = VMDEV_HOST_USE_MOUNTED;
		use->mount_point = m.mount_point;
	} else {
		r = sysfs_scan_lines(ctx, PROC_SWAPS, swap_line_is, (void *)name);
		if (r > 0)
			use->use = VMDEV_HOST_USE_SWAP;
	}
	if (r <= 0)
		return 0;
	use->name = strdup(name);
	return use->name && (use->use != VMDEV_HOST_USE_MOUNTED || use->mount_point)
		       ? 1 : -ENOMEM;
}

/*
 * A mounted or swapped-on block device below the device (disks and their
 * partitions): 1, 0 or -errno. Walks real directories only, never links,
 * a few levels deep.
 */
static int block_mounted(struct vmdev_ctx *ctx, int dir_fd, int depth,
			 struct host_use *use)
{
	char **names;
	size_t count;
	int r, found = 0;

	if (depth > BLOCK_WALK_DEPTH)
		return 0;
	r = sysfs_list_dir_at(dir_fd, ".", NULL, &names, &count);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	for (size_t i = 0; i < count && !found; i++) {
		_cleanup_(closep) int sub = -1;
		char dev[32];

		if (names[i][0] == '.')
			continue;
		sub = sysfs_open_subdir_at(dir_fd, names[i]);
		if (sub < 0)
			continue; /* a link or an attribute */
		/* a block device (disk or partition) has a "dev" and a "stat" */
		if (sysfs_exists_at(sub, "stat") && sysfs_read_at(sub, "dev", dev, sizeof(dev)) > 0)
			found = block_used(ctx, names[i], dev, use);
		if (!found)
			found = block_mounted(ctx, sub, depth + 1, use);
	}
	free_names(names, count);
	return found;
}

/*
 * What the host visibly uses @pci for, now: USE->use is
 * VMDEV_HOST_USE_NONE when nothing. Returns 0 or a negative errno.
 */
int pci_host_use(struct vmdev_pci *pci, struct host_use *use)
{
	_cleanup_(closep) int fd = -1;
	char dir[64];
	int r;

	*use = (struct host_use){ VMDEV_HOST_USE_NONE, NULL, NULL };
	if (vmdev_pci_is_boot_vga(pci)) {
		use->use = VMDEV_HOST_USE_BOOT_VGA;
		return 0;
	}
	r = interface_up(pci, use);
	if (r != 0)
		return r < 0 ? r : 0;
	r = device_dir(pci, NULL, dir, sizeof(dir));
	if (r < 0)
		return r;
	fd = sysfs_open_dir(pci->ctx, dir);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	r = block_mounted(pci->ctx, fd, 0, use);
	return r < 0 ? r : 0;
}

void host_use_clear(struct host_use *use)
{
	free(use->name);
	free(use->mount_point);
	*use = (struct host_use){ VMDEV_HOST_USE_NONE, NULL, NULL };
}
