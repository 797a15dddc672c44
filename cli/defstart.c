// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Persistent mdevs brought up and down: start (create, then the
 * attributes in order, nothing left half made), stop (as remove) and
 * autostart (every "auto" definition of the parents; what udev runs).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "definitions.h"
#include "mdevs.h"
#include "refusals.h"

/* ---- start ----------------------------------------------------------------- */

struct start_options {
	const char *parent;
	char uuid[VMDEV_UUID_LEN];
	bool force;
};

static const struct command_option start_options[] = {
	UUID_OPTION("uuid", 'u', struct start_options, uuid),
	NAME_OPTION("parent", 'p', "parent name", struct start_options, parent),
	FLAG_OPTION("force", 0, struct start_options, force),
	END_OPTIONS,
};

static int run_start(struct cli *cli, const void *options)
{
	const struct start_options *o = options;
	struct vmdev_definition *def;
	struct vmdev_mdev *mdev = NULL;
	size_t failed = SIZE_MAX;
	char *why;
	int r, code;

	r = no_arguments(cli, "start");
	if (r)
		return r;
	if (!*o->uuid)
		return fail_usage("start needs -u UUID of a definition (see vmdevctl list --defined)");
	r = find_definition(cli, o->uuid, o->parent, &def);
	if (r)
		return r;
	vmdev_set_callout_force(cli->ctx, o->force);
	r = vmdev_definition_start(def, &mdev, &failed);
	if (r == -ECANCELED)
		return fail_callout(cli, "start", o->uuid);
	if (r < 0) {
		code = start_failure_text(def, r, failed, mdev, &why);
		fail_code(code, "cannot start %s on %s/%s: %s", o->uuid,
			  vmdev_definition_get_parent(def), vmdev_definition_get_type(def),
			  why ? why : strerror(-r));
		free(why);
		return code;
	}
	if (cli->dry_run || cli->quiet || !mdev)
		return EXIT_OK;
	if (cli->json)
		mdev_json_document(mdev, def);
	else
		puts(vmdev_mdev_get_uuid(mdev));
	return EXIT_OK;
}

const struct command cmd_start = {
	.name = "start",
	.usage = "start -u UUID [-p PARENT] [--force]",
	.summary = "create a defined mdev with its attributes, return once it is ready",
	.options = start_options,
	.options_size = sizeof(struct start_options),
	.run = run_start,
};

/* ---- stop -------------------------------------------------------------------- */

struct stop_options {
	char uuid[VMDEV_UUID_LEN];
	bool force;
};

static const struct command_option stop_options[] = {
	UUID_OPTION("uuid", 'u', struct stop_options, uuid),
	FLAG_OPTION("force", 0, struct stop_options, force),
	END_OPTIONS,
};

static int run_stop(struct cli *cli, const void *options)
{
	const struct stop_options *o = options;
	int r = no_arguments(cli, "stop");

	if (r)
		return r;
	if (!*o->uuid)
		return fail_usage("stop needs -u UUID (see vmdevctl list)");
	/* as remove -u UUID: the same checks, the same wait; remove's options
	 * are this same one-field struct (lifecycle.c) */
	_Static_assert(offsetof(struct stop_options, force) == VMDEV_UUID_LEN &&
		       sizeof(struct stop_options) == VMDEV_UUID_LEN + sizeof(bool),
		       "stop_options is -u and --force only");
	return cmd_remove.run(cli, o);
}

const struct command cmd_stop = {
	.name = "stop",
	.usage = "stop -u UUID [--force]",
	.summary = "remove an mdev (as remove), return once it is gone",
	.options = stop_options,
	.options_size = sizeof(struct stop_options),
	.run = run_stop,
};

/* ---- autostart -------------------------------------------------------------- */

static const char *action_name(enum vmdev_autostart_action action)
{
	switch (action) {
	case VMDEV_AUTOSTART_STARTED:
		return "started";
	case VMDEV_AUTOSTART_ALREADY_ACTIVE:
		return "already-active";
	case VMDEV_AUTOSTART_MISMATCH:
		return "mismatch";
	default:
		return "failed";
	}
}

/* Why a result is not a success, a malloc'd phrase; NULL for a success. */
static char *result_error(struct vmdev_autostart *res)
{
	struct vmdev_definition *def = vmdev_autostart_get_definition(res);
	struct vmdev_mdev *mdev = vmdev_autostart_get_mdev(res);
	char *text = NULL;
	size_t index = SIZE_MAX;

	switch (vmdev_autostart_get_action(res)) {
	case VMDEV_AUTOSTART_MISMATCH:
		if (mdev) {
			struct vmdev_type *type = vmdev_mdev_get_type(mdev);

			if (asprintf(&text, "its UUID runs as %s/%s, not %s/%s: left alone",
				     vmdev_parent_get_name(vmdev_type_get_parent(type)),
				     vmdev_type_get_id(type), vmdev_definition_get_parent(def),
				     vmdev_definition_get_type(def)) < 0)
				text = NULL;
		} else {
			text = strdup("its UUID runs on another parent or with another type: left alone");
		}
		return text ? text : strdup("?");
	case VMDEV_AUTOSTART_FAILED:
		vmdev_autostart_get_failed_attr(res, &index);
		start_failure_text(def, vmdev_autostart_get_error(res), index,
				   index != SIZE_MAX ? mdev : NULL, &text);
		return text ? text : strdup("?");
	default:
		return NULL;
	}
}

