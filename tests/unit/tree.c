// SPDX-License-Identifier: LGPL-2.1-or-later
/* Fake sysfs trees for the unit tests: see tree.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"

static int join(char *buf, size_t size, const char *root, const char *path)
{
	int n = snprintf(buf, size, "%s/%s", root, path);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

char *tree_new(void)
{
	const char *tmp = getenv("TMPDIR");
	char *root;

	if (asprintf(&root, "%s/vmdev-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return NULL;
	if (!mkdtemp(root)) {
		free(root);
		return NULL;
	}
	return root;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

static int remove_path(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? -errno : 0;
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

int tree_remove(const char *root)
{
	return root ? remove_path(root) : 0;
}

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			int r = -errno;

			*p = '/';
			return r;
		}
		*p = '/';
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* mkdir -p the directory that will hold PATH. */
static int make_parent(char *full)
{
	char *slash = strrchr(full, '/');
	int r;

	if (!slash || slash == full)
		return 0;
	*slash = '\0';
	r = mkdir_p(full);
	*slash = '/';
	return r;
}

int tree_mkdir(const char *root, const char *path)
{
	char full[PATH_MAX];
	int r = join(full, sizeof(full), root, path);

	return r < 0 ? r : mkdir_p(full);
}

int tree_write_bytes(const char *root, const char *path, const void *data,
		     size_t size)
{
	char full[PATH_MAX];
	int fd, r = join(full, sizeof(full), root, path);

	if (r == 0)
		r = make_parent(full);
	if (r < 0)
		return r;
	fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (size && write(fd, data, size) != (ssize_t)size)
		r = -EIO;
	close(fd);
	return r;
}

int tree_write(const char *root, const char *path, const char *content)
{
	return tree_write_bytes(root, path, content, strlen(content));
}

int tree_symlink(const char *root, const char *path, const char *target)
{
	char full[PATH_MAX];
	int r = join(full, sizeof(full), root, path);

	if (r == 0)
		r = make_parent(full);
	if (r < 0)
		return r;
	if (unlink(full) < 0 && errno != ENOENT)
		return -errno;
	return symlink(target, full) < 0 ? -errno : 0;
}

int tree_unlink(const char *root, const char *path)
{
	char full[PATH_MAX];
	int r = join(full, sizeof(full), root, path);

	return r < 0 ? r : remove_path(full);
}

bool tree_resolves(const char *root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	return join(full, sizeof(full), root, path) == 0 && stat(full, &st) == 0;
}

int tree_add_pci(const char *root, const char *addr, unsigned int class_code,
		 const char *driver, int group)
{
	static const char *const ids[][2] = {
		{ "vendor", "0x8086\n" },
		{ "device", "0x1234\n" },
		{ "subsystem_vendor", "0x1af4\n" },
		{ "subsystem_device", "0x1100\n" },
		{ "revision", "0x02\n" },
	};
	char dir[256], path[PATH_MAX], target[PATH_MAX], value[32];
	int r;

	snprintf(dir, sizeof(dir), "sys/devices/pci0000:00/%s", addr);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ids[i][0]);
		r = tree_write(root, path, ids[i][1]);
		if (r < 0)
			return r;
	}
	snprintf(path, sizeof(path), "%s/class", dir);
	snprintf(value, sizeof(value), "0x%06x\n", class_code);
	r = tree_write(root, path, value);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s", addr);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", addr);
	r = tree_symlink(root, path, target);
	if (r < 0)
		return r;
	if (group >= 0) {
		snprintf(path, sizeof(path), "%s/iommu_group", dir);
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d",
			 group);
		r = tree_symlink(root, path, target);
		if (r < 0)
			return r;
		snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices/%s",
			 group, addr);
		snprintf(target, sizeof(target),
			 "../../../../devices/pci0000:00/%s", addr);
		r = tree_symlink(root, path, target);
		if (r < 0)
			return r;
	}
	return tree_set_pci_driver(root, addr, driver);
}

int tree_set_pci_driver(const char *root, const char *addr, const char *driver)
{
	char path[PATH_MAX], target[PATH_MAX];
	int r;

	snprintf(path, sizeof(path), "sys/devices/pci0000:00/%s/driver", addr);
	if (!driver)
		return tree_unlink(root, path);
	snprintf(target, sizeof(target), "sys/bus/pci/drivers/%s", driver);
	r = tree_mkdir(root, target);
	if (r < 0)
		return r;
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
	return tree_symlink(root, path, target);
}
