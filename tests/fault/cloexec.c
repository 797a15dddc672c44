// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every fd the library keeps or opens is O_CLOEXEC: exercise each API
 * family (lists, groups and viability, holders, a dry-run create and bind,
 * a monitor) on a recorded tree, keep the context and monitor open, then
 * (1) every open fd above 2 must have FD_CLOEXEC, and (2) a fork+exec of
 * this program as a checker must see no fd above 2 but its own listing.
 *
 * Fds the caller had open before the library ran are not the library's.
 *
 * usage: cloexec UNPACKED-TREE        (cloexec --check FDS: the checker)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvmdev.h>

static int failures;
static char before[1024]; /* fds open before the library ran: the caller's */

static void note_open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;

	while (dir && (de = readdir(dir))) {
		int fd = atoi(de->d_name);

		if (fd >= 0 && fd < (int)sizeof(before) && fd != dirfd(dir))
			before[fd] = 1;
	}
	if (dir)
		closedir(dir);
}

static bool ours(int fd)
{
	return fd > 2 && (fd >= (int)sizeof(before) || !before[fd]);
}

static void expect(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	failures += !ok;
}

/* the checker: fds above 2, other than the one listing /proc/self/fd */
static int check_child(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	int leaked = 0;

	if (!dir)
		return 2;
	while ((de = readdir(dir))) {
		int fd = atoi(de->d_name);
		char target[256] = "";

		if (de->d_name[0] == '.' || !ours(fd) || fd == dirfd(dir))
			continue;
		snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
		{
			char link[256];
			ssize_t n = readlink(target, link, sizeof(link) - 1);

			link[n > 0 ? n : 0] = '\0';
			fprintf(stderr, "inherited fd %d -> %s\n", fd, link);
		}
		leaked++;
	}
	closedir(dir);
	return leaked ? 1 : 0;
}

static void on_action(struct vmdev_ctx *ctx, enum vmdev_action action, const char *target,
		      const char *value, void *data)
{
	(*(int *)data)++;
}

int main(int argc, char **argv)
{
	struct vmdev_ctx *ctx, *host;
	struct vmdev_monitor *monitor = NULL;
	struct vmdev_pci *pci;
	struct vmdev_group *group;
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct vmdev_mdev *mdev;
	struct vmdev_mdev *created;
	int actions = 0, flagged = 0, status, r;
	DIR *dir;
	struct dirent *de;
	pid_t pid;

	if (argc == 3 && strcmp(argv[1], "--check") == 0) {
		/* the parent's list of fds it had before the library ran */
		for (char *p = argv[2]; *p; p++)
			before[p - argv[2]] = *p == '1';
		return check_child();
	}
	note_open_fds();
	if (argc != 2) {
		fprintf(stderr, "usage: %s UNPACKED-TREE\n", argv[0]);
		return 2;
	}
	expect(vmdev_new(&ctx) == 0 && vmdev_set_root(ctx, argv[1]) == 0, "context on the tree");
	/* lists, with live reads */
	vmdev_pci_foreach(ctx, pci) {
		char *driver = NULL, *override = NULL;
		unsigned int vfs;

		vmdev_pci_get_driver(pci, &driver);
		vmdev_pci_get_driver_override(pci, &override);
		vmdev_pci_get_sriov_numvfs(pci, &vfs);
		vmdev_pci_get_vendor_name(pci);
		vmdev_pci_is_boot_vga(pci);
		free(driver);
		free(override);
	}
	vmdev_parent_foreach(ctx, parent) {
		vmdev_type_foreach(parent, type) {
			unsigned int n;

			vmdev_type_get_available_instances(type, &n);
		}
	}
	vmdev_mdev_foreach(ctx, mdev) {
		char *driver = NULL;

		vmdev_mdev_get_driver(mdev, &driver);
		free(driver);
	}
	/* groups, viability, holders (of the tree, and of this host's /proc) */
	vmdev_group_foreach(ctx, group) {
		struct vmdev_holder *holders = NULL;
		size_t count = 0;

		vmdev_group_is_viable(group);
		if (vmdev_group_get_holders(group, &holders, &count) == 0)
			free(holders);
	}
	expect(vmdev_new(&host) == 0 && vmdev_set_root(host, "/") == 0, "a context on this host");
	vmdev_group_foreach(host, group) {
		struct vmdev_holder *holders = NULL;
		size_t count = 0;

		if (vmdev_group_get_holders(group, &holders, &count) == 0)
			free(holders);
	}
	/* the write path, dry run: a create and a bind (module lookup included) */
	vmdev_set_dry_run(ctx, true);
	vmdev_set_action_fn(ctx, on_action, &actions);
	r = vmdev_parent_find(ctx, "mtty", &parent);
	if (r == 0 && vmdev_type_find(parent, "mtty-1", &type) == 0)
		vmdev_mdev_create(type, NULL, &created);
	if (vmdev_pci_find(ctx, "0000:00:03.0", &pci) == 0) {
		vmdev_pci_bind(pci, "vfio-pci", 0, NULL);
		vmdev_pci_unbind(pci, 0, NULL);
	}
	if (vmdev_group_find(ctx, 3, &group) == 0)
		vmdev_group_bind(group, "vfio-pci", 0);
	expect(actions >= 3, "the dry-run create and binds reported their writes");
	/* a monitor, kept open */
	r = vmdev_monitor_new(ctx, &monitor);
	if (r < 0)
		printf("# no monitor here (%s): its fd is not checked\n", strerror(-r));

	/* (1) every fd above 2 has FD_CLOEXEC */
	dir = opendir("/proc/self/fd");
	while (dir && (de = readdir(dir))) {
		int fd = atoi(de->d_name);
		int flags;

		if (de->d_name[0] == '.' || !ours(fd) || fd == dirfd(dir))
			continue;
		flags = fcntl(fd, F_GETFD);
		if (flags >= 0 && !(flags & FD_CLOEXEC)) {
			fprintf(stderr, "fd %d lacks FD_CLOEXEC\n", fd);
			flagged++;
		}
	}
	if (dir)
		closedir(dir);
	expect(flagged == 0, "every fd the library holds open has FD_CLOEXEC");

	/* (2) a child exec'd now inherits none */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char list[sizeof(before) + 1];

		for (size_t i = 0; i < sizeof(before); i++)
			list[i] = before[i] ? '1' : '0';
		list[sizeof(before)] = '\0';
		execl("/proc/self/exe", argv[0], "--check", list, (char *)NULL);
		_exit(3);
	}
	expect(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0, "a fork+exec'd child inherits no fd beyond 0-2");

	vmdev_monitor_unref(monitor);
	vmdev_unref(host);
	vmdev_unref(ctx);
	return failures ? 1 : 0;
}
