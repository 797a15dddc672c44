// SPDX-License-Identifier: GPL-2.0-or-later
/* vmdevctl: the command table, the library context and main(). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "mdevctl.h"
#include "options.h"

const struct command *const commands[] = {
	&cmd_list, &cmd_types, &cmd_parents, &cmd_devices, &cmd_groups, &cmd_check,
	&cmd_create, &cmd_remove, &cmd_bind, &cmd_unbind, &cmd_monitor, &cmd_qemu_args,
	&cmd_define, &cmd_undefine, &cmd_modify, &cmd_start, &cmd_stop, &cmd_autostart,
};
const size_t n_commands = sizeof(commands) / sizeof(commands[0]);

const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < n_commands; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void log_to_stderr(struct vmdev_ctx *ctx, int priority, const char *file,
			  int line, const char *fn, const char *format, va_list args)
{
	fprintf(stderr, "vmdevctl: %s: ", fn);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

/* --dry-run: every write, module load and file removal the library would
 * make (a definition file's content comes as compact JSON, one line) */
static void print_action(struct vmdev_ctx *ctx, enum vmdev_action action,
			 const char *target, const char *value, void *data)
{
	if (action == VMDEV_ACTION_LOAD)
		printf("load %s\n", target);
	else if (action == VMDEV_ACTION_REMOVE)
		printf("remove %s\n", target);
	else if (value && *value)
		printf("write %s %s\n", target, value);
	else
		printf("write %s\n", target);
}

/* The library context as the global options and the environment say. */
static int new_context(const struct command_line *line, struct vmdev_ctx **ctx)
{
	int r;

	/* the command line wins over the environment, even a broken one */
	if (line->root)
		unsetenv("VMDEV_ROOT");
	if (line->timeout)
		unsetenv("VMDEV_TIMEOUT");
	if (line->verbose)
		unsetenv("VMDEV_LOG");
	r = vmdev_new(ctx);
	if (r < 0) {
		const char *env = getenv("VMDEV_ROOT");
		const char *log = getenv("VMDEV_LOG"), *timeout = getenv("VMDEV_TIMEOUT");
		unsigned int ms;
		int prio;

		if (r == -EINVAL && timeout && vmdev_parse_timeout_ms(timeout, &ms) < 0)
			return fail_usage("invalid VMDEV_TIMEOUT '%s'", shown(timeout));
		if (r == -EINVAL && log && vmdev_parse_log_priority(log, &prio) < 0)
			return fail_usage("invalid VMDEV_LOG '%s' (err, info, debug or 0 to 7)",
					  shown(log));
		if (r == -ENOMEM)
			return fail(r, "cannot start");
		fail(r, "invalid VMDEV_ROOT '%s'", shown(env));
		return EXIT_USAGE;
	}
	if (line->root) {
		r = vmdev_set_root(*ctx, line->root);
		if (r < 0) {
			fail(r, "invalid --root '%s'", shown(line->root));
			vmdev_unref(*ctx);
			return EXIT_USAGE;
		}
	}
	if (line->timeout)
		vmdev_set_timeout_ms(*ctx, line->timeout_ms);
	if (line->verbose) {
		vmdev_set_log_fn(*ctx, log_to_stderr);
		if (line->verbose > 1 || vmdev_get_log_priority(*ctx) < LOG_INFO)
			vmdev_set_log_priority(*ctx, line->verbose > 1 ? LOG_DEBUG : LOG_INFO);
	} else if (getenv("VMDEV_LOG")) {
		vmdev_set_log_fn(*ctx, log_to_stderr);
	}
	if (line->dry_run) {
		vmdev_set_dry_run(*ctx, true);
		vmdev_set_action_fn(*ctx, print_action, NULL);
	}
	return 0;
}

static int run(int argc, char **argv)
{
	struct command_line line;
	struct cli cli;
	int r = parse_command_line(argc, argv, &line);

	if (r == 0)
		r = show_help(&line);
	if (r == -1 && !line.command)
		r = fail_usage("unknown command '%s' (see vmdevctl --help)", shown(line.words[0]));
	if (r == -1) {
		cli = (struct cli){ .json = line.json, .quiet = line.quiet, .dry_run = line.dry_run,
				    .args = line.words + 1, .n_args = line.n_words - 1 };
		r = new_context(&line, &cli.ctx);
		if (r == 0) {
			r = line.command->run(&cli, line.options);
			vmdev_unref(cli.ctx);
		}
	}
	command_line_free(&line);
	return r;
}

/* run as mdevctl or lsmdev (links to us), or as `vmdevctl mdevctl ...`:
 * mdevctl's command line (mdevctl.c) */
static int personality(int argc, char **argv)
{
	const char *name = argv[0] ? strrchr(argv[0], '/') : NULL;

	name = name ? name + 1 : argv[0] ? argv[0] : "";
	if (strcmp(name, "mdevctl") == 0 || strcmp(name, "lsmdev") == 0)
		return mdevctl_main(argc, argv, strcmp(name, "lsmdev") == 0);
	if (argc > 1 && strcmp(argv[1], "mdevctl") == 0)
		return mdevctl_main(argc - 1, argv + 1, false);
	return -1;
}

int main(int argc, char **argv)
{
	int r = personality(argc, argv);

	if (r < 0)
		r = run(argc, argv);

	/* a full disk or a closed pipe must not look like success */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vmdevctl: cannot write output: %s\n", strerror(errno));
		return r ? r : EXIT_FAILED;
	}
	return r;
}
