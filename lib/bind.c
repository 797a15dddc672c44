// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Moving PCI devices between drivers: refuse what is unsafe before writing
 * anything, load the driver's module where it is not registered, bind with
 * driver_override (or new_id where asked), verify where the device ended,
 * and put back the driver it had on any failure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include "private.h"

#define PCI_DRIVERS "/sys/bus/pci/drivers"
#define IFF_UP 0x1
#define BLOCK_WALK_DEPTH 8

/* Drivers that hand a device to userspace: a bridge must never go there. */
static bool is_vfio_driver(const char *driver)
{
	return driver && strstr(driver, "vfio") != NULL;
}

static bool driver_registered(struct vmdev_ctx *ctx, const char *driver)
{
	char path[PATH_MAX];

	return format_path(path, sizeof(path), PCI_DRIVERS "/%s", driver) == 0 &&
	       sysfs_exists_at(ctx->root_fd, path + 1);
}

static struct kmod_ctx *kmod_get(struct vmdev_ctx *ctx)
{
	char dir[PATH_MAX];
	struct utsname uts;

	if (ctx->kmod)
		return ctx->kmod;
	if (ctx_is_host(ctx)) {
		ctx->kmod = kmod_new(NULL, NULL);
	} else if (uname(&uts) == 0 &&
		   format_path(dir, sizeof(dir), "%s/lib/modules/%s", ctx->root,
			       uts.release) == 0) {
		ctx->kmod = kmod_new(dir, NULL);
	}
	return ctx->kmod;
}

void kmod_free(struct vmdev_ctx *ctx)
{
	if (ctx->kmod)
		kmod_unref(ctx->kmod);
	ctx->kmod = NULL;
}

/* The module that provides DRIVER, by name or alias (vfio-pci: vfio_pci). */
int driver_module(struct vmdev_ctx *ctx, const char *driver,
		  struct kmod_module **module)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *kmod = kmod_get(ctx);
	int r;

	*module = NULL;
	if (!kmod)
		return -ENOENT;
	r = kmod_module_new_from_lookup(kmod, driver, &list);
	if (r < 0)
		return r;
	kmod_list_foreach(l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		/* a module that exists on disk, or built in, or loaded */
		if (kmod_module_get_path(m) || kmod_module_get_initstate(m) >= 0) {
			*module = m;
			break;
		}
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	return *module ? 0 : -ENOENT;
}

/**
 * vmdev_driver_lookup - whether a PCI driver is registered or loadable
 * @ctx: the context
 * @driver: the driver's name ("vfio-pci")
 * @registered: receives true when /sys/bus/pci/drivers/DRIVER exists
 *
 * Returns 0 when registered or loadable as a module (found through
 * libkmod, by name or alias), -EINVAL for a bad name, -ENOENT otherwise.
 */
VMDEV_EXPORT int vmdev_driver_lookup(struct vmdev_ctx *ctx, const char *driver,
				     bool *registered)
{
	struct kmod_module *module;
	int r;

	if (!ctx || !registered)
		return -EINVAL;
	r = vmdev_check_name(driver);
	if (r < 0)
		return r;
	*registered = driver_registered(ctx, driver);
	if (*registered)
		return 0;
	r = driver_module(ctx, driver, &module);
	if (r < 0)
		return -ENOENT;
	kmod_module_unref(module);
	return 0;
}

/* Make DRIVER registered, loading its module; in dry-run, only report it. */
static int driver_load(struct vmdev_ctx *ctx, const char *driver)
{
	struct kmod_module *module;
	int r;

	if (driver_registered(ctx, driver))
		return 0;
	r = driver_module(ctx, driver, &module);
	if (r < 0)
		return -ENOENT;
	if (ctx->action_fn)
		ctx->action_fn(ctx, VMDEV_ACTION_LOAD, kmod_module_get_name(module),
			       NULL, ctx->action_data);
	info(ctx, "%sload %s", ctx->dry_run ? "(dry run) " : "",
	     kmod_module_get_name(module));
	if (!ctx->dry_run) {
		r = kmod_module_probe_insert_module(module, 0, NULL, NULL, NULL, NULL);
		if (r < 0)
			err(ctx, "cannot load %s: %s", kmod_module_get_name(module),
			    strerror(-r));
	}
	kmod_module_unref(module);
	if (r < 0)
		return r;
	if (!ctx->dry_run && !driver_registered(ctx, driver))
		return -ENOPKG; /* the module loaded but registered no such driver */
	return 0;
}

