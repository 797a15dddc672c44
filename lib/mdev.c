// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mdev parents, their types and the mdevs of each type. One walk fills all
 * three: each type's devices/ directory already groups the mdevs by parent
 * and type, so no mdev needs its mdev_type link resolved.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "parse.h"
#include "sysfs.h"

/* a type's attributes, each read once on first use (vmdev_type.attrs_read) */
#define TYPE_ATTR_NAME 0x1
#define TYPE_ATTR_DESCRIPTION 0x2
#define TYPE_ATTR_DEVICE_API 0x4

static void type_free(struct vmdev_type *type)
{
	free(type->id);
	free(type->name);
	free(type->description);
	free(type->device_api);
	free(type);
}

static void parent_free(struct vmdev_parent *parent)
{
	struct vmdev_type *type, *next;

	for (type = parent->types; type; type = next) {
		next = type->next;
		type_free(type);
	}
	if (parent->fd >= 0)
		close(parent->fd);
	free(parent->name);
	free(parent->bus);
	free(parent->path);
	free(parent);
}

/* the path lives in the same allocation as the mdev */
static void mdev_free(struct vmdev_mdev *mdev)
{
	free(mdev);
}

/* A hash of a normalised UUID: its 36 characters as five overlapping words. */
static size_t uuid_hash(const char *uuid)
{
	static const size_t at[] = { 0, 8, 16, 24, 28 };
	uint64_t h = 0;

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		uint64_t w;

		memcpy(&w, uuid + at[i], sizeof(w));
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	}
	return (size_t)(h ^ (h >> 29));
}

/*
 * The context's mdevs by UUID: an open-addressing table, built on the
 * first look-up after a scan (or a create or remove), for vmdev_mdev_find()
 * and the drivers snapshot. O(1) a look-up, no string compares to build.
 */
static int mdev_index_build(struct vmdev_ctx *ctx)
{
	size_t size = 64;

	if (ctx->mdev_index)
		return 0;
	while (size < 2 * ctx->n_mdevs)
		size *= 2;
	ctx->mdev_index = calloc(size, sizeof(*ctx->mdev_index));
	if (!ctx->mdev_index)
		return -ENOMEM;
	ctx->mdev_index_mask = size - 1;
	for (size_t i = 0; i < ctx->n_mdevs; i++) {
		size_t at = uuid_hash(ctx->mdevs[i]->uuid) & ctx->mdev_index_mask;

		while (ctx->mdev_index[at])
			at = (at + 1) & ctx->mdev_index_mask;
		ctx->mdev_index[at] = ctx->mdevs[i];
	}
	return 0;
}

static struct vmdev_mdev *mdev_index_find(struct vmdev_ctx *ctx, const char *uuid)
{
	size_t at = uuid_hash(uuid) & ctx->mdev_index_mask;

	for (; ctx->mdev_index[at]; at = (at + 1) & ctx->mdev_index_mask)
		if (memcmp(ctx->mdev_index[at]->uuid, uuid, VMDEV_UUID_LEN) == 0)
			return ctx->mdev_index[at];
	return NULL;
}

/* After the mdevs changed: the next look-up builds the index again. */
static void mdev_index_drop(struct vmdev_ctx *ctx)
{
	free(ctx->mdev_index);
	ctx->mdev_index = NULL;
}


void mdev_free_all(struct vmdev_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_mdevs; i++)
		mdev_free(ctx->mdevs[i]);
	free(ctx->mdevs);
	mdev_index_drop(ctx);
	free_names(ctx->mdev_driver_names, ctx->n_mdev_driver_names);
	ctx->mdev_driver_names = NULL;
	ctx->n_mdev_driver_names = 0;
	ctx->mdev_drivers_read = ctx->mdev_drivers_complete = false;
	for (size_t i = 0; i < ctx->n_parents; i++)
		parent_free(ctx->parents[i]);
	free(ctx->parents);
	ctx->mdevs = NULL;
	ctx->parents = NULL;
	ctx->n_mdevs = ctx->n_parents = 0;
	ctx->mdev_scanned = false;
}

