/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdevctl: shared declarations of the command line. Only the public
 * libvmdev.h is used: whatever vmdevctl does, a library user can do. */
#ifndef VMDEVCTL_H
#define VMDEVCTL_H

#include <stdbool.h>
#include <json-c/json.h>

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

/* Options common to all commands, and the parsed command options. */
struct cli {
	struct vmdev_ctx *ctx;
	bool json, quiet, dry_run;
	int verbose;
	const char *parent, *type, *uuid, *driver, *group;
	bool group_flag, new_id, force, no_probe;
	char uuid_buf[VMDEV_UUID_LEN];
	unsigned int group_number;
	char **args; /* positional arguments after the command */
	int n_args;
};

struct command {
	const char *name;
	int (*run)(struct cli *cli);
	const char *options; /* short letters of the command's own options */
	const char *usage;
	const char *summary;
};

/* commands */
int cmd_list(struct cli *cli);
int cmd_types(struct cli *cli);
int cmd_parents(struct cli *cli);
int cmd_devices(struct cli *cli);
int cmd_groups(struct cli *cli);
int cmd_check(struct cli *cli);
int cmd_create(struct cli *cli);
int cmd_remove(struct cli *cli);
int cmd_bind(struct cli *cli);
int cmd_unbind(struct cli *cli);
int cmd_monitor(struct cli *cli);
int cmd_qemu_args(struct cli *cli);

/* output.c */
int exit_code_for(int err);
int fail(int err, const char *format, ...) _printf_(2, 3);
int fail_usage(const char *format, ...) _printf_(1, 2);
int fail_code(int code, const char *format, ...) _printf_(2, 3);
void json_add_string(json_object *obj, const char *key, const char *value);
void json_add_int(json_object *obj, const char *key, long long value);
void json_add_bool(json_object *obj, const char *key, bool value);
void json_add_hex(json_object *obj, const char *key, unsigned int value, int width);
int json_print(struct cli *cli, json_object *array);
const char *or_dash(const char *text);
/* an argument made safe for a one-line error message */
const char *shown(const char *arg);
/* UTF-8: the length of the sequence at S (0: not well-formed); a copy of
 * S made valid (NULL when it is already); a JSON string of it */
size_t utf8_length(const unsigned char *s);
char *utf8_sanitized(const char *s);
json_object *json_string(const char *s);

/* explain.c: the words for the library's structured results */
char *refusal_text(const struct vmdev_refusal *refusal, struct vmdev_pci *pci,
		   const char *driver);
char *warning_text(struct vmdev_group *group, struct vmdev_warning *warning);

/* group.c of the CLI: a group's verdict as JSON and text */
json_object *group_to_json(struct vmdev_group *group, bool *viable, int *error);
void group_print_text(json_object *group);

#endif