static int attr_path(struct vmdev_pci *pci, const char *attr, char *buf, size_t size)
{
	return format_path(buf, size, "/sys/bus/pci/devices/%s/%s", pci->address, attr);
}

/** vmdev_pci_is_boot_vga - the firmware's boot display device (read live) */
VMDEV_EXPORT bool vmdev_pci_is_boot_vga(struct vmdev_pci *pci)
{
	char path[128], buf[8];

	return pci && attr_path(pci, "boot_vga", path, sizeof(path)) == 0 &&
	       sysfs_read(pci->ctx, path, buf, sizeof(buf)) > 0 && buf[0] == '1';
}

/* A network interface of the device that is up: "eth0". */
static char *interface_up(struct vmdev_pci *pci)
{
	char dir[128], path[PATH_MAX], **names;
	char *found = NULL;
	size_t count;

	if (attr_path(pci, "net", dir, sizeof(dir)) < 0 ||
	    sysfs_list_dir(pci->ctx, dir, cmp_names, &names, &count) < 0)
		return NULL;
	for (size_t i = 0; i < count && !found; i++) {
		unsigned int flags;
		char buf[32];

		if (format_path(path, sizeof(path), "%s/%s/flags", dir, names[i]) == 0 &&
		    sysfs_read(pci->ctx, path, buf, sizeof(buf)) > 0 &&
		    parse_hex_attr(buf, &flags) == 0 && (flags & IFF_UP))
			found = strdup(names[i]);
	}
	free_names(names, count);
	return found;
}

/*
 * Whether a line of the host file PATH under the root (a /proc table)
 * satisfies MATCH; a file that cannot be read has none.
 */
static bool proc_has_line(struct vmdev_ctx *ctx, const char *path,
			  bool (*match)(const char *line, const char *key), const char *key)
{
	char line[4096];
	bool found = false;
	FILE *f;
	int fd;

	fd = openat(ctx->root_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return false;
	}
	while (!found && fgets(line, sizeof(line), f))
		found = match(line, key);
	fclose(f);
	return found;
}

/* /proc/swaps: "/dev/NAME partition SIZE USED PRIO" */
static bool swap_line_is(const char *line, const char *name)
{
	size_t len = strcspn(line, " \t");

	return len == strlen(name) + 5 && strncmp(line, "/dev/", 5) == 0 &&
	       strncmp(line + 5, name, len - 5) == 0;
}

/* /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..." */
static bool mount_line_is(const char *line, const char *majmin)
{
	char field[32];

	return sscanf(line, "%*s %*s %31s", field) == 1 && strcmp(field, majmin) == 0;
}

/*
 * A mounted or swapped-on block device below the device (disks and their
 * partitions): "sda1". Walks real directories only, never links, a few
 * levels deep.
 */
