// SPDX-License-Identifier: GPL-2.0-or-later
/* What the command line offers: --help, help COMMAND, --version, and the
 * --list-cmds and --list-opts that the bash completion reads. */
#include <stdio.h>
#include <string.h>

#include "options.h"

#ifndef VMDEVCTL_VERSION
#define VMDEVCTL_VERSION "unknown"
#endif

static const char global_usage[] =
	"Global options (before or after the command):\n"
	"  --root DIR      resolve host paths under DIR (env VMDEV_ROOT)\n"
	"  -j, --json      JSON output\n"
	"  -q, --quiet     print nothing on success\n"
	"  -v, --verbose   more log on stderr (repeatable)\n"
	"  -n, --dry-run   print writes instead of doing them\n"
	"  --timeout MS    wait limit for the kernel and udev (env VMDEV_TIMEOUT)\n"
	"  -h, --help      this help; vmdevctl help COMMAND for one command\n"
	"  -V, --version   the version\n";

static void usage(FILE *out)
{
	fputs("Usage: vmdevctl [GLOBAL OPTIONS] COMMAND [ARGS]\n\nCommands:\n", out);
	for (size_t i = 0; i < n_commands; i++)
		fprintf(out, "  %-44s %s\n", commands[i]->usage, commands[i]->summary);
	fprintf(out, "  %-44s %s\n\n%s", "help [COMMAND]", "show help", global_usage);
}

static int help(const char *name)
{
	const struct command *cmd;

	if (!name) {
		usage(stdout);
		return EXIT_OK;
	}
	cmd = find_command(name);
	if (!cmd)
		return fail_usage("unknown command '%s' (see vmdevctl --help)", shown(name));
	printf("Usage: vmdevctl [GLOBAL OPTIONS] %s\n\n%s.\n"
	       "See man vmdevctl for the details.\n\n%s",
	       cmd->usage, cmd->summary, global_usage);
	return EXIT_OK;
}

/* The long options of CMD (the global ones without a command), one a line. */
static void list_options(const struct command *cmd)
{
	puts("--root\n--json\n--quiet\n--verbose\n--dry-run\n--timeout\n--help\n--version");
	for (const struct command_option *o = cmd ? cmd->options : NULL; o && o->name; o++)
		printf("--%s\n", o->name);
}

/* Whatever the line asks instead of running a command; -1 if nothing. */
int show_help(const struct command_line *line)
{
	if (line->version) {
		puts("vmdevctl " VMDEVCTL_VERSION);
		return EXIT_OK;
	}
	if (line->list_cmds) {
		for (size_t i = 0; i < n_commands; i++)
			puts(commands[i]->name);
		puts("help");
		return EXIT_OK;
	}
	if (line->list_opts) {
		list_options(line->command);
		return EXIT_OK;
	}
	if (line->n_words == 0 || line->help) {
		if (line->help || line->n_words > 0)
			return help(line->command ? line->command->name : NULL);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(line->words[0], "help") == 0) {
		if (line->n_words > 2)
			return fail_usage("help takes one command");
		return help(line->words[1]);
	}
	return -1;
}