static int mdevs_append(struct vmdev_ctx *ctx, struct vmdev_mdev *mdev)
{
	struct vmdev_mdev **grown;
	size_t n = ctx->n_mdevs;

	/* the capacity is the next power of two (at least 64): grow when full */
	if (n >= 64 && (n & (n - 1)) == 0) {
		grown = realloc(ctx->mdevs, 2 * n * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		ctx->mdevs = grown;
	} else if (!ctx->mdevs) {
		ctx->mdevs = malloc(64 * sizeof(*grown));
		if (!ctx->mdevs)
			return -ENOMEM;
	}
	if (ctx->n_mdevs)
		ctx->mdevs[ctx->n_mdevs - 1]->next = mdev;
	ctx->mdevs[ctx->n_mdevs++] = mdev;
	return 0;
}

/* Forget the mdevs from index FIRST on: a type or parent that failed
 * half-way must leave none of its mdevs pointing at it. */
static void mdevs_truncate(struct vmdev_ctx *ctx, size_t first)
{
	while (ctx->n_mdevs > first)
		mdev_free(ctx->mdevs[--ctx->n_mdevs]);
	if (ctx->n_mdevs)
		ctx->mdevs[ctx->n_mdevs - 1]->next = NULL;
}

static int cmp_mdev_uuid(const void *a, const void *b)
{
	return memcmp((*(struct vmdev_mdev *const *)a)->uuid,
		      (*(struct vmdev_mdev *const *)b)->uuid, VMDEV_UUID_LEN);
}

/* The mdevs of one type as its devices/ directory is read, before sorting. */
struct type_listing {
	struct vmdev_type *type;
	size_t path_len; /* of the parent's path */
	struct vmdev_mdev **mdevs;
	size_t n, cap;
};

static int type_entry(const char *entry, unsigned char d_type, void *data)
{
	struct type_listing *listing = data;
	struct vmdev_type *type = listing->type;
	struct vmdev_parent *parent = type->parent;
	size_t path_len = listing->path_len;
	struct vmdev_mdev *mdev;
	char uuid[VMDEV_UUID_LEN], link[VMDEV_UUID_LEN + sizeof("/iommu_group")];

	if (parse_uuid_name(entry, uuid) < 0) {
		dbg(parent->ctx, "skipping %s/devices/%s: not a UUID", type->id, entry);
		return 0;
	}
	if (listing->n == listing->cap) {
		size_t cap = listing->cap ? 2 * listing->cap : 16;
		struct vmdev_mdev **grown = realloc(listing->mdevs, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		listing->mdevs = grown;
		listing->cap = cap;
	}
	mdev = calloc(1, sizeof(*mdev) + path_len + VMDEV_UUID_LEN + 1);
	if (!mdev)
		return -ENOMEM;
	memcpy(mdev->uuid, uuid, sizeof(uuid));
	mdev->ctx = parent->ctx;
	mdev->type = type;
	mdev->path = (char *)(mdev + 1);
	memcpy(mdev->path, parent->path, path_len);
	mdev->path[path_len] = '/';
	memcpy(mdev->path + path_len + 1, uuid, sizeof(uuid));
	/* the group is read on first use (mdev_iommu_group()), where the
	 * kernel's name is the UUID as we keep it (lower case, as the kernel
	 * names them); another spelling is read now, by the entry's own name */
	mdev->iommu_group = MDEV_GROUP_UNREAD;
	if (memcmp(entry, uuid, VMDEV_UUID_LEN - 1) == 0) {
		listing->mdevs[listing->n++] = mdev;
		return 0;
	}
	memcpy(link, entry, VMDEV_UUID_LEN - 1);
	memcpy(link + VMDEV_UUID_LEN - 1, "/iommu_group", sizeof("/iommu_group"));
	/* listed without a group rather than hidden */
	if (sysfs_link_group_at(parent->fd, link, &mdev->iommu_group) < 0)
		info(parent->ctx, "mdev %s: cannot read its iommu_group", uuid);
	if (mdev->iommu_group < 0 && !sysfs_exists_at(parent->fd, entry)) {
		/* removed while we looked: an unbound mdev has no group yet,
		 * but it still has its directory */
		mdev_free(mdev);
		return 0;
	}
	listing->mdevs[listing->n++] = mdev;
	return 0;
}

/*
 * The mdevs listed in a type's devices/ directory, sorted by UUID. Per mdev
 * this costs one allocation (the mdev with its path) and no system call:
 * the directory is read without copying its names, and each group is read
 * when first asked for (one readlinkat relative to the parent's directory).
 */
static int type_scan_mdevs(struct vmdev_type *type, const char *devices)
{
	struct vmdev_ctx *ctx = type->parent->ctx;
	struct type_listing listing = {
		.type = type, .path_len = strlen(type->parent->path),
	};
	struct vmdev_mdev **tail = &type->mdevs;
	size_t i = 0;
	int r;

	r = sysfs_each_entry_at(type->parent->fd, devices, type_entry, &listing);
	if (r == 0 && listing.n > 1)
		qsort(listing.mdevs, listing.n, sizeof(*listing.mdevs), cmp_mdev_uuid);
	for (; r == 0 && i < listing.n; i++) {
		r = mdevs_append(ctx, listing.mdevs[i]);
		if (r < 0)
			break;
		*tail = listing.mdevs[i];
		tail = &listing.mdevs[i]->type_next;
	}
	/* on failure, the mdevs not handed to the context */
	for (; i < listing.n; i++)
		mdev_free(listing.mdevs[i]);
	free(listing.mdevs);
	return r;
}

/*
 * A type attribute, read on first use and kept: NULL where the type has
 * none (name before 6.1, description on many drivers) or it is unreadable.
 */
static const char *type_attr(struct vmdev_type *type, unsigned int bit,
			     const char *attr, char **value)
{
	char path[PATH_MAX];

	if (type->attrs_read & bit)
		return *value;
	type->attrs_read |= bit;
	if (format_path(path, sizeof(path), "mdev_supported_types/%s/%s",
			type->id, attr) < 0)
		return NULL;
	if (sysfs_read_string_at(type->parent->fd, path, value) < 0)
		*value = NULL;
	return *value;
}

static int parent_scan_types(struct vmdev_parent *parent, int parent_fd)
{
	size_t first;
	struct vmdev_type **tail = &parent->types;
	char **ids;
	size_t count;
	int r;

	r = sysfs_list_dir_at(parent_fd, "mdev_supported_types",
			      cmp_names_version, &ids, &count);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < count && r >= 0; i++) {
		struct vmdev_type *type;
		char devices[PATH_MAX];

		if (vmdev_check_name(ids[i]) < 0)
			continue;
		r = format_path(devices, sizeof(devices),
				"mdev_supported_types/%s/devices", ids[i]);
		if (r < 0)
			break;
		type = calloc(1, sizeof(*type));
		if (!type) {
			r = -ENOMEM;
			break;
		}
		type->parent = parent;
		type->id = ids[i];
		ids[i] = NULL;
		/* the usual case costs one open: the type's devices/ */
		first = parent->ctx->n_mdevs;
		r = type_scan_mdevs(type, devices);
		if (r < 0 && r != -ENOMEM && r != -ENOENT && r != -ENOTDIR) {
			/* unreadable (EACCES, ELOOP, ...): leave this type out */
			info(parent->ctx, "skipping mdev type %s of %s: %s", type->id,
			     parent->name, strerror(-r));
			mdevs_truncate(parent->ctx, first);
			type_free(type);
			r = 0;
			continue;
		}
		if (r == -ENOENT || r == -ENOTDIR) {
			devices[strlen(devices) - strlen("/devices")] = '\0';
			r = 0;
			if (!sysfs_is_dir_at(parent_fd, devices)) {
				/* vanished, or not a directory */
				type_free(type);
				continue;
			}
		}
		*tail = type;
		tail = &type->next;
	}
	free_names(ids, count);
	return r < 0 ? r : 0;
}

/* The bus a parent sits on: pci, css, ap, ... or "virtual". */
static int parent_find_bus(struct vmdev_parent *parent, int parent_fd)
{
	char target[PATH_MAX];

	if (vmdev_pci_find(parent->ctx, parent->name, &parent->pci) == 0) {
		parent->bus = strdup("pci");
		return parent->bus ? 0 : -ENOMEM;
	}
	if (sysfs_readlink_at(parent_fd, "subsystem", target, sizeof(target)) == 0 &&
	    strstr(target, "/bus/")) {
		const char *base = strrchr(target, '/') + 1;

		if (vmdev_check_name(base) < 0)
			return -EINVAL;
		parent->bus = strdup(base);
		return parent->bus ? 0 : -ENOMEM;
	}
	if (strncmp(parent->path, SYS_VIRTUAL_DEVICES, strlen(SYS_VIRTUAL_DEVICES)) == 0) {
		parent->bus = strdup("virtual");
		return parent->bus ? 0 : -ENOMEM;
	}
	return 0;
}

static int parent_new(struct vmdev_ctx *ctx, const char *name,
		      struct vmdev_parent **out)
{
	struct vmdev_parent *parent;
	size_t first;
	int r;

	*out = NULL;
	parent = calloc(1, sizeof(*parent));
	if (!parent)
		return -ENOMEM;
	parent->ctx = ctx;
	parent->fd = -1;
	parent->name = strdup(name);
	if (!parent->name) {
		r = -ENOMEM;
		goto err_free;
	}
	r = sysfs_canonical_link(ctx, SYS_MDEV_BUS_CLASS, name, &parent->path);
	if (r < 0)
		goto err_free;
	parent->fd = sysfs_open_dir(ctx, parent->path);
	if (parent->fd < 0) {
		r = parent->fd;
		goto err_free;
	}
	r = sysfs_link_group_at(parent->fd, "iommu_group", &parent->iommu_group);
	if (r < 0)
		goto err_free;
	first = ctx->n_mdevs;
	r = parent_scan_types(parent, parent->fd);
	if (r < 0) {
		mdevs_truncate(ctx, first);
		goto err_free;
	}
	*out = parent;
	return 0;

err_free:
	parent_free(parent);
	return r;
}

int mdev_scan(struct vmdev_ctx *ctx)
{
	char **names;
	size_t count;
	int r;

	if (ctx->mdev_scanned)
		return 0;
	r = sysfs_list_dir(ctx, SYS_MDEV_BUS_CLASS, cmp_names, &names, &count);
	if (r == -ENOENT)
		names = NULL, count = 0;
	else if (r < 0)
		return r;
	ctx->parents = calloc(count ? count : 1, sizeof(*ctx->parents));
	if (!ctx->parents) {
		free_names(names, count);
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		struct vmdev_parent *parent;

		if (vmdev_check_name(names[i]) < 0)
			continue;
		r = parent_new(ctx, names[i], &parent);
		if (r == -ENOMEM) {
			free_names(names, count);
			mdev_free_all(ctx);
			return r;
		}
		if (r < 0) {
			info(ctx, "skipping mdev parent %s: %s", names[i],
			     strerror(-r));
			continue;
		}
		if (ctx->n_parents)
			ctx->parents[ctx->n_parents - 1]->next = parent;
		ctx->parents[ctx->n_parents++] = parent;
	}
	free_names(names, count);
	ctx->mdev_scanned = true;
	return 0;
}

/**
 * vmdev_parent_get_first - the first mdev parent, in name order
 * @ctx: the context
 *
 * Scans /sys/class/mdev_bus, every parent's types and their mdevs on first
 * use. Returns NULL when there is none.
 */
VMDEV_EXPORT struct vmdev_parent *vmdev_parent_get_first(struct vmdev_ctx *ctx)
{
	if (!ctx || mdev_scan(ctx) < 0 || ctx->n_parents == 0)
		return NULL;
	return ctx->parents[0];
}

/** vmdev_parent_get_next - the parent after @parent, or NULL */
VMDEV_EXPORT struct vmdev_parent *vmdev_parent_get_next(struct vmdev_parent *parent)
{
	return parent ? parent->next : NULL;
}

/**
 * vmdev_parent_find - look up an mdev parent by its name in
 * /sys/class/mdev_bus ("0000:00:02.0", "mtty")
 * @ctx: the context
 * @name: the name
 * @parent: receives the parent
 *
 * Returns 0, -EINVAL for a name that cannot be one, -ENOENT, or the scan's
 * error.
 */
VMDEV_EXPORT int vmdev_parent_find(struct vmdev_ctx *ctx, const char *name,
				   struct vmdev_parent **parent)
{
	int r;

	if (!ctx || !parent)
		return -EINVAL;
	*parent = NULL;
	r = vmdev_check_name(name);
	if (r < 0)
		return r;
	r = mdev_scan(ctx);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ctx->n_parents; i++) {
		if (strcmp(ctx->parents[i]->name, name) == 0) {
			*parent = ctx->parents[i];
			return 0;
		}
	}
	return -ENOENT;
}

