// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which processes hold a VFIO group (or its devices' iommufd cdevs) open:
 * the fds in /proc/PID/fd under the root that point into /dev/vfio. One
 * /proc walk per context refresh serves every group.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
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

static int users_add(struct vmdev_ctx *ctx, int pid, const char *comm,
		     const char *target)
{
	struct vfio_fd_user *grown, *u;

	for (size_t i = 0; i < ctx->n_users; i++)
		if (ctx->users[i].pid == pid && !strcmp(ctx->users[i].target, target))
			return 0;
	grown = realloc(ctx->users, (ctx->n_users + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	ctx->users = grown;
	u = &ctx->users[ctx->n_users];
	u->pid = pid;
	snprintf(u->comm, sizeof(u->comm), "%s", comm);
	u->target = strdup(target);
	if (!u->target)
		return -ENOMEM;
	ctx->n_users++;
	return 0;
}

static int scan_process(struct vmdev_ctx *ctx, int proc_fd, const char *pid)
{
	char path[64], comm[64] = "", **fds;
	size_t count;
	int r;

	r = format_path(path, sizeof(path), "%s/fd", pid);
	if (r < 0)
		return r;
	/* gone, or not ours to look at (EACCES without root): nothing held */
	if (sysfs_list_dir_at(proc_fd, path, NULL, &fds, &count) < 0)
		return 0;
	for (size_t i = 0; i < count && r >= 0; i++) {
		char link[96], target[PATH_MAX];

		if (format_path(link, sizeof(link), "%s/fd/%s", pid, fds[i]) < 0)
			continue;
		if (sysfs_readlink_at(proc_fd, link, target, sizeof(target)) < 0 ||
		    strncmp(target, DEV_VFIO "/", strlen(DEV_VFIO "/")) != 0)
			continue;
		if (!comm[0] && (format_path(path, sizeof(path), "%s/comm", pid) < 0 ||
				 sysfs_read_at(proc_fd, path, comm, sizeof(comm)) < 0))
			strcpy(comm, "?");
		r = users_add(ctx, (int)strtol(pid, NULL, 10), comm, target);
	}
	free_names(fds, count);
	return r;
}

int vfio_users_scan(struct vmdev_ctx *ctx)
{
	_cleanup_(closep) int proc_fd = -1;
	char **pids;
	size_t count;
	int r = 0;

	if (ctx->users_scanned)
		return 0;
	proc_fd = sysfs_open_dir(ctx, PROC);
	if (proc_fd >= 0 &&
	    sysfs_list_dir_at(proc_fd, ".", cmp_names_numeric, &pids, &count) == 0) {
		for (size_t i = 0; i < count && r >= 0; i++) {
			if (strspn(pids[i], "0123456789") == strlen(pids[i]))
				r = scan_process(ctx, proc_fd, pids[i]);
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

/* Whether TARGET is the iommufd cdev ("/dev/vfio/devices/vfioX") of a member. */
static bool is_member_cdev(struct vmdev_group *group, const char *target)
{
	static const char prefix[] = DEV_VFIO_DEVICES;
	struct vmdev_member *m;
	const char *cdev;
	bool found = false;

	if (strncmp(target, prefix, sizeof(prefix) - 1) != 0)
		return false;
	cdev = target + sizeof(prefix) - 1;
	vmdev_member_foreach(group, m) {
		const char *path = m->pci ? m->pci->path : m->mdev ? m->mdev->path : NULL;
		char dir[PATH_MAX];

		if (!path ||
		    format_path(dir, sizeof(dir), "%s/vfio-dev/%s", path, cdev) < 0)
			continue;
		if (sysfs_exists(group->ctx, dir))
			found = true;
	}
	return found;
}

static bool holder_listed(struct vmdev_holder *list, size_t n, int pid)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].pid == pid)
			return true;
	return false;
}

/**
 * vmdev_group_get_holders - the processes that hold the group open
 * @group: the group
 * @holders: receives an array the caller frees with free(), or NULL when
 *           there is none
 * @count: receives the number of holders
 *
 * A holder has /dev/vfio/N, or the iommufd cdev of one of the group's
 * devices, open. /proc under the root is read once per vmdev_refresh();
 * without root privileges only the caller's own processes are visible.
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_group_get_holders(struct vmdev_group *group,
					 struct vmdev_holder **holders,
					 size_t *count)
{
	struct vmdev_ctx *ctx;
	struct vmdev_holder *list = NULL;
	size_t n = 0;
	int r;

	if (!group || !holders || !count)
		return -EINVAL;
	*holders = NULL;
	*count = 0;
	ctx = group->ctx;
	r = vfio_users_scan(ctx);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ctx->n_users; i++) {
		struct vfio_fd_user *u = &ctx->users[i];
		struct vmdev_holder *grown;

		if (strcmp(u->target, group->vfio_node) != 0 &&
		    !is_member_cdev(group, u->target))
			continue;
		if (holder_listed(list, n, u->pid))
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

/*
 * /proc read again: a check before an unbind or a remove must see who
 * holds what now, not at the context's first look.
 */
int vfio_users_rescan(struct vmdev_ctx *ctx)
{
	vfio_users_free(ctx);
	return vfio_users_scan(ctx);
}

/*
 * Who holds group GROUP (/dev/vfio/N; -1 for none) or the iommufd cdev of
 * the device at host path DEV_PATH open, by the last /proc scan (see
 * vfio_users_rescan()): before an unbind or a remove, which would pull the
 * device from under them (group fd only) or block in the kernel until they
 * exit (device fd). HOLDERS is NULL and COUNT 0 when nobody does; one
 * entry per process.
 */
int holders_of(struct vmdev_ctx *ctx, int group, const char *dev_path,
	       struct vmdev_holder **holders, size_t *count)
{
	char node[32], cdev_dir[PATH_MAX];
	char **cdevs = NULL;
	size_t n_cdevs = 0, n = 0;
	struct vmdev_holder *list = NULL;
	int r;

	*holders = NULL;
	*count = 0;
	r = vfio_users_scan(ctx);
	if (r < 0)
		return r;
	r = format_path(node, sizeof(node), DEV_VFIO "/%d", group);
	if (r < 0)
		return r;
	if (dev_path) {
		r = format_path(cdev_dir, sizeof(cdev_dir), "%s/vfio-dev", dev_path);
		if (r == 0)
			r = sysfs_list_dir(ctx, cdev_dir, NULL, &cdevs, &n_cdevs);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	for (size_t i = 0; i < ctx->n_users; i++) {
		struct vfio_fd_user *u = &ctx->users[i];
		bool held = group >= 0 && strcmp(u->target, node) == 0;
		struct vmdev_holder *grown;

		for (size_t c = 0; c < n_cdevs && !held; c++)
			held = strncmp(u->target, DEV_VFIO_DEVICES, strlen(DEV_VFIO_DEVICES)) == 0 &&
			       strcmp(u->target + strlen(DEV_VFIO_DEVICES), cdevs[c]) == 0;
		if (!held || holder_listed(list, n, u->pid))
			continue;
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown) {
			free(list);
			free_names(cdevs, n_cdevs);
			return -ENOMEM;
		}
		list = grown;
		list[n].pid = u->pid;
		snprintf(list[n].comm, sizeof(list[n].comm), "%s", u->comm);
		n++;
	}
	free_names(cdevs, n_cdevs);
	*holders = list;
	*count = n;
	return 0;
}
