// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Waiting for the kernel, and for udev where udevd runs, to finish what a
 * write started. Never a fixed sleep: the condition is checked again on
 * each uevent, and on a short bounded poll where no events can be had
 * (another root, a container without netlink, a guest without udevd).
 */
#include <errno.h>
#include <libudev.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "sysfs.h"

#define POLL_SLICE_MS 10        /* without events: how often to look again */
#define EVENT_SLICE_MS 100      /* with events: a safety net for missed ones */

/* udevd runs on this host: "done" then includes udev having processed the
 * event (rules applied, /dev/vfio/N permissions in place). */
bool udevd_running(struct vmdev_ctx *ctx)
{
	return !ctx->no_udev_wait && ctx_is_host(ctx) && sysfs_exists(ctx, RUN_UDEV_CONTROL);
}

/* Open an event source before a write, so that no event is missed. */
struct udev_monitor *waiter_open(struct vmdev_ctx *ctx)
{
	struct udev_monitor *monitor;
	struct udev *udev;

	if (!ctx_is_host(ctx) || ctx->dry_run)
		return NULL;
	udev = ctx_udev(ctx);
	if (!udev)
		return NULL;
	monitor = udev_monitor_new_from_netlink(udev,
						udevd_running(ctx) ? "udev" : "kernel");
	if (!monitor)
		return NULL;
	if (udev_monitor_filter_add_match_subsystem_devtype(monitor, "mdev", NULL) < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(monitor, "pci", NULL) < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(monitor, "vfio", NULL) < 0 ||
	    udev_monitor_enable_receiving(monitor) < 0) {
		udev_monitor_unref(monitor);
		return NULL;
	}
	return monitor;
}

void waiter_close(struct udev_monitor *monitor)
{
	if (monitor)
		udev_monitor_unref(monitor);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drain(struct udev_monitor *monitor,
		  void (*seen)(struct udev_device *dev, void *data), void *data)
{
	struct udev_device *dev;

	while ((dev = udev_monitor_receive_device(monitor))) {
		if (seen)
			seen(dev, data);
		udev_device_unref(dev);
	}
}

/*
 * Wait until DONE returns > 0 (then 0) or < 0 (that error), at most the
 * context's timeout; -ETIMEDOUT after it. SEEN, if set, sees every event
 * first: from udevd, an event means udev has finished with that device.
 */
int wait_until(struct vmdev_ctx *ctx, struct udev_monitor *monitor,
	       int (*done)(struct vmdev_ctx *ctx, void *data),
	       void (*seen)(struct udev_device *dev, void *data), void *data)
{
	long long deadline = now_ms() + ctx->timeout_ms;

	for (;;) {
		long long left;
		int r = done(ctx, data);

		if (r != 0)
			return r < 0 ? r : 0;
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		if (monitor) {
			struct pollfd pfd = { udev_monitor_get_fd(monitor), POLLIN, 0 };

			if (poll(&pfd, 1, (int)(left < EVENT_SLICE_MS ? left : EVENT_SLICE_MS)) > 0)
				drain(monitor, seen, data);
		} else {
			long long slice = left < POLL_SLICE_MS ? left : POLL_SLICE_MS;
			struct timespec ts = { 0, (long)slice * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
}
