// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The event stream: mdevs added and removed, PCI devices and mdevs bound
 * and unbound, parents changing state. From udevd where it runs (events
 * then carry udev's work done), else straight from the kernel's uevents.
 */
#include <errno.h>
#include <libudev.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "context.h"
#include "sysfs.h"

#define LINK_RETRY_MS 50 /* the kernel adds an mdev's links just after "add" */

/* What we know of a device, for the events that no longer carry it. */
struct known {
	struct known *next;
	char *id, *type, *driver;
};

struct vmdev_monitor {
	struct vmdev_ctx *ctx;
	struct udev_monitor *udev_monitor;
	struct known *known;
};

struct vmdev_event {
	enum vmdev_event_action action;
	enum vmdev_member_kind kind;
	char *id, *parent, *type, *driver;
	long long time_usec;
};

/**
 * vmdev_monitor_new - listen for mdev and PCI driver events
 * @ctx: the context (the monitor takes a reference)
 * @monitor: receives the monitor
 *
 * Events come from udevd when it runs, else from the kernel. They are the
 * running system's, whatever the context's root.
 *
 * Returns 0, -ENOMEM, or -EPROTONOSUPPORT when no event source can be
 * opened.
 */
VMDEV_EXPORT int vmdev_monitor_new(struct vmdev_ctx *ctx, struct vmdev_monitor **monitor)
{
	struct vmdev_monitor *m;
	struct udev *udev;
	bool use_udevd;

	if (!ctx || !monitor)
		return -EINVAL;
	*monitor = NULL;
	udev = ctx_udev(ctx);
	if (!udev)
		return -ENOMEM;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	/* this system's udevd, not one under the root: netlink events come
	 * from the kernel this process runs on, whatever the root */
	use_udevd = access(RUN_UDEV_CONTROL, F_OK) == 0;
	m->udev_monitor = udev_monitor_new_from_netlink(udev, use_udevd ? "udev" : "kernel");
	if (!m->udev_monitor ||
	    udev_monitor_filter_add_match_subsystem_devtype(m->udev_monitor, "mdev", NULL) < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(m->udev_monitor, "pci", NULL) < 0 ||
	    udev_monitor_enable_receiving(m->udev_monitor) < 0) {
		if (m->udev_monitor)
			udev_monitor_unref(m->udev_monitor);
		free(m);
		return -EPROTONOSUPPORT;
	}
	m->ctx = vmdev_ref(ctx);
	*monitor = m;
	return 0;
}

/**
 * vmdev_monitor_unref - close the monitor
 * @monitor: the monitor (may be NULL)
 *
 * Returns NULL.
 */
VMDEV_EXPORT struct vmdev_monitor *vmdev_monitor_unref(struct vmdev_monitor *monitor)
{
	struct known *k, *next;

	if (!monitor)
		return NULL;
	for (k = monitor->known; k; k = next) {
		next = k->next;
		free(k->id);
		free(k->type);
		free(k->driver);
		free(k);
	}
	udev_monitor_unref(monitor->udev_monitor);
	vmdev_unref(monitor->ctx);
	free(monitor);
	return NULL;
}

/** vmdev_monitor_get_fd - a file descriptor that polls readable when an
 * event is waiting (for the caller's own event loop) */
VMDEV_EXPORT int vmdev_monitor_get_fd(struct vmdev_monitor *monitor)
{
	return monitor ? udev_monitor_get_fd(monitor->udev_monitor) : -EINVAL;
}

static struct known *known_get(struct vmdev_monitor *m, const char *id)
{
	struct known *k;

	for (k = m->known; k; k = k->next)
		if (strcmp(k->id, id) == 0)
			return k;
	k = calloc(1, sizeof(*k));
	if (!k || !(k->id = strdup(id))) {
		free(k);
		return NULL;
	}
	k->next = m->known;
	m->known = k;
	return k;
}

static void remember(char **slot, const char *value)
{
	if (!value)
		return;
	free(*slot);
	*slot = strdup(value);
}

static char *dup_or_null(const char *text)
{
	return text ? strdup(text) : NULL;
}

/* The type of an mdev from its mdev_type link, which may lag "add" a little. */
static char *mdev_type_of(struct vmdev_ctx *ctx, struct udev_device *dev)
{
	const char *syspath = udev_device_get_syspath(dev);
	char path[PATH_MAX];

	if (format_path(path, sizeof(path), "%s/mdev_type", syspath) < 0)
		return NULL;
	for (int waited = 0; waited <= LINK_RETRY_MS; waited += 5) {
		char *type = NULL;

		if (sysfs_link_name(ctx, path, &type) == 0)
			return type;
		nanosleep(&(struct timespec){ 0, 5000000L }, NULL);
	}
	return NULL;
}

static bool action_from_text(const char *text, enum vmdev_event_action *action)
{
	static const char *const names[] = { "add", "remove", "bind", "unbind", "change" };

	for (size_t i = 0; text && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(text, names[i]) == 0) {
			*action = (enum vmdev_event_action)i;
			return true;
		}
	}
	return false;
}

