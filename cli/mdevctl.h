/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmdevctl's mdevctl personality: mdevctl 1.2.0's command line (with what
 * 1.3 and 1.4 added that libvirt uses), its output byte for byte, its exit
 * codes (0 ok, 1 runtime error, 2 usage). Run as `mdevctl`, `lsmdev` or
 * `vmdevctl mdevctl ...`. Only the public libvmdev.h is used.
 */
#ifndef VMDEVCTL_MDEVCTL_H
#define VMDEVCTL_MDEVCTL_H

#include <stdbool.h>
#include <stdio.h>

#include <libvmdev.h>

#define _printf_(a, b) __attribute__((format(printf, a, b)))

/* mdevctl's exit codes: clap's usage errors are 2, everything else 1 */
enum mc_exit { MC_OK = 0, MC_FAILED = 1, MC_USAGE = 2 };

/* every option of every mdevctl command, by what it means */
enum mc_opt {
	MC_UUID,
	MC_PARENT,
	MC_TYPE,
	MC_DEFINED,
	MC_DUMPJSON,
	MC_VERBOSE,
	MC_AUTO,
	MC_MANUAL,
	MC_JSONFILE,
	MC_ADDATTR,
	MC_VALUE,
	MC_INDEX,
	MC_DELATTR,
	MC_LIVE,
	MC_FORCE,
	MC_N_OPTS,
};

/* A command's parsed arguments: each option's presence and value (UUIDs
 * already in lower-case hyphenated form, as mdevctl prints them). */
struct mc_args {
	struct vmdev_ctx *ctx;
	bool given[MC_N_OPTS];
	const char *value[MC_N_OPTS];
	char uuid[VMDEV_UUID_LEN];
	unsigned int index;
	const char *positional; /* start-parent-mdevs PARENT */
	/* -f/--force (1.3+): to be passed to vmdev_set_callout_force() once
	 * the callouts (lib/callout.c) are merged */
	bool force;
};

/* mdevctl.c: "Error: ..." on stderr (mdevctl's prefix), and the exit code */
int mc_fail(int code, const char *format, ...) _printf_(2, 3);

/* mdevctl-json.c: serde_json's pretty printing, which mdevctl uses */
void mc_json_string(FILE *f, const char *s);
void mc_json_indent(FILE *f, int level);
/* {"mdev_type", "start", "attrs"} at LEVEL (the opening brace is not
 * indented: it follows a key or an indentation already written) */
struct mc_config {
	const char *type;
	bool auto_start;
	struct vmdev_definition *def; /* its attrs; NULL for none */
};
void mc_json_config(FILE *f, const struct mc_config *config, int level);

/* the commands (mdevctl-list.c, mdevctl-define.c, mdevctl-start.c) */
int mc_list(struct mc_args *a);
int mc_types(struct mc_args *a);
int mc_define(struct mc_args *a);
int mc_undefine(struct mc_args *a);
int mc_modify(struct mc_args *a);
int mc_start(struct mc_args *a);
int mc_stop(struct mc_args *a);
int mc_start_parent_mdevs(struct mc_args *a);

/* mdevctl-define.c: --jsonfile FILE read into DEF (type, start, attrs),
 * as mdevctl reads it; 0 or the exit code once said */
int mc_apply_jsonfile(struct vmdev_definition *def, const char *path);

/* the definition of UUID (under PARENT, or any) as mdevctl finds it:
 * 0, or the exit code once said (none, several, unreadable) */
int mc_find_definition(struct mc_args *a, struct vmdev_definition **def);

/* mdevctl.c: the personality's entry; LSMDEV: run as lsmdev (= list) */
int mdevctl_main(int argc, char **argv, bool lsmdev);

#endif