/** vmdev_parent_get_name - the name in /sys/class/mdev_bus (cached) */
VMDEV_EXPORT const char *vmdev_parent_get_name(struct vmdev_parent *parent)
{
	return parent ? parent->name : NULL;
}

/* bus and pci: looked up on first use (a PCI parent needs the PCI scan) */
static void parent_scan_bus(struct vmdev_parent *parent)
{
	if (parent->bus_scanned)
		return;
	parent->bus_scanned = true;
	if (parent_find_bus(parent, parent->fd) < 0) {
		free(parent->bus);
		parent->bus = NULL;
		parent->pci = NULL;
	}
}

/** vmdev_parent_get_bus - "pci", "css", "ap", "virtual", or NULL (cached) */
VMDEV_EXPORT const char *vmdev_parent_get_bus(struct vmdev_parent *parent)
{
	if (!parent)
		return NULL;
	parent_scan_bus(parent);
	return parent->bus;
}

/** vmdev_parent_get_path - canonical host path "/sys/devices/..." (cached) */
VMDEV_EXPORT const char *vmdev_parent_get_path(struct vmdev_parent *parent)
{
	return parent ? parent->path : NULL;
}

/** vmdev_parent_get_iommu_group - the parent's group, or -1 (cached) */
VMDEV_EXPORT int vmdev_parent_get_iommu_group(struct vmdev_parent *parent)
{
	return parent ? parent->iommu_group : -1;
}