static struct vmdev_event *event_from_device(struct vmdev_monitor *m,
					     struct udev_device *dev)
{
	const char *subsystem = udev_device_get_subsystem(dev);
	const char *id = udev_device_get_sysname(dev);
	struct vmdev_event *e;
	struct known *k;
	struct timespec ts;

	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	if (!action_from_text(udev_device_get_action(dev), &e->action) || !subsystem || !id) {
		free(e);
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	e->time_usec = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	e->kind = strcmp(subsystem, "mdev") == 0 ? VMDEV_MEMBER_MDEV : VMDEV_MEMBER_PCI;
	e->id = strdup(id);
	e->driver = dup_or_null(udev_device_get_driver(dev));
	k = known_get(m, id);
	if (e->kind == VMDEV_MEMBER_MDEV) {
		struct udev_device *parent = udev_device_get_parent(dev);

		e->parent = dup_or_null(parent ? udev_device_get_sysname(parent) : NULL);
		if (e->action != VMDEV_EVENT_REMOVE && e->action != VMDEV_EVENT_UNBIND)
			e->type = mdev_type_of(m->ctx, dev);
		if (!e->type && k && k->type)
			e->type = strdup(k->type);
		if (k)
			remember(&k->type, e->type);
	}
	if (k) {
		/* an unbind no longer names the driver: the last bind did */
		if (!e->driver && e->action == VMDEV_EVENT_UNBIND && k->driver)
			e->driver = strdup(k->driver);
		remember(&k->driver, e->driver);
	}
	return e;
}

/**
 * vmdev_monitor_receive - the next event
 * @monitor: the monitor
 * @timeout_ms: how long to wait: 0 not at all, -1 for ever
 * @event: receives the event; free it with vmdev_event_free()
 *
 * Returns 0, -EAGAIN when no event came in time, -EINTR when a signal
 * interrupted the wait, or another negative errno.
 */
VMDEV_EXPORT int vmdev_monitor_receive(struct vmdev_monitor *monitor, int timeout_ms,
				       struct vmdev_event **event)
{
	if (!monitor || !event)
		return -EINVAL;
	*event = NULL;
	for (;;) {
		struct pollfd pfd = { udev_monitor_get_fd(monitor->udev_monitor), POLLIN, 0 };
		struct udev_device *dev;
		int r = poll(&pfd, 1, timeout_ms);

		if (r < 0)
			return -errno;
		if (r == 0)
			return -EAGAIN;
		dev = udev_monitor_receive_device(monitor->udev_monitor);
		if (!dev)
			continue;
		*event = event_from_device(monitor, dev);
		udev_device_unref(dev);
		if (*event)
			return 0;
	}
}

/** vmdev_event_free - free an event (NULL is fine) */
VMDEV_EXPORT void vmdev_event_free(struct vmdev_event *event)
{
	if (!event)
		return;
	free(event->id);
	free(event->parent);
	free(event->type);
	free(event->driver);
	free(event);
}

/** vmdev_event_get_action - add, remove, bind, unbind or change */
VMDEV_EXPORT enum vmdev_event_action vmdev_event_get_action(struct vmdev_event *event)
{
	return event ? event->action : VMDEV_EVENT_CHANGE;
}

/** vmdev_event_get_kind - VMDEV_MEMBER_MDEV or VMDEV_MEMBER_PCI */
VMDEV_EXPORT enum vmdev_member_kind vmdev_event_get_kind(struct vmdev_event *event)
{
	return event ? event->kind : VMDEV_MEMBER_OTHER;
}

/** vmdev_event_get_id - the mdev's UUID or the PCI address */
VMDEV_EXPORT const char *vmdev_event_get_id(struct vmdev_event *event)
{
	return event ? event->id : NULL;
}

/** vmdev_event_get_parent - an mdev's parent, or NULL */
VMDEV_EXPORT const char *vmdev_event_get_parent(struct vmdev_event *event)
{
	return event ? event->parent : NULL;
}

/** vmdev_event_get_type - an mdev's type, or NULL where unknown */
VMDEV_EXPORT const char *vmdev_event_get_type(struct vmdev_event *event)
{
	return event ? event->type : NULL;
}

/** vmdev_event_get_driver - the driver bound or unbound, or NULL */
VMDEV_EXPORT const char *vmdev_event_get_driver(struct vmdev_event *event)
{
	return event ? event->driver : NULL;
}

/** vmdev_event_get_time_usec - when the event was received, in
 * microseconds since the epoch */
VMDEV_EXPORT long long vmdev_event_get_time_usec(struct vmdev_event *event)
{
	return event ? event->time_usec : 0;
}