static char *block_mounted(struct vmdev_ctx *ctx, int dir_fd, int depth)
{
	DIR *dir;
	struct dirent *de;
	char *found = NULL;
	int fd;

	if (depth > BLOCK_WALK_DEPTH)
		return NULL;
	fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while (!found && (de = readdir(dir))) {
		char dev[32];
		int sub;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(dir_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		/* a block device (disk or partition) has a "dev" and a "stat" */
		if (sysfs_exists_at(sub, "stat") && sysfs_read_at(sub, "dev", dev, sizeof(dev)) > 0 &&
		    (proc_has_line(ctx, "proc/self/mountinfo", mount_line_is, dev) ||
		     proc_has_line(ctx, "proc/swaps", swap_line_is, de->d_name)))
			found = strdup(de->d_name);
		else
			found = block_mounted(ctx, sub, depth + 1);
		close(sub);
	}
	closedir(dir);
	return found;
}

/* What the host visibly uses the device for, or NULL. */
static char *host_use(struct vmdev_pci *pci)
{
	_cleanup_(closep) int fd = -1;
	char dir[64], *name, *text = NULL;

	if (vmdev_pci_is_boot_vga(pci))
		return strdup("it is the boot VGA device");
	name = interface_up(pci);
	if (name) {
		if (asprintf(&text, "network interface %s is up", name) < 0)
			text = NULL;
		free(name);
		return text;
	}
	format_path(dir, sizeof(dir), "/sys/bus/pci/devices/%s", pci->address);
	fd = sysfs_open_dir(pci->ctx, dir);
	if (fd < 0)
		return NULL;
	name = block_mounted(pci->ctx, fd, 0);
	if (name) {
		if (asprintf(&text, "block device %s is mounted or in use as swap", name) < 0)
			text = NULL;
		free(name);
	}
	return text;
}

static int refuse(enum vmdev_refusal *refusal, char **detail,
		  enum vmdev_refusal why, char *text)
{
	*refusal = why;
	*detail = text;
	return 0;
}

/*
 * Whether taking @pci off its driver CURRENT would pull something from
 * under a process: its own VFIO group or device when CURRENT is a vfio
 * driver, and, whatever CURRENT is, the mdevs it parents (their groups or
 * devices), which go with it.
 */
static int driver_change_held(struct vmdev_pci *pci, const char *current,
			      enum vmdev_refusal *refusal, char **detail)
{
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct vmdev_mdev *mdev;
	int r;

	if (is_vfio_driver(current)) {
		r = group_check_held(pci->ctx, pci->iommu_group, pci->path, refusal, detail);
		if (r < 0 || *refusal != VMDEV_REFUSAL_NONE)
			return r;
	}
	if (!current || !pci->mdev_parent ||
	    vmdev_parent_find(pci->ctx, pci->address, &parent) < 0)
		return 0;
	vmdev_type_foreach(parent, type) {
		vmdev_type_mdev_foreach(type, mdev) {
			char *held = NULL;

			r = group_check_held(pci->ctx, mdev->iommu_group, mdev->path, refusal,
					     &held);
			if (r < 0)
				return r;
			if (*refusal != VMDEV_REFUSAL_NONE) {
				r = asprintf(detail, "%s (through its mdev %s)", held, mdev->uuid);
				free(held);
				return r < 0 ? -ENOMEM : 0;
			}
		}
	}
	return 0;
}

/**
 * vmdev_pci_check_bind - whether binding @pci to @driver would be refused
 * @pci: the device
 * @driver: the driver
 * @flags: VMDEV_BIND_FORCE to accept a device the host visibly uses
 * @refusal: receives why, or VMDEV_REFUSAL_NONE
 * @detail: receives a description (a string the caller frees) or NULL
 *
 * Refused: for vfio-mdev-pci, a device whose header type is not normal
 * (type 0; VMDEV_REFUSAL_HEADER_TYPE, from config byte 0x0e); a bridge for
 * any other vfio driver; an SR-IOV PF with VFs enabled for a vfio driver
 * (vfio-pci's and vfio-mdev-pci's probes return EBUSY for it); without
 * VMDEV_BIND_FORCE, a device the host uses (a network interface up, a
 * mounted block device below it, the boot VGA device); a device on a vfio
 * driver whose group or device a process holds open. A device already on
 * @driver is never refused. Nothing is written.
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_pci_check_bind(struct vmdev_pci *pci, const char *driver,
				      unsigned int flags, enum vmdev_refusal *refusal,
				      char **detail)
{
	_cleanup_(freep) char *current = NULL;
	unsigned int numvfs;
	char *text;
	int r;

	if (!pci || !refusal || !detail)
		return -EINVAL;
	*refusal = VMDEV_REFUSAL_NONE;
	*detail = NULL;
	r = vmdev_check_name(driver);
	if (r < 0)
		return r;
	r = vmdev_pci_get_driver(pci, &current);
	if (r < 0)
		return r;
	if (current && strcmp(current, driver) == 0)
		return 0;
	if (strcmp(driver, VMDEV_MDEV_PCI_DRIVER) == 0) {
		unsigned int header;

		pci_header_type(pci, &header);
		if (header != 0) {
			if (asprintf(&text, "its PCI header type is %u, not a normal (type 0) header: "
				     VMDEV_MDEV_PCI_DRIVER "'s probe refuses it%s", header,
				     pci->bridge ? " (it is a bridge)" : "") < 0)
				return -ENOMEM;
			return refuse(refusal, detail, VMDEV_REFUSAL_HEADER_TYPE, text);
		}
	}
	if (is_vfio_driver(driver) && pci->bridge)
		return refuse(refusal, detail, VMDEV_REFUSAL_BRIDGE,
			      strdup("it is a bridge, not an endpoint"));
	if (is_vfio_driver(driver) && vmdev_pci_get_sriov_numvfs(pci, &numvfs) == 0 &&
	    numvfs > 0) {
		if (asprintf(&text, "it is an SR-IOV PF with %u VFs enabled%s", numvfs,
			     strcmp(driver, VMDEV_MDEV_PCI_DRIVER) == 0
				     ? " (" VMDEV_MDEV_PCI_DRIVER "'s probe returns EBUSY for it)" : "") < 0)
			return -ENOMEM;
		return refuse(refusal, detail, VMDEV_REFUSAL_SRIOV_PF, text);
	}
	if (!(flags & VMDEV_BIND_FORCE) && (text = host_use(pci)))
		return refuse(refusal, detail, VMDEV_REFUSAL_IN_USE, text);
	return driver_change_held(pci, current, refusal, detail);
}

/**
 * vmdev_pci_check_unbind - whether unbinding @pci would be refused
 * @pci: the device
 * @flags: VMDEV_UNBIND_FORCE to accept a device the host visibly uses
 * @refusal: receives VMDEV_REFUSAL_HELD when a process holds the device's
 *           VFIO group or device (on a vfio driver) or one of its mdevs
 *           open; VMDEV_REFUSAL_IN_USE, without VMDEV_UNBIND_FORCE, when
 *           the device is on a host driver and the host visibly uses it
 *           (a network interface up, a mounted block device below it, the
 *           boot VGA device); else VMDEV_REFUSAL_NONE
 * @detail: receives a description (holders, or the use), a string the
 *          caller frees, or NULL
 *
 * Returns 0 or a negative errno.
 */
VMDEV_EXPORT int vmdev_pci_check_unbind(struct vmdev_pci *pci, unsigned int flags,
					enum vmdev_refusal *refusal, char **detail)
{
	char *text;
	_cleanup_(freep) char *current = NULL;
	int r;

	if (!pci || !refusal || !detail)
		return -EINVAL;
	*refusal = VMDEV_REFUSAL_NONE;
	*detail = NULL;
	r = vmdev_pci_get_driver(pci, &current);
	if (r < 0)
		return r;
	r = driver_change_held(pci, current, refusal, detail);
	if (r < 0 || *refusal != VMDEV_REFUSAL_NONE)
		return r;
	/* taking a device from its host driver while the host uses it */
	if (!(flags & VMDEV_UNBIND_FORCE) && current && !is_vfio_driver(current) &&
	    strcmp(current, "pci-stub") != 0 && (text = host_use(pci)))
		return refuse(refusal, detail, VMDEV_REFUSAL_IN_USE, text);
	return 0;
}

static int refusal_errno(enum vmdev_refusal refusal)
{
	switch (refusal) {
	case VMDEV_REFUSAL_NONE:
		return 0;
	case VMDEV_REFUSAL_IN_USE:
	case VMDEV_REFUSAL_HELD:
		return -EBUSY;
	default:
		return -ENOTSUP;
	}
}

struct driver_wait {
	struct vmdev_pci *pci;
	const char *driver; /* NULL: any driver but GONE */
	const char *gone;
};

static int driver_is(struct vmdev_ctx *ctx, void *data)
{
	struct driver_wait *w = data;
	_cleanup_(freep) char *now = NULL;
	int r = vmdev_pci_get_driver(w->pci, &now);

	if (r < 0)
		return r;
	if (w->driver)
		return now && strcmp(now, w->driver) == 0;
	return !now || strcmp(now, w->gone) != 0;
}

static int write_address(struct vmdev_pci *pci, const char *driver, const char *file)
{
	char path[PATH_MAX];
	int r = format_path(path, sizeof(path), PCI_DRIVERS "/%s/%s", driver, file);

	return r < 0 ? r : sysfs_write(pci->ctx, path, pci->address);
}

static int set_override(struct vmdev_pci *pci, const char *driver)
{
	char path[128];

	attr_path(pci, "driver_override", path, sizeof(path));
	return sysfs_write(pci->ctx, path, driver ? driver : "");
}

static int probe(struct vmdev_pci *pci)
{
	return sysfs_write(pci->ctx, "/sys/bus/pci/drivers_probe", pci->address);
}

/*
 * Put the device back on DRIVER (NULL: no driver) with OVERRIDE as it was.
 * Best effort: it runs after a failure; returns whether it got there.
 */
static bool restore(struct vmdev_pci *pci, const char *driver, const char *override)
{
	_cleanup_(freep) char *now = NULL;

	set_override(pci, override);
	vmdev_pci_get_driver(pci, &now);
	if (now && (!driver || strcmp(now, driver) != 0))
		write_address(pci, now, "unbind");
	if (driver) {
		free(now);
		now = NULL;
		probe(pci);
		vmdev_pci_get_driver(pci, &now);
		if (!now || strcmp(now, driver) != 0)
			write_address(pci, driver, "bind");
	}
	free(now);
	now = NULL;
	vmdev_pci_get_driver(pci, &now);
	if ((driver && (!now || strcmp(now, driver))) || (!driver && now)) {
		err(pci->ctx, "could not restore %s to %s (now on %s)", pci->address,
		    driver ? driver : "no driver", now ? now : "no driver");
		return false;
	}
	return true;
}

/*
 * Serialize binds and unbinds of one device between processes using
 * libvmdev: an advisory flock(2) on the device's sysfs directory, which
 * every process sees as the same inode. Without it, two binds at once
 * each unbind the host driver, one finds it already gone and "restores"
 * the device away from under the other. Waits at most the context's
 * timeout (-EBUSY after it). *FD is -1 where no lock is needed (dry run)
 * or possible (a file system without flock).
 */
static int pci_lock(struct vmdev_pci *pci, int *fd)
{
	char dir[64];
	long long waited_ms = 0;

	*fd = -1;
	if (pci->ctx->dry_run)
		return 0;
	format_path(dir, sizeof(dir), "/sys/bus/pci/devices/%s", pci->address);
	*fd = sysfs_open_dir(pci->ctx, dir);
	if (*fd < 0) {
		int r = *fd;

		*fd = -1;
		return r;
	}
	while (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			close(*fd); /* no flock here: go on unserialized */
			*fd = -1;
			return 0;
		}
		if (waited_ms >= pci->ctx->timeout_ms) {
			close(*fd);
			*fd = -1;
			err(pci->ctx, "%s: another process is binding it", pci->address);
			return -EBUSY;
		}
		nanosleep(&(struct timespec){ 0, 10 * 1000000L }, NULL);
		waited_ms += 10;
	}
	return 0;
}

