/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line of vmdevctl, parsed: global options, the command and its
 * own options, the positional arguments. */
#ifndef VMDEVCTL_OPTIONS_H
#define VMDEVCTL_OPTIONS_H

#include "vmdevctl.h"

struct command_line {
	const struct command *command; /* the command named, if any */
	void *options;                 /* its options (command->options_size) */
	const char *root, *timeout;    /* --root, --timeout as given */
	unsigned int timeout_ms;
	bool json, quiet, dry_run, help, version, list_cmds, list_opts;
	int verbose;
	char **words; /* from the command word (or "help") on */
	int n_words;
};

/* Parse ARGV into LINE; 0, or the exit code of a usage error (reported).
 * LINE->options is freed by command_line_free() either way. */
int parse_command_line(int argc, char **argv, struct command_line *line);
void command_line_free(struct command_line *line);

/* help.c: print what LINE asks instead of a command (help, version, the
 * lists for completion) and return the exit code; -1 when it asks none */
int show_help(const struct command_line *line);

#endif