/** vmdev_parent_get_pci - the PCI device of a PCI parent, else NULL */
VMDEV_EXPORT struct vmdev_pci *vmdev_parent_get_pci(struct vmdev_parent *parent)
{
	if (!parent)
		return NULL;
	parent_scan_bus(parent);
	return parent->pci;
}

/**
 * vmdev_parent_get_driver - the parent's driver now (read live)
 * @parent: the parent
 * @driver: receives a new string the caller frees, or NULL when unbound
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_parent_get_driver(struct vmdev_parent *parent,
					 char **driver)
{
	int r;

	if (!parent || !driver)
		return -EINVAL;
	*driver = NULL;
	r = sysfs_link_name_at(parent->fd, "driver", driver);
	return r == -ENOENT ? 0 : r;
}

/** vmdev_type_get_first - the parent's first type, in version order */
VMDEV_EXPORT struct vmdev_type *vmdev_type_get_first(struct vmdev_parent *parent)
{
	return parent ? parent->types : NULL;
}

/** vmdev_type_get_next - the type after @type, or NULL */
VMDEV_EXPORT struct vmdev_type *vmdev_type_get_next(struct vmdev_type *type)
{
	return type ? type->next : NULL;
}

/**
 * vmdev_type_find - look up a type of a parent by its directory name
 * @parent: the parent
 * @id: the type's directory name ("mtty-2")
 * @type: receives the type
 *
 * Returns 0, -EINVAL for a name that cannot be one, or -ENOENT.
 */