/* new_id: "VVVV DDDD" binds every unbound device with those ids. */
static int bind_new_id(struct vmdev_pci *pci, const char *driver, bool *added)
{
	char ids[16], path[PATH_MAX];
	int r;

	*added = false;
	snprintf(ids, sizeof(ids), "%04x %04x", pci->vendor, pci->device);
	r = format_path(path, sizeof(path), PCI_DRIVERS "/%s/new_id", driver);
	if (r < 0)
		return r;
	r = sysfs_write(pci->ctx, path, ids);
	if (r == 0)
		*added = true;
	if (r == -EEXIST) /* the id is already dynamic: bind this one by hand */
		r = write_address(pci, driver, "bind");
	return r;
}

static void drop_new_id(struct vmdev_pci *pci, const char *driver)
{
	char ids[16], path[PATH_MAX];

	snprintf(ids, sizeof(ids), "%04x %04x", pci->vendor, pci->device);
	if (format_path(path, sizeof(path), PCI_DRIVERS "/%s/remove_id", driver) == 0)
		sysfs_write(pci->ctx, path, ids);
}

/**
 * vmdev_pci_bind - bind a PCI device to a driver, safely
 * @pci: the device
 * @driver: the driver ("vfio-pci")
 * @flags: VMDEV_BIND_NEW_ID to bind through the driver's new_id (which
 *         also binds every other unbound device with the same vendor and
 *         device ids; the dynamic id is removed again afterwards, the
 *         devices stay bound) instead of driver_override (a vfio driver
 *         without an id table, vfio-mdev-pci, is always bound so: see
 *         vmdev_driver_has_id_table()); VMDEV_BIND_FORCE
 *         to bind a device the host visibly uses
 * @previous: if not NULL, receives the driver it had (a string the caller
 *            frees, or NULL when it had none)
 *
 * Refuses (see vmdev_pci_check_bind()) before writing anything. Loads the
 * driver's module through libkmod when the driver is not registered.
 * Verifies, waiting at most the context's timeout, that the device ended
 * on @driver, and on any failure puts back the driver and override it had.
 * A device already on @driver is left alone. Binds and unbinds of one
 * device by processes using libvmdev are serialized (an advisory flock(2)
 * on its sysfs directory): the second sees the first's result.
 *
 * Returns 0; -EINVAL for a bad driver name; -EBUSY when another process
 * kept the device locked longer than the context's timeout; -ENOTSUP for a bridge or an
 * SR-IOV PF with VFs; -EBUSY for a device in use or held; -ENOENT when the
 * driver is neither registered nor loadable; -ENOPKG when its module loaded
 * but registered no driver of that name; -EIO when the device did not
 * end on @driver (restored); -ENOTRECOVERABLE when, after that, its old
 * driver could not be restored either; or a write's error (restored).
 */
