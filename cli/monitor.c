// SPDX-License-Identifier: GPL-2.0-or-later
/* monitor: one line per mdev or PCI driver event, until SIGINT or SIGTERM. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "jsonout.h"
#include "vmdevctl.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static const char *action_name(enum vmdev_event_action action)
{
	static const char *const names[] = { "add", "remove", "bind", "unbind", "change" };

	return (unsigned int)action < sizeof(names) / sizeof(names[0]) ? names[action] : "change";
}

static void format_time(long long usec, char *buf, size_t size)
{
	time_t sec = (time_t)(usec / 1000000);
	struct tm tm;
	char base[32];

	gmtime_r(&sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06lldZ", base, usec % 1000000);
}

static void print_event(struct cli *cli, struct vmdev_event *e)
{
	const char *kind = vmdev_event_get_kind(e) == VMDEV_MEMBER_MDEV ? "mdev" : "pci";
	char when[48];

	format_time(vmdev_event_get_time_usec(e), when, sizeof(when));
	if (cli->json) {
		struct jout j;

		/* one object a line, flushed: a reader sees each event as it comes */
		jout_line_begin(&j, stdout);
		jout_line_string(&j, "time", when);
		jout_line_string(&j, "event", action_name(vmdev_event_get_action(e)));
		jout_line_string(&j, "kind", kind);
		jout_line_string(&j, "id", vmdev_event_get_id(e));
		jout_line_string(&j, "parent", vmdev_event_get_parent(e));
		jout_line_string(&j, "type", vmdev_event_get_type(e));
		jout_line_string(&j, "driver", vmdev_event_get_driver(e));
		jout_line_end(&j);
	} else {
		printf("%s %-6s %-4s %s", when, action_name(vmdev_event_get_action(e)), kind,
		       vmdev_event_get_id(e));
		if (vmdev_event_get_parent(e))
			printf(" %s/%s", vmdev_event_get_parent(e), or_dash(vmdev_event_get_type(e)));
		if (vmdev_event_get_driver(e))
			printf(" driver=%s", vmdev_event_get_driver(e));
		putchar('\n');
	}
	fflush(stdout);
}

static int run_monitor(struct cli *cli, const void *options)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct vmdev_monitor *monitor;
	sigset_t block, unblocked;
	int r = EXIT_OK;

	if (cli->n_args > 0)
		return fail_usage("monitor takes no argument '%s'", shown(cli->args[0]));
	r = vmdev_monitor_new(cli->ctx, &monitor);
	if (r < 0)
		return fail(r, "cannot listen for device events");
	r = EXIT_OK;
	/* our own handlers, even when started with the signals ignored; they are
	 * blocked except inside ppoll, so none can slip between check and wait */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		struct pollfd pfd = { vmdev_monitor_get_fd(monitor), POLLIN, 0 };
		struct vmdev_event *e;

		if (ppoll(&pfd, 1, NULL, &unblocked) < 0) {
			if (errno == EINTR)
				continue;
			r = fail(-errno, "waiting for device events");
			break;
		}
		while (!stop && vmdev_monitor_receive(monitor, 0, &e) == 0) {
			if (!cli->quiet)
				print_event(cli, e);
			vmdev_event_free(e);
			if (ferror(stdout)) {
				r = fail_code(EXIT_FAILED, "cannot write events: %s", strerror(errno));
				stop = -1;
				break;
			}
		}
	}
	vmdev_monitor_unref(monitor);
	return r;
}

const struct command cmd_monitor = {
	.name = "monitor",
	.usage = "monitor",
	.summary = "print mdev and PCI driver events until SIGINT or SIGTERM",
	.run = run_monitor,
};
