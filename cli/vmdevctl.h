/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdevctl: shared declarations of the command line. Only the public
 * libvmdev.h is used: whatever vmdevctl does, a library user can do. */
#ifndef VMDEVCTL_H
#define VMDEVCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <libvmdev.h>

#define _printf_(a, b) __attribute__((format(printf, a, b)))

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,  /* refused for the device's state; check: not viable */
	EXIT_USAGE = 2,
	EXIT_NOT_FOUND = 3,
	EXIT_PERMISSION = 4,
	EXIT_BUSY = 5,
};

/* What every command gets: the context, the global options and the
 * positional arguments after the command. */
struct cli {
	struct vmdev_ctx *ctx;
	bool json, quiet, dry_run;
	char **args;
	int n_args;
};

/*
 * A command's own options: each command file declares a struct for their
 * values and a table of them; options.c parses them into that struct and
 * checks each value as it comes (invalid input is exit 2 before anything
 * is read). A letter means the same option in every command that has it.
 */
enum option_kind {
	OPTION_FLAG,  /* bool */
	OPTION_NAME,  /* const char *, a name that becomes part of a path */
	OPTION_UUID,  /* char[VMDEV_UUID_LEN], lower case; "" when not given */
	OPTION_GROUP, /* struct group_option */
	OPTION_STRING, /* const char *, as given (a file name: --jsonfile) */
	OPTION_ATTR,   /* struct list_option, repeatable: NAME=VALUE each */
	OPTION_ATTR_NAME, /* struct list_option, repeatable: NAME or NAME=VALUE */
};

/* A repeatable option's values, in the order given (each checked). */
#define LIST_OPTION_MAX 256
struct list_option {
	const char *items[LIST_OPTION_MAX];
	size_t n;
};

struct group_option {
	bool given;
	unsigned int number;
};

struct command_option {
	const char *name;  /* --name */
	char letter;       /* -l, or 0 for a long-only option */
	enum option_kind kind;
	const char *what;  /* OPTION_NAME: the kind of name, for errors */
	size_t offset;     /* where the value goes in the command's struct */
};

/* offsetof(TYPE, FIELD), refused at compile time unless FIELD is a CTYPE */
#define OPTION_FIELD(type, field, ctype)                                         \
	(offsetof(type, field) +                                                 \
	 0 * sizeof(char[__builtin_types_compatible_p(__typeof__(((type *)0)->field), \
						      ctype) ? 1 : -1]))
#define FLAG_OPTION(name, letter, type, field) \
	{ name, letter, OPTION_FLAG, NULL, OPTION_FIELD(type, field, bool) }
#define NAME_OPTION(name, letter, what, type, field) \
	{ name, letter, OPTION_NAME, what, OPTION_FIELD(type, field, const char *) }
#define UUID_OPTION(name, letter, type, field) \
	{ name, letter, OPTION_UUID, NULL, OPTION_FIELD(type, field, char[VMDEV_UUID_LEN]) }
#define GROUP_OPTION(name, letter, type, field) \
	{ name, letter, OPTION_GROUP, NULL, OPTION_FIELD(type, field, struct group_option) }
#define STRING_OPTION(name, letter, type, field) \
	{ name, letter, OPTION_STRING, NULL, OPTION_FIELD(type, field, const char *) }
#define ATTR_OPTION(name, kind, type, field) \
	{ name, 0, kind, NULL, OPTION_FIELD(type, field, struct list_option) }
#define END_OPTIONS { NULL, 0, 0, NULL, 0 }

struct command {
	const char *name;
	const char *usage;
	const char *summary;
	const struct command_option *options; /* NULL, or ends with END_OPTIONS */
	size_t options_size;                  /* of the struct they are parsed into */
	int (*run)(struct cli *cli, const void *options);
};

/* the commands, in the order help lists them (vmdevctl.c) */
extern const struct command *const commands[];
extern const size_t n_commands;
const struct command *find_command(const char *name);

extern const struct command cmd_list, cmd_types, cmd_parents, cmd_devices, cmd_groups,
	cmd_check, cmd_create, cmd_remove, cmd_bind, cmd_unbind, cmd_monitor, cmd_qemu_args,
	cmd_define, cmd_undefine, cmd_modify, cmd_start, cmd_stop, cmd_autostart;
extern const struct command cmd_sriov;

/* errors.c: "vmdevctl: WHAT: WHY" on stderr, and the exit code for it */
int exit_code_for(int err);
int fail(int err, const char *format, ...) _printf_(2, 3);
int fail_usage(const char *format, ...) _printf_(1, 2);
int fail_code(int code, const char *format, ...) _printf_(2, 3);
/* an argument made safe for a one-line error message */
const char *shown(const char *arg);
/* after -ECANCELED from an operation: which callout refused it */
char *callout_refusal_text(struct vmdev_ctx *ctx, const char *action, const char *what);
int fail_callout(struct cli *cli, const char *action, const char *what);
/* the usual complaint about positional arguments of a command without any */
int no_arguments(struct cli *cli, const char *command);

/* utf8.c: the length of the sequence at S (0: not well-formed); a copy of
 * S made valid (NULL when it is already); S printed valid */
size_t utf8_length(const unsigned char *s);
char *utf8_sanitized(const char *s);
void print_utf8(const char *s);
const char *or_dash(const char *text);

/* hints.c: a host without what a read command lists, in text mode */
void hint_no_iommu_groups(void);
void hint_no_mdev_parents(void);
void hint_no_mdevs(void);
void hint_no_definitions(void);

#endif