VMDEV_EXPORT int vmdev_pci_bind(struct vmdev_pci *pci, const char *driver,
				unsigned int flags, char **previous)
{
	_cleanup_(freep) char *current = NULL, *override = NULL, *detail = NULL;
	_cleanup_(closep) int lock = -1;
	struct vmdev_ctx *ctx;
	enum vmdev_refusal refusal;
	struct driver_wait w = { pci, driver, NULL };
	bool added = false;
	int r;

	if (previous)
		*previous = NULL;
	if (!pci)
		return -EINVAL;
	ctx = pci->ctx;
	r = vmdev_check_name(driver);
	if (r < 0)
		return r;
	r = pci_lock(pci, &lock);
	if (r < 0)
		return r;
	r = vmdev_pci_check_bind(pci, driver, flags, &refusal, &detail);
	if (r < 0)
		return r;
	if (refusal != VMDEV_REFUSAL_NONE) {
		info(ctx, "not binding %s to %s: %s", pci->address, driver, detail);
		return refusal_errno(refusal);
	}
	r = vmdev_pci_get_driver(pci, &current);
	if (r < 0)
		return r;
	if (previous && current && !(*previous = strdup(current)))
		return -ENOMEM;
	if (current && strcmp(current, driver) == 0)
		return 0;
	r = driver_load(ctx, driver);
	if (r < 0)
		return r;
	vmdev_pci_get_driver_override(pci, &override);
	if (!(flags & VMDEV_BIND_NEW_ID)) {
		bool has_table = true;

		/* vfio-mdev-pci has no id table: only new_id binds it */
		vmdev_driver_has_id_table(ctx, driver, &has_table);
		if (!has_table)
			flags |= VMDEV_BIND_NEW_ID;
	}

	if (flags & VMDEV_BIND_NEW_ID) {
		/* with an override set, only that driver may take the device */
		if (override && strcmp(override, driver) != 0)
			r = set_override(pci, NULL);
		if (r == 0 && current)
			r = write_address(pci, current, "unbind");
		if (r == 0)
			r = bind_new_id(pci, driver, &added);
	} else {
		r = set_override(pci, driver);
		if (r == 0 && current)
			r = write_address(pci, current, "unbind");
		if (r == 0)
			r = probe(pci);
	}
	if (ctx->dry_run) {
		if (r == 0 && (flags & VMDEV_BIND_NEW_ID))
			drop_new_id(pci, driver);
		return r;
	}
	if (r == 0)
		r = wait_until(ctx, NULL, driver_is, NULL, &w);
	if (added)
		drop_new_id(pci, driver);
	if (r < 0) {
		err(ctx, "binding %s to %s failed: %s; restoring %s", pci->address,
		    driver, strerror(-r), current ? current : "no driver");
		if (!restore(pci, current, override))
			return -ENOTRECOVERABLE;
		return r == -ETIMEDOUT ? -EIO : r;
	}
	return 0;
}