VMDEV_EXPORT int vmdev_type_find(struct vmdev_parent *parent, const char *id,
				 struct vmdev_type **type)
{
	struct vmdev_type *t;
	int r;

	if (!parent || !type)
		return -EINVAL;
	*type = NULL;
	r = vmdev_check_name(id);
	if (r < 0)
		return r;
	vmdev_type_foreach(parent, t) {
		if (strcmp(t->id, id) == 0) {
			*type = t;
			return 0;
		}
	}
	return -ENOENT;
}

/** vmdev_type_get_parent - the parent offering @type */
VMDEV_EXPORT struct vmdev_parent *vmdev_type_get_parent(struct vmdev_type *type)
{
	return type ? type->parent : NULL;
}

/** vmdev_type_get_id - the type's directory name (cached) */
VMDEV_EXPORT const char *vmdev_type_get_id(struct vmdev_type *type)
{
	return type ? type->id : NULL;
}

/** vmdev_type_get_name - the name attribute, NULL before 6.1 where a
 * driver did not provide one (cached) */
VMDEV_EXPORT const char *vmdev_type_get_name(struct vmdev_type *type)
{
	return type ? type_attr(type, TYPE_ATTR_NAME, "name", &type->name) : NULL;
}

/** vmdev_type_get_description - the description attribute, or NULL (cached) */
VMDEV_EXPORT const char *vmdev_type_get_description(struct vmdev_type *type)
{
	return type ? type_attr(type, TYPE_ATTR_DESCRIPTION, "description",
				&type->description)
		    : NULL;
}

/** vmdev_type_get_device_api - "vfio-pci", "vfio-ccw", "vfio-ap" (cached) */
VMDEV_EXPORT const char *vmdev_type_get_device_api(struct vmdev_type *type)
{
	return type ? type_attr(type, TYPE_ATTR_DEVICE_API, "device_api",
				&type->device_api)
		    : NULL;
}

/**
 * vmdev_type_get_available_instances - how many more mdevs of @type can be
 * created now (read live)
 * @type: the type
 * @count: receives the number
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_type_get_available_instances(struct vmdev_type *type,
						    unsigned int *count)
{
	char path[PATH_MAX], buf[32], *end;
	unsigned long value;
	int r;

	if (!type || !count)
		return -EINVAL;
	r = format_path(path, sizeof(path),
			"mdev_supported_types/%s/available_instances", type->id);
	if (r < 0)
		return r;
	r = sysfs_read_at(type->parent->fd, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	errno = 0;
	value = strtoul(buf, &end, 10);
	if (end == buf || *end || errno || value > 0x7fffffffUL)
		return -EINVAL;
	*count = (unsigned int)value;
	return 0;
}

/**
 * vmdev_mdev_get_first - the first active mdev (by parent, type, UUID)
 * @ctx: the context
 */
VMDEV_EXPORT struct vmdev_mdev *vmdev_mdev_get_first(struct vmdev_ctx *ctx)
{
	struct vmdev_mdev *mdev;

	if (!ctx || mdev_scan(ctx) < 0 || ctx->n_mdevs == 0)
		return NULL;
	for (mdev = ctx->mdevs[0]; mdev && mdev->gone; mdev = mdev->next)
		;
	return mdev;
}

/** vmdev_mdev_get_next - the mdev after @mdev in the context, or NULL */
VMDEV_EXPORT struct vmdev_mdev *vmdev_mdev_get_next(struct vmdev_mdev *mdev)
{
	do
		mdev = mdev ? mdev->next : NULL;
	while (mdev && mdev->gone);
	return mdev;
}

/** vmdev_type_mdev_get_first - the first mdev of @type, by UUID */
VMDEV_EXPORT struct vmdev_mdev *vmdev_type_mdev_get_first(struct vmdev_type *type)
{
	struct vmdev_mdev *mdev = type ? type->mdevs : NULL;

	while (mdev && mdev->gone)
		mdev = mdev->type_next;
	return mdev;
}

/** vmdev_type_mdev_get_next - the next mdev of the same type, or NULL */
VMDEV_EXPORT struct vmdev_mdev *vmdev_type_mdev_get_next(struct vmdev_mdev *mdev)
{
	do
		mdev = mdev ? mdev->type_next : NULL;
	while (mdev && mdev->gone);
	return mdev;
}

/**
 * vmdev_mdev_find - look up an active mdev by UUID
 * @ctx: the context
 * @uuid: the UUID, any case
 * @mdev: receives the mdev
 *
 * Returns 0, -EINVAL for a malformed UUID, -ENOENT, or the scan's error.
 */
VMDEV_EXPORT int vmdev_mdev_find(struct vmdev_ctx *ctx, const char *uuid,
				 struct vmdev_mdev **mdev)
{
	char normal[VMDEV_UUID_LEN];
	int r;

