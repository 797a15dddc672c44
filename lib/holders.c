// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which processes hold a VFIO group or device open: the fds in
 * /proc/PID/fd under the root that are a group node (/dev/vfio/N or
 * noiommu-N), a device's cdev (/dev/vfio/devices/vfioN), the container,
 * /dev/iommu, or a device fd got through a group (anon_inode:[vfio-device]).
 * Matched by device number (st_rdev), not by path: QEMU under libvirt runs
 * in a private /dev, where the same node may have another name. One /proc
 * walk per context refresh serves every group.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "model.h"
#include "parse.h"
#include "sysfs.h"

void vfio_users_free(struct vmdev_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_users; i++)
		free(ctx->users[i].target);
	free(ctx->users);
	ctx->users = NULL;
	ctx->n_users = 0;
	ctx->users_scanned = false;
}

/* the device number in a sysfs "dev" file at host path PATH; 0 when none */
static dev_t read_devnum(struct vmdev_ctx *ctx, const char *path)
{
	char buf[32];
	dev_t dev;

	if (sysfs_read(ctx, path, buf, sizeof(buf)) < 0 || parse_devnum(buf, &dev) < 0)
		return 0;
	return dev;
}

/* What the scan keeps an fd for: the numbers of vfio's nodes on this host. */
struct vfio_numbers {
	unsigned int group_major; /* "vfio" in /proc/devices: the group nodes */
	unsigned int cdev_major;  /* "vfio-dev": the device cdevs (6.6+) */
	dev_t container, iommu;   /* misc devices /dev/vfio/vfio, /dev/iommu */
};

/* "Character devices:" lines of /proc/devices, "NNN name" */
static bool devices_line(const char *line, void *data)
{
	struct vfio_numbers *nums = data;
	unsigned int major;
	char name[32];

	if (strncmp(line, "Block devices:", 14) == 0)
		return true;
	if (sscanf(line, "%u %31s", &major, name) != 2)
		return false;
	if (strcmp(name, "vfio") == 0)
		nums->group_major = major;
	else if (strcmp(name, "vfio-dev") == 0)
		nums->cdev_major = major;
	return false;
}

/* 0 for what this host does not have (no vfio loaded, a recorded tree) */
static void read_vfio_numbers(struct vmdev_ctx *ctx, struct vfio_numbers *nums)
{
	*nums = (struct vfio_numbers){ 0 };
	sysfs_scan_lines(ctx, PROC_DEVICES, devices_line, nums);
	nums->container = read_devnum(ctx, SYS_MISC_VFIO_DEV);
	nums->iommu = read_devnum(ctx, SYS_MISC_IOMMU_DEV);
}

enum fd_kind {
	FD_OTHER,     /* not vfio's */
	FD_NODE,      /* a group node or a device cdev: names what it holds */
	FD_DEVICE,    /* a device fd from a group: names nothing */
	FD_CONTAINER, /* /dev/vfio/vfio or /dev/iommu: holds no device by itself */
};

static enum fd_kind fd_kind(const struct vfio_numbers *nums, const char *target, dev_t rdev)
{
	if (strcmp(target, ANON_VFIO_DEVICE) == 0)
		return FD_DEVICE;
	if (rdev) {
		if ((nums->group_major && major(rdev) == nums->group_major) ||
		    (nums->cdev_major && major(rdev) == nums->cdev_major))
			return FD_NODE;
		if (rdev == nums->container || rdev == nums->iommu)
			return FD_CONTAINER;
	}
	/* a recorded tree's fd links: their text is all there is */
	if (strcmp(target, DEV_VFIO "/vfio") == 0 || strcmp(target, DEV_IOMMU) == 0)
		return FD_CONTAINER;
	if (strncmp(target, DEV_VFIO "/", strlen(DEV_VFIO "/")) == 0)
		return FD_NODE;
	return FD_OTHER;
}