/**
 * vmdev_pci_unbind - give a device back to the host
 * @pci: the device
 * @flags: VMDEV_UNBIND_NO_PROBE to leave it without a driver
 * @previous: if not NULL, receives the driver it had (a string the caller
 *            frees, or NULL)
 *
 * Clears driver_override, unbinds the device and, unless
 * VMDEV_UNBIND_NO_PROBE, lets the kernel probe it again so that its host
 * driver takes it. Refuses while a process holds its VFIO group or device
 * open (the unbind would pull the device from under it, or block in the
 * kernel until it exits).
 *
 * Returns 0, -EBUSY when held, -EIO when VMDEV_UNBIND_NO_PROBE was asked
 * and the device stayed on its driver, or a write's error.
 */
VMDEV_EXPORT int vmdev_pci_unbind(struct vmdev_pci *pci, unsigned int flags,
				  char **previous)
{
	_cleanup_(freep) char *current = NULL, *override = NULL, *detail = NULL;
	_cleanup_(closep) int lock = -1;
	enum vmdev_refusal refusal;
	struct driver_wait w = { pci, NULL, NULL };
	int r;

	if (previous)
		*previous = NULL;
	if (!pci)
		return -EINVAL;
	r = pci_lock(pci, &lock);
	if (r < 0)
		return r;
	r = vmdev_pci_check_unbind(pci, flags, &refusal, &detail);
	if (r < 0)
		return r;
	if (refusal != VMDEV_REFUSAL_NONE) {
		info(pci->ctx, "not unbinding %s: %s", pci->address, detail);
		return refusal_errno(refusal);
	}
	r = vmdev_pci_get_driver(pci, &current);
	if (r < 0)
		return r;
	if (previous && current && !(*previous = strdup(current)))
		return -ENOMEM;
	vmdev_pci_get_driver_override(pci, &override);
	if (override)
		r = set_override(pci, NULL);
	if (r == 0 && current)
		r = write_address(pci, current, "unbind");
	if (r == 0 && !(flags & VMDEV_UNBIND_NO_PROBE))
		r = probe(pci);
	/* after a reprobe any driver may take it, its old one too */
	if (r < 0 || pci->ctx->dry_run || !current || !(flags & VMDEV_UNBIND_NO_PROBE))
		return r;
	w.gone = current;
	r = wait_until(pci->ctx, NULL, driver_is, NULL, &w);
	return r == -ETIMEDOUT ? -EIO : r;
}