	if (!ctx || !mdev)
		return -EINVAL;
	*mdev = NULL;
	r = vmdev_parse_uuid(uuid, normal);
	if (r < 0)
		return r;
	r = mdev_scan(ctx);
	if (r < 0)
		return r;
	if (ctx->n_mdevs == 0)
		return -ENOENT;
	r = mdev_index_build(ctx);
	if (r < 0)
		return r;
	*mdev = mdev_index_find(ctx, normal);
	return *mdev ? 0 : -ENOENT;
}

/** vmdev_mdev_get_uuid - the UUID, lower case (cached) */
VMDEV_EXPORT const char *vmdev_mdev_get_uuid(struct vmdev_mdev *mdev)
{
	return mdev ? mdev->uuid : NULL;
}

/** vmdev_mdev_get_type - the mdev's type */
VMDEV_EXPORT struct vmdev_type *vmdev_mdev_get_type(struct vmdev_mdev *mdev)
{
	return mdev ? mdev->type : NULL;
}

/** vmdev_mdev_get_parent - the mdev's parent */
VMDEV_EXPORT struct vmdev_parent *vmdev_mdev_get_parent(struct vmdev_mdev *mdev)
{
	return mdev ? mdev->type->parent : NULL;
}

/** vmdev_mdev_get_path - canonical host path "/sys/devices/.../UUID" (cached) */
VMDEV_EXPORT const char *vmdev_mdev_get_path(struct vmdev_mdev *mdev)
{
	return mdev ? mdev->path : NULL;
}

int mdev_iommu_group(struct vmdev_mdev *mdev)
{
	char link[VMDEV_UUID_LEN + sizeof("/iommu_group")];

	if (mdev->iommu_group != MDEV_GROUP_UNREAD)
		return mdev->iommu_group;
	memcpy(link, mdev->uuid, VMDEV_UUID_LEN - 1);
	memcpy(link + VMDEV_UUID_LEN - 1, "/iommu_group", sizeof("/iommu_group"));
	if (sysfs_link_group_at(mdev->type->parent->fd, link, &mdev->iommu_group) < 0) {
		info(mdev->ctx, "mdev %s: cannot read its iommu_group", mdev->uuid);
		mdev->iommu_group = -1;
	}
	/* an unbound mdev has no group yet, but it has its directory */
	if (mdev->iommu_group < 0)
		mdev->gone = !sysfs_exists_at(mdev->type->parent->fd, mdev->uuid);
	return mdev->iommu_group;
}

/** vmdev_mdev_get_iommu_group - the mdev's own group, or -1 (read on first
 * use, then cached) */
VMDEV_EXPORT int vmdev_mdev_get_iommu_group(struct vmdev_mdev *mdev)
{
	return mdev ? mdev_iommu_group(mdev) : -1;
}

/**
 * vmdev_mdev_get_driver - the mdev's driver now (read live; on 5.16 and
 * later the vendor driver itself, e.g. "mtty")
 * @mdev: the mdev
 * @driver: receives a new string the caller frees, or NULL when unbound
 *
 * One readlinkat of the mdev's driver link on every call. To list many
 * mdevs, vmdev_mdev_get_scanned_driver() gives the same value from one
 * snapshot of all of them.
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_mdev_get_driver(struct vmdev_mdev *mdev, char **driver)
{
	char link[VMDEV_UUID_LEN + 8];
	int r;

	if (!mdev || !driver)
		return -EINVAL;
	*driver = NULL;
	/* relative to the parent's directory: a two-component walk */
	snprintf(link, sizeof(link), "%s/driver", mdev->uuid);
	r = sysfs_link_name_at(mdev->type->parent->fd, link, driver);
	return r == -ENOENT ? 0 : r;
}

/* Link the context's mdevs again from the parents' types, in their order
 * (parent, type, UUID), after one came or went. */
static int mdevs_rebuild(struct vmdev_ctx *ctx, size_t count)
{
	struct vmdev_mdev **all = malloc((count ? count : 1) * sizeof(*all));
	size_t n = 0;

	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < ctx->n_parents; i++) {
		struct vmdev_type *type;
		struct vmdev_mdev *mdev;

		vmdev_type_foreach(ctx->parents[i], type)
			vmdev_type_mdev_foreach(type, mdev)
				all[n++] = mdev;
	}
	for (size_t i = 0; i < n; i++)
		all[i]->next = i + 1 < n ? all[i + 1] : NULL;
	free(ctx->mdevs);
	mdev_index_drop(ctx);
	ctx->mdevs = all;
	ctx->n_mdevs = n;
	return 0;
}

/*
 * An mdev that a create made: into the model (its type's list by UUID and
 * the context's list), without a rescan that would invalidate the
 * caller's pointers. Its group is group_insert()'s.
 */