static int users_add(struct vmdev_ctx *ctx, int pid, const char *comm,
		     const char *target, dev_t rdev, bool device_fd, bool cdev)
{
	struct vfio_fd_user *grown, *u;

	for (size_t i = 0; i < ctx->n_users; i++)
		if (ctx->users[i].pid == pid && ctx->users[i].rdev == rdev &&
		    !strcmp(ctx->users[i].target, target))
			return 0;
	grown = realloc(ctx->users, (ctx->n_users + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	ctx->users = grown;
	u = &ctx->users[ctx->n_users];
	*u = (struct vfio_fd_user){ .pid = pid, .rdev = rdev, .device_fd = device_fd, .cdev = cdev };
	snprintf(u->comm, sizeof(u->comm), "%s", comm);
	u->target = strdup(target);
	if (!u->target)
		return -ENOMEM;
	ctx->n_users++;
	return 0;
}

static int scan_process(struct vmdev_ctx *ctx, int proc_fd, bool procfs,
			const struct vfio_numbers *nums, const char *pid)
{
	char path[64], comm[64] = "", **fds;
	size_t count, first = ctx->n_users;
	bool names_node = false;
	int r;

	r = format_path(path, sizeof(path), "%s/fd", pid);
	if (r < 0)
		return r;
	/* gone, or not ours to look at (EACCES without root): nothing held */
	if (sysfs_list_dir_at(proc_fd, path, NULL, &fds, &count) < 0)
		return 0;
	for (size_t i = 0; i < count && r >= 0; i++) {
		char link[96], target[PATH_MAX];
		enum fd_kind kind;
		dev_t rdev = 0;

		if (format_path(link, sizeof(link), "%s/fd/%s", pid, fds[i]) < 0 ||
		    sysfs_readlink_at(proc_fd, link, target, sizeof(target)) < 0)
			continue;
		/* sockets, pipes, anon inodes: no device number to look up */
		if (target[0] == '/')
			rdev = sysfs_fd_rdev_at(ctx, proc_fd, procfs, link, target);
		kind = fd_kind(nums, target, rdev);
		if (kind == FD_OTHER)
			continue;
		names_node |= kind == FD_NODE;
		if (!comm[0] && (format_path(path, sizeof(path), "%s/comm", pid) < 0 ||
				 sysfs_read_at(proc_fd, path, comm, sizeof(comm)) < 0))
			strcpy(comm, "?");
		r = users_add(ctx, (int)strtol(pid, NULL, 10), comm, target, rdev,
			      kind == FD_DEVICE,
			      rdev && nums->cdev_major && major(rdev) == nums->cdev_major);
	}
	free_names(fds, count);
	/*
	 * A device fd keeps its group open after the group fd is closed, and
	 * nothing in /proc says which device it is (6.12 has no fdinfo for it):
	 * such a holder is counted for every group and device that vfio has
	 * (see user_holds), since an unbind under it would block.
	 */
	for (size_t i = first; i < ctx->n_users && r >= 0; i++)
		ctx->users[i].orphan = ctx->users[i].device_fd && !names_node;
	return r;
}

int vfio_users_scan(struct vmdev_ctx *ctx)
{
	_cleanup_(closep) int proc_fd = -1;
	struct vfio_numbers nums;
	char **pids;
	size_t count;
	bool procfs;
	int r = 0;

	if (ctx->users_scanned)
		return 0;
	read_vfio_numbers(ctx, &nums);
	proc_fd = sysfs_open_dir(ctx, PROC);
	procfs = proc_fd >= 0 && sysfs_is_procfs(proc_fd);
	if (proc_fd >= 0 &&
	    sysfs_list_dir_at(proc_fd, ".", cmp_names_numeric, &pids, &count) == 0) {
		for (size_t i = 0; i < count && r >= 0; i++) {
			if (strspn(pids[i], "0123456789") == strlen(pids[i]))
				r = scan_process(ctx, proc_fd, procfs, &nums, pids[i]);
		}
		free_names(pids, count);
	}
	if (r < 0) {
		vfio_users_free(ctx);
		return r;
	}
	ctx->users_scanned = true;
	return 0;
}

/*
 * /proc read again: a check before an unbind or a remove must see who
 * holds what now, not at the context's first look.
 */
int vfio_users_rescan(struct vmdev_ctx *ctx)
{
	vfio_users_free(ctx);
	return vfio_users_scan(ctx);
}

/* The nodes that hold a group or a device: host path and number. */
struct held_nodes {
	struct {
		char path[64];
		dev_t rdev; /* 0: unknown (a recorded tree), then the path decides */
	} node[3];
	size_t n;
	bool vfio_has_it; /* a node exists, or vfio has the device: for orphans */
};

/* group NUMBER's node, /dev/vfio/N or /dev/vfio/noiommu-N: both asked for */
static void add_group_nodes(struct vmdev_ctx *ctx, int number, struct held_nodes *held)
{
	static const char *const prefixes[] = { "", DEV_VFIO_NOIOMMU_PREFIX };
	char dev_file[96];

	for (size_t i = 0; i < 2 && number >= 0; i++) {
		char *path = held->node[held->n].path;

		if (format_path(path, sizeof(held->node[0].path), DEV_VFIO "/%s%d",
				prefixes[i], number) < 0 ||
		    format_path(dev_file, sizeof(dev_file), SYS_CLASS_VFIO "/%s%d/dev",
				prefixes[i], number) < 0)
			continue;
		held->node[held->n].rdev = read_devnum(ctx, dev_file);
		held->vfio_has_it |= held->node[held->n].rdev != 0 || sysfs_exists(ctx, path);
		held->n++;
	}
}

/* the cdev of the device at host path DEV_PATH, when vfio has it */
static void add_device_node(struct vmdev_ctx *ctx, const char *dev_path, struct held_nodes *held)
{
	struct vmdev_vfio_device vdev;

	if (held->n >= sizeof(held->node) / sizeof(held->node[0]) ||
	    vfio_device_read(ctx, dev_path, &vdev) < 0)
		return;
	held->vfio_has_it = true;
	snprintf(held->node[held->n].path, sizeof(held->node[0].path), "%s", vdev.node);
	held->node[held->n].rdev = vdev.has_cdev ? makedev(vdev.major, vdev.minor) : 0;
	held->n++;
}

static bool user_holds(const struct vfio_fd_user *u, const struct held_nodes *held)
{
	if (u->device_fd)
		return u->orphan && held->vfio_has_it;
	for (size_t i = 0; i < held->n; i++) {
		if (u->rdev && held->node[i].rdev) {
			if (u->rdev == held->node[i].rdev)
				return true;
		} else if (strcmp(u->target, held->node[i].path) == 0) {
			return true;
		}
	}
	return false;
}

static bool holder_listed(struct vmdev_holder *list, size_t n, int pid)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].pid == pid)
			return true;
	return false;
}

