// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floor: the naive minimum of work for what `vmdevctl list` reports, as a
 * yardstick. For each entry of /sys/bus/mdev/devices it readlinks the bus
 * entry (the mdev's path and parent), its mdev_type, iommu_group and driver
 * links by full path from the root, reads each type's name and device_api
 * once, and prints one line per mdev. No library, no JSON.
 *
 * usage: floor [-p] ROOT   (-p: print one line per mdev; without it the
 * values are only touched; "floor: N mdevs in MS ms" goes to stderr)
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct type_info {
	char *key, *name, *device_api;
};

static struct type_info table[4096];

static const char *base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static char *read_attr(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return strdup(buf);
}

/* the type's attributes, read once per type: KEY is its directory path */
static struct type_info *type_lookup(const char *key)
{
	unsigned long h = 5381;
	char path[PATH_MAX];

	for (const char *p = key; *p; p++)
		h = h * 33 + (unsigned char)*p;
	for (size_t i = h % 4096;; i = (i + 1) % 4096) {
		if (!table[i].key) {
			table[i].key = strdup(key);
			snprintf(path, sizeof(path), "%s/name", key);
			table[i].name = read_attr(path);
			snprintf(path, sizeof(path), "%s/device_api", key);
			table[i].device_api = read_attr(path);
			return &table[i];
		}
		if (strcmp(table[i].key, key) == 0)
			return &table[i];
	}
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], link[PATH_MAX + 64], target[PATH_MAX], devpath[PATH_MAX];
	char typekey[PATH_MAX * 2], group[PATH_MAX], driver[PATH_MAX];
	struct timespec t0, t1;
	struct dirent *de;
	unsigned long count = 0;
	DIR *d;

	bool print = argc == 3 && strcmp(argv[1], "-p") == 0;
	unsigned long sum = 0;

	if (argc != 2 && !print) {
		fprintf(stderr, "usage: floor [-p] ROOT\n");
		return 2;
	}
	argv += print;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(dir, sizeof(dir), "%s/sys/bus/mdev/devices", argv[1]);
	d = opendir(dir);
	if (!d)
		return 1;
	while ((de = readdir(d))) {
		ssize_t n;
		char *parent_end;

		if (de->d_name[0] == '.')
			continue;
		/* the bus entry: ../../../devices/.../PARENT/UUID */
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		snprintf(devpath, sizeof(devpath), "/sys/%s", target + 9);
		snprintf(link, sizeof(link), "%s%s/mdev_type", argv[1], devpath);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		parent_end = strrchr(devpath, '/');
		*parent_end = '\0';
		snprintf(typekey, sizeof(typekey), "%s%s/%s", argv[1], devpath, target + 3);
		*parent_end = '/';
		struct type_info *type = type_lookup(typekey);
		snprintf(link, sizeof(link), "%s%s/iommu_group", argv[1], devpath);
		n = readlink(link, group, sizeof(group) - 1);
		group[n < 0 ? 0 : n] = '\0';
		snprintf(link, sizeof(link), "%s%s/driver", argv[1], devpath);
		n = readlink(link, driver, sizeof(driver) - 1);
		driver[n < 0 ? 0 : n] = '\0';
		*parent_end = '\0';
		if (print)
			printf("%s %s %s %s %s %s %s %s/%s\n", de->d_name, base(devpath),
		       base(typekey), type->name ? type->name : "-",
		       type->device_api ? type->device_api : "-", base(group),
		       driver[0] ? base(driver) : "-", devpath, de->d_name);
		else
			sum += strlen(de->d_name) + strlen(type->name ? type->name : "-") +
			       strlen(type->device_api ? type->device_api : "-") +
			       strtoul(base(group), NULL, 10) + strlen(base(driver)) +
			       strlen(devpath);
		*parent_end = '/';
		count++;
	}
	closedir(d);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "floor: %lu mdevs in %.3f ms (%lx)\n", count,
		(t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6, sum);
	return 0;
}