int mdev_insert(struct vmdev_type *type, const char *uuid, struct vmdev_mdev **out)
{
	struct vmdev_parent *parent = type->parent;
	struct vmdev_ctx *ctx = parent->ctx;
	size_t path_len = strlen(parent->path);
	struct vmdev_mdev *mdev, **at;
	char link[VMDEV_UUID_LEN + 16];
	int r;

	*out = NULL;
	mdev = calloc(1, sizeof(*mdev) + path_len + VMDEV_UUID_LEN + 1);
	if (!mdev)
		return -ENOMEM;
	memcpy(mdev->uuid, uuid, VMDEV_UUID_LEN);
	mdev->ctx = ctx;
	mdev->type = type;
	mdev->path = (char *)(mdev + 1);
	memcpy(mdev->path, parent->path, path_len);
	mdev->path[path_len] = '/';
	memcpy(mdev->path + path_len + 1, uuid, VMDEV_UUID_LEN);
	snprintf(link, sizeof(link), "%s/iommu_group", uuid);
	r = sysfs_link_group_at(parent->fd, link, &mdev->iommu_group);
	if (r < 0) {
		free(mdev);
		return r;
	}
	for (at = &type->mdevs; *at && strcmp((*at)->uuid, uuid) < 0; at = &(*at)->type_next)
		;
	mdev->type_next = *at;
	*at = mdev;
	r = mdevs_rebuild(ctx, ctx->n_mdevs + 1);
	if (r < 0) {
		*at = mdev->type_next;
		free(mdev);
		return r;
	}
	*out = mdev;
	return 0;
}

/* An mdev that a remove took away: out of the model (its group is
 * group_forget()'s). */
void mdev_forget(struct vmdev_mdev *mdev)
{
	struct vmdev_ctx *ctx = mdev->ctx;
	struct vmdev_mdev **at;

	for (at = &mdev->type->mdevs; *at; at = &(*at)->type_next) {
		if (*at == mdev) {
			*at = mdev->type_next;
			break;
		}
	}
	/* a smaller array cannot fail to fit: on ENOMEM keep the old, minus it */
	if (mdevs_rebuild(ctx, ctx->n_mdevs) < 0) {
		size_t j = 0;

		for (size_t i = 0; i < ctx->n_mdevs; i++)
			if (ctx->mdevs[i] != mdev)
				ctx->mdevs[j++] = ctx->mdevs[i];
		ctx->n_mdevs = j;
		for (size_t i = 0; i < j; i++)
			ctx->mdevs[i]->next = i + 1 < j ? ctx->mdevs[i + 1] : NULL;
		mdev_index_drop(ctx);
	}
	mdev_free(mdev);
}

/* ---- the drivers snapshot: one bulk read of /sys/bus/mdev/drivers ------ */

struct driver_listing {
	struct vmdev_ctx *ctx;
	const char *driver; /* interned */
};

/* One entry of drivers/DRIVER/: a link named by the UUID of a bound mdev,
 * or bind, unbind, uevent, module. */
static int driver_entry(const char *entry, unsigned char d_type, void *data)
{
	struct driver_listing *listing = data;
	struct vmdev_mdev *mdev;
	char uuid[VMDEV_UUID_LEN];

	if (d_type != DT_LNK && d_type != DT_UNKNOWN)
		return 0;
	if (parse_uuid_name(entry, uuid) < 0)
		return 0;
	/* an mdev that came after the index was built is not in it */
	mdev = mdev_index_find(listing->ctx, uuid);
	if (mdev) {
		mdev->scanned_driver = listing->driver;
		mdev->scanned_driver_known = true;
	}
	return 0;
}

static void mdev_drivers_forget(struct vmdev_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_mdevs; i++) {
		ctx->mdevs[i]->scanned_driver = NULL;
		ctx->mdevs[i]->scanned_driver_known = false;
	}
	free_names(ctx->mdev_driver_names, ctx->n_mdev_driver_names);
	ctx->mdev_driver_names = NULL;
	ctx->n_mdev_driver_names = 0;
	ctx->mdev_drivers_read = ctx->mdev_drivers_complete = false;
}

/*
 * Every mdev driver lists the mdevs bound to it as links named by UUID in
 * /sys/bus/mdev/drivers/DRIVER/: one listing per driver gives every mdev's
 * driver, a few syscalls in all instead of one readlinkat per mdev. When
 * every driver's directory was listed, an mdev in none of them is unbound;
 * when some could not be (or the drivers directory itself), such an mdev
 * is left to a live read of its own link (mdev_driver_live_scan()).
 */