/* The parent of process PID, from /proc/PID/stat ("PID (COMM) STATE PPID
 * ..."; COMM may hold spaces and parentheses): 0 when unknown. */
static int parent_of(struct vmdev_ctx *ctx, int pid)
{
	char path[64], stat[512], *end;
	int ppid = 0;

	if (format_path(path, sizeof(path), PROC "/%d/stat", pid) < 0 ||
	    sysfs_read(ctx, path, stat, sizeof(stat)) < 0)
		return 0;
	end = strrchr(stat, ')');
	if (!end || sscanf(end + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

/* Whether PID is this process or one of its ancestors: the line of
 * callers that asked for the change. */
static bool in_callers_line(struct vmdev_ctx *ctx, int pid)
{
	int p = getpid();

	for (int depth = 0; p > 0 && depth < 64; depth++) {
		if (p == pid)
			return true;
		if (p == 1)
			break;
		p = parent_of(ctx, p);
	}
	return false;
}

/*
 * Whether user U is excused with vmdev_set_callers_may_hold(): a process
 * of the caller's line that holds only group nodes. A device fd or a cdev
 * (a device of the group held) is never excused: the kernel's remove would
 * wait for it to close while the caller waits for us.
 */
static bool excused(struct vmdev_ctx *ctx, const struct vfio_fd_user *u)
{
	if (!ctx->callers_may_hold || !ctx_is_host(ctx) || !in_callers_line(ctx, u->pid))
		return false;
	for (size_t i = 0; i < ctx->n_users; i++) {
		const struct vfio_fd_user *o = &ctx->users[i];

		if (o->pid == u->pid && (o->device_fd || o->cdev))
			return false;
	}
	return true;
}

/* The scanned users that hold a node of one of N_HELD HELD, one entry per
 * process; EXCUSE: without those excused() (a refusal's check). */
static int collect(struct vmdev_ctx *ctx, const struct held_nodes *held, size_t n_held,
		   bool excuse, struct vmdev_holder **holders, size_t *count)
{
	struct vmdev_holder *list = NULL;
	size_t n = 0;

	for (size_t i = 0; i < ctx->n_users; i++) {
		struct vfio_fd_user *u = &ctx->users[i];
		struct vmdev_holder *grown;
		bool held_here = false;

		for (size_t h = 0; h < n_held && !held_here; h++)
			held_here = user_holds(u, &held[h]);
		if (!held_here || holder_listed(list, n, u->pid) ||
		    (excuse && excused(ctx, u)))
			continue;
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown) {
			free(list);
			return -ENOMEM;
		}
		list = grown;
		list[n].pid = u->pid;
		snprintf(list[n].comm, sizeof(list[n].comm), "%s", u->comm);
		n++;
	}
	*holders = list;
	*count = n;
	return 0;
}

/**
 * vmdev_group_get_holders - the processes that hold the group open
 * @group: the group
 * @holders: receives an array the caller frees with free(), or NULL when
 *           there is none
 * @count: receives the number of holders
 *
 * A holder has the group's node (/dev/vfio/N or noiommu-N) or the cdev of
 * one of its devices (/dev/vfio/devices/vfioN) open, found by device
 * number whatever path its mount namespace gives the node; or a device fd
 * whose group fd it has closed (the kernel then keeps the group open, and
 * does not say which device the fd is: such a process is counted for every
 * group that vfio has). /dev/iommu or the container alone holds no device.
 * /proc under the root is read once per vmdev_refresh(); without root
 * privileges only the caller's own processes are visible.
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_group_get_holders(struct vmdev_group *group,
					 struct vmdev_holder **holders,
					 size_t *count)
{
	struct held_nodes *held;
	struct vmdev_member *m;
	size_t n_held = 1;
	int r;

	if (!group || !holders || !count)
		return -EINVAL;
	*holders = NULL;
	*count = 0;
	r = vfio_users_scan(group->ctx);
	if (r < 0 || group->ctx->n_users == 0)
		return r;
	vmdev_member_foreach(group, m)
		n_held++;
	held = calloc(n_held, sizeof(*held));
	if (!held)
		return -ENOMEM;
	add_group_nodes(group->ctx, (int)group->number, &held[0]);
	n_held = 1;
	vmdev_member_foreach(group, m) {
		const char *path = m->pci ? m->pci->path : m->mdev ? m->mdev->path : NULL;

		if (path)
			add_device_node(group->ctx, path, &held[n_held++]);
	}
	/* an orphan device fd needs vfio to have something of this group */
	for (size_t i = 1; i < n_held; i++)
		held[0].vfio_has_it |= held[i].vfio_has_it;
	for (size_t i = 1; i < n_held; i++)
		held[i].vfio_has_it = false;
	r = collect(group->ctx, held, n_held, false, holders, count);
	free(held);
	return r;
}

/**
 * vmdev_set_callers_may_hold - let the caller's own line hold a group
 * @ctx: the context
 * @allow: true: a process that is this one or one of its ancestors and
 *         holds only group nodes (no device fd, no cdev) does not make a
 *         remove or an unbind refuse; false (the default): every holder does
 *
 * For a tool run by the process that asks for the change while it holds
 * the group: libvirt's nodedev-destroy opens the mdev's group (to prove no
 * VM has it) and keeps it open while "mdevctl stop" runs. Removing the
 * device under a bare group fd is what the kernel allows; a device fd or
 * a cdev still refuses, since the kernel would wait for it to close while
 * the caller waits for us. Only on the running system (not under a root).
 *
 * Returns 0, or -EINVAL without a context.
 */
VMDEV_EXPORT int vmdev_set_callers_may_hold(struct vmdev_ctx *ctx, bool allow)
{
	if (!ctx)
		return -EINVAL;
	ctx->callers_may_hold = allow;
	return 0;
}

/*
 * Who holds group GROUP (its node; -1 for none) or the cdev of the device
 * at host path DEV_PATH open, by the last /proc scan (see
 * vfio_users_rescan()): before an unbind or a remove, which would pull the
 * device from under them (group fd only) or block in the kernel until they
 * exit (device fd or cdev). HOLDERS is NULL and COUNT 0 when nobody does;
 * one entry per process.
 */
int holders_of(struct vmdev_ctx *ctx, int group, const char *dev_path,
	       struct vmdev_holder **holders, size_t *count)
{
	struct held_nodes held = { .n = 0 };
	int r;

	*holders = NULL;
	*count = 0;
	r = vfio_users_scan(ctx);
	if (r < 0 || ctx->n_users == 0)
		return r;
	add_group_nodes(ctx, group, &held);
	if (dev_path)
		add_device_node(ctx, dev_path, &held);
	return collect(ctx, &held, 1, true, holders, count);
}