struct report {
	struct jout j;
	bool bad;
};

static void report_results(struct cli *cli, struct report *rep, struct vmdev_autostart *first)
{
	struct vmdev_autostart *res;

	vmdev_autostart_foreach(first, res) {
		struct vmdev_definition *def = vmdev_autostart_get_definition(res);
		enum vmdev_autostart_action action = vmdev_autostart_get_action(res);
		char *error = result_error(res);

		if (action != VMDEV_AUTOSTART_STARTED && action != VMDEV_AUTOSTART_ALREADY_ACTIVE)
			rep->bad = true;
		if (cli->dry_run || cli->quiet) {
		} else if (cli->json) {
			jout_open_object(&rep->j, NULL);
			jout_string(&rep->j, "uuid", vmdev_definition_get_uuid(def));
			jout_string(&rep->j, "parent", vmdev_definition_get_parent(def));
			jout_string(&rep->j, "action", action_name(action));
			jout_string(&rep->j, "error", error);
			jout_close_object(&rep->j);
		} else {
			printf("%s on %s/%s: %s%s%s\n", vmdev_definition_get_uuid(def),
			       vmdev_definition_get_parent(def), vmdev_definition_get_type(def),
			       action == VMDEV_AUTOSTART_ALREADY_ACTIVE ? "already active"
									: action_name(action),
			       error ? ": " : "", error ? error : "");
		}
		free(error);
	}
}

static int autostart_parent(struct cli *cli, struct report *rep, const char *parent)
{
	struct vmdev_definition_error *error;
	struct vmdev_autostart *results = NULL;
	int r = vmdev_parent_autostart(cli->ctx, parent, &results);

	/* a definition that cannot be read may be an "auto" one: it did not come up */
	vmdev_definition_error_foreach(cli->ctx, error) {
		const char *p = vmdev_definition_error_get_parent(error);

		if (p && strcmp(p, parent) == 0) {
			say_definition_error(error);
			rep->bad = true;
		}
	}
	if (r == -EBUSY) {
		rep->bad = true;
		return fail_code(EXIT_BUSY, "cannot autostart %s: another autostart of it holds its lock (try again)",
				 parent);
	}
	if (r < 0) {
		rep->bad = true;
		return fail(r, "cannot autostart %s", parent);
	}
	report_results(cli, rep, results);
	vmdev_autostart_free(results);
	return 0;
}

struct autostart_options {
	bool from_udev;
};

/* --from-udev: what the udev rule runs where no systemd takes the work
 * (see udev/60-vmdevctl.rules): udevd holds the events of the parent's
 * new mdevs until we end, so wait for the kernel only */
static const struct command_option autostart_options[] = {
	FLAG_OPTION("from-udev", 0, struct autostart_options, from_udev),
	END_OPTIONS,
};

static int run_autostart(struct cli *cli, const void *options)
{
	const struct autostart_options *o = options;
	struct vmdev_definition *def;
	const char *last = NULL;
	struct report rep = { .bad = false };
	int worst = 0;

	if (o->from_udev)
		vmdev_set_wait_for_udev(cli->ctx, false);
	for (int i = 0; i < cli->n_args; i++) {
		if (vmdev_check_name(cli->args[i]) < 0)
			return fail_usage("invalid parent name '%s'", shown(cli->args[i]));
		for (int k = 0; k < i; k++)
			if (strcmp(cli->args[k], cli->args[i]) == 0)
				return fail_usage("parent %s given twice", shown(cli->args[i]));
	}
	if (cli->json && !cli->dry_run && !cli->quiet)
		jout_begin(&rep.j, stdout);
	if (cli->n_args > 0) {
		for (int i = 0; i < cli->n_args; i++) {
			int r = autostart_parent(cli, &rep, cli->args[i]);

			worst = r > worst ? r : worst;
		}
	} else {
		/* every parent with definitions (they come sorted by parent) */
		vmdev_definition_foreach(cli->ctx, def) {
			const char *parent = vmdev_definition_get_parent(def);
			int r;

			if (last && strcmp(last, parent) == 0)
				continue;
			last = parent;
			r = autostart_parent(cli, &rep, parent);
			worst = r > worst ? r : worst;
		}
	}
	if (cli->json && !cli->dry_run && !cli->quiet)
		jout_end(&rep.j);
	if (worst)
		return worst;
	return rep.bad ? EXIT_FAILED : EXIT_OK;
}

const struct command cmd_autostart = {
	.name = "autostart",
	.usage = "autostart [--from-udev] [PARENT...]",
	.summary = "start the auto definitions (of these parents) that are not active",
	.options = autostart_options,
	.options_size = sizeof(struct autostart_options),
	.run = run_autostart,
};