static int mdev_drivers_scan(struct vmdev_ctx *ctx)
{
	_cleanup_(closep) int fd = -1;
	char **names = NULL;
	size_t count = 0;
	bool complete = true;
	int r;

	if (ctx->mdev_drivers_read)
		return 0;
	ctx->mdev_drivers_read = true;
	ctx->mdev_drivers_complete = false;
	fd = sysfs_open_dir(ctx, SYS_MDEV_DRIVERS);
	if (fd < 0) {
		info(ctx, "cannot list %s (%s): reading each mdev's driver link",
		     SYS_MDEV_DRIVERS, strerror(-fd));
		return 0;
	}
	r = sysfs_list_dir_at(fd, ".", cmp_names, &names, &count);
	if (r == -ENOMEM)
		goto err_nomem;
	if (r < 0) {
		info(ctx, "cannot list %s (%s): reading each mdev's driver link",
		     SYS_MDEV_DRIVERS, strerror(-r));
		return 0;
	}
	/* the names are interned: the mdevs point at them until the refresh */
	ctx->mdev_driver_names = names;
	ctx->n_mdev_driver_names = count;
	if (count == 0 || ctx->n_mdevs == 0) {
		ctx->mdev_drivers_complete = true;
		for (size_t i = 0; i < ctx->n_mdevs; i++)
			ctx->mdevs[i]->scanned_driver_known = true;
		return 0;
	}
	if (mdev_index_build(ctx) < 0)
		goto err_nomem;
	for (size_t i = 0; i < count; i++) {
		struct driver_listing listing = { ctx, names[i] };

		if (vmdev_check_name(names[i]) < 0)
			continue;
		r = sysfs_each_entry_at(fd, names[i], driver_entry, &listing);
		if (r == -ENOMEM)
			goto err_nomem;
		if (r == -ENOTDIR) /* not a driver: it lists no device */
			continue;
		if (r < 0) {
			info(ctx, "cannot list %s/%s (%s): reading the driver link of its mdevs",
			     SYS_MDEV_DRIVERS, names[i], strerror(-r));
			complete = false;
		}
	}
	ctx->mdev_drivers_complete = complete;
	/* every driver listed: an mdev in none of the listings is unbound */
	for (size_t i = 0; complete && i < ctx->n_mdevs; i++)
		ctx->mdevs[i]->scanned_driver_known = true;
	return 0;

err_nomem:
	if (ctx->mdev_driver_names != names)
		free_names(names, count);
	mdev_drivers_forget(ctx);
	return -ENOMEM;
}

/* The interned copy of DRIVER (which it takes), or NULL on ENOMEM. */
static const char *driver_intern(struct vmdev_ctx *ctx, char *driver)
{
	char **grown;

	for (size_t i = 0; i < ctx->n_mdev_driver_names; i++) {
		if (ctx->mdev_driver_names[i] &&
		    strcmp(ctx->mdev_driver_names[i], driver) == 0) {
			free(driver);
			return ctx->mdev_driver_names[i];
		}
	}
	grown = realloc(ctx->mdev_driver_names,
			(ctx->n_mdev_driver_names + 1) * sizeof(*grown));
	if (!grown) {
		free(driver);
		return NULL;
	}
	ctx->mdev_driver_names = grown;
	grown[ctx->n_mdev_driver_names++] = driver;
	return driver;
}

/* Where the bulk read could not tell: this mdev's own link, once. */
static int mdev_driver_live_scan(struct vmdev_mdev *mdev)
{
	char *driver = NULL;
	int r;

	r = vmdev_mdev_get_driver(mdev, &driver);
	if (r < 0)
		return r;
	if (driver) {
		mdev->scanned_driver = driver_intern(mdev->ctx, driver);
		if (!mdev->scanned_driver)
			return -ENOMEM;
	}
	mdev->scanned_driver_known = true;
	return 0;
}

/**
 * vmdev_mdev_get_scanned_driver - the mdev's driver as of the snapshot
 * (not live: vmdev_refresh() drops it, vmdev_mdev_get_driver() reads now)
 * @mdev: the mdev
 * @driver: receives the driver's name ("mtty", "kvmgt"), owned by the
 *          context and valid until vmdev_refresh() or the last
 *          vmdev_unref(); NULL when the mdev was unbound
 *
 * The first call after a scan reads every mdev's driver at once from
 * /sys/bus/mdev/drivers/DRIVER/ (each driver lists its mdevs by UUID),
 * a few syscalls for all the mdevs together, and later calls answer from
 * that snapshot. Where that directory or a driver's directory cannot be
 * listed, an mdev it does not account for is read live on its first call
 * (its driver link) and kept. Use it to list many mdevs; use
 * vmdev_mdev_get_driver() to act on one.
 *
 * Returns 0, -EINVAL, -ENOMEM, or the error of reading the mdev's link.
 */
VMDEV_EXPORT int vmdev_mdev_get_scanned_driver(struct vmdev_mdev *mdev,
					       const char **driver)
{
	int r;

	if (driver)
		*driver = NULL;
	if (!mdev || !driver)
		return -EINVAL;
	r = mdev_drivers_scan(mdev->ctx);
	if (r < 0)
		return r;
	/* not in the snapshot: a driver listing failed, or a create added it */
	if (!mdev->scanned_driver_known) {
		r = mdev_driver_live_scan(mdev);
		if (r < 0)
			return r;
	}
	*driver = mdev->scanned_driver;
	return 0;
}