/**
 * vmdev_group_bind - bind every endpoint of a group to a driver
 * @group: the IOMMU group
 * @driver: the driver ("vfio-pci")
 * @flags: as for vmdev_pci_bind()
 *
 * Makes a group viable in one step: checks every PCI endpoint (bridges are
 * left on their drivers) before writing anything, binds them in address
 * order, and on any failure puts every device that moved (also one a
 * new_id bind took along) back where it was.
 *
 * Returns 0, the first failing vmdev_pci_bind()'s error, or
 * -ENOTRECOVERABLE when a device could not be put back.
 */
VMDEV_EXPORT int vmdev_group_bind(struct vmdev_group *group, const char *driver,
				  unsigned int flags)
{
	struct vmdev_member *m;
	struct moved {
		struct vmdev_pci *pci;
		char *driver, *override; /* as they were before any write */
	} *moved = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (!group)
		return -EINVAL;
	vmdev_member_foreach(group, m) {
		enum vmdev_refusal refusal;
		char *detail = NULL;

		if (!m->pci || m->pci->bridge)
			continue;
		r = vmdev_pci_check_bind(m->pci, driver, flags, &refusal, &detail);
		free(detail);
		if (r == 0)
			r = refusal_errno(refusal);
		if (r < 0)
			goto out;
		if (n == cap) {
			struct moved *grown = realloc(moved, (cap = cap ? cap * 2 : 4) * sizeof(*moved));

			if (!grown) {
				r = -ENOMEM;
				goto out;
			}
			moved = grown;
		}
		/* recorded up front: a new_id bind of one can take another */
		moved[n].pci = m->pci;
		moved[n].driver = NULL;
		moved[n].override = NULL;
		vmdev_pci_get_driver(m->pci, &moved[n].driver);
		vmdev_pci_get_driver_override(m->pci, &moved[n].override);
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		r = vmdev_pci_bind(moved[i].pci, driver, flags, NULL);
		if (r == 0)
			continue;
		/* vmdev_pci_bind restored this one; put back every other that moved */
		for (size_t j = 0; j < n; j++) {
			_cleanup_(freep) char *now = NULL;

			if (j == i || group->ctx->dry_run)
				continue;
			vmdev_pci_get_driver(moved[j].pci, &now);
			if ((now == NULL) == (moved[j].driver == NULL) &&
			    (!now || strcmp(now, moved[j].driver) == 0))
				continue;
			if (!restore(moved[j].pci, moved[j].driver, moved[j].override))
				r = -ENOTRECOVERABLE;
		}
		break;
	}
out:
	for (size_t i = 0; i < n; i++) {
		free(moved[i].driver);
		free(moved[i].override);
	}
	free(moved);
	return r;
}
