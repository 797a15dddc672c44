// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command line: global options, accepted before or after the command,
 * and the command's own options, declared by each command (vmdevctl.h).
 *
 * getopt_long() sees every option of every command at once: that way an
 * option of another command ("list --group") is "not for list" rather than
 * unknown, and abbreviations resolve the same whichever command is given.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

enum {
	OPT_ROOT = 0x100,
	OPT_TIMEOUT,
	OPT_LIST_CMDS,
	OPT_LIST_OPTS,
	OPT_LONG_ONLY = 0x200, /* + the index of a long-only command option */
};

static const struct option global_options[] = {
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "list-cmds", no_argument, NULL, OPT_LIST_CMDS },
	{ "list-opts", no_argument, NULL, OPT_LIST_OPTS },
};
#define N_GLOBAL (sizeof(global_options) / sizeof(global_options[0]))
#define MAX_OPTIONS 64
#define ATTR_VALUE_MAX 4094 /* a page, less the newline and the NUL */

/* The options of all commands together, as getopt_long() wants them. */
struct option_table {
	struct option longs[MAX_OPTIONS + 1];
	const struct command_option *of[MAX_OPTIONS]; /* per entry; NULL: global */
	char shorts[2 * MAX_OPTIONS + 2];
};

static void build_table(struct option_table *t)
{
	size_t n = 0, s = 0;

	memcpy(t->longs, global_options, sizeof(global_options));
	memset(t->of, 0, sizeof(t->of));
	n = N_GLOBAL;
	/* a leading ':' makes a missing value ':', not '?' */
	s = (size_t)sprintf(t->shorts, ":jqvnhV");
	for (size_t c = 0; c < n_commands; c++) {
		for (const struct command_option *o = commands[c]->options; o && o->name; o++) {
			bool seen = false;

			for (size_t i = N_GLOBAL; i < n && !seen; i++)
				seen = strcmp(t->longs[i].name, o->name) == 0;
			if (seen || n == MAX_OPTIONS)
				continue;
			t->of[n] = o;
			t->longs[n] = (struct option){
				o->name, o->kind == OPTION_FLAG ? no_argument : required_argument,
				NULL, o->letter ? o->letter : OPT_LONG_ONLY + (int)n
			};
			n++;
			if (o->letter) {
				t->shorts[s++] = o->letter;
				if (o->kind != OPTION_FLAG)
					t->shorts[s++] = ':';
			}
		}
	}
	t->longs[n] = (struct option){ NULL, 0, NULL, 0 };
	t->shorts[s] = '\0';
}

/* The command option getopt_long() returned as OPT. */
static const struct command_option *option_of(const struct option_table *t, int opt)
{
	if (opt >= OPT_LONG_ONLY)
		return t->of[opt - OPT_LONG_ONLY];
	for (size_t i = N_GLOBAL; t->longs[i].name; i++)
		if (t->of[i] && t->of[i]->letter == opt)
			return t->of[i];
	return NULL;
}

/* How the user knows option O: "-p", or "--group" for a long-only one. */
static const char *option_name(const struct command_option *o)
{
	static char name[64];

	if (o->letter)
		snprintf(name, sizeof(name), "-%c", o->letter);
	else
		snprintf(name, sizeof(name), "--%s", o->name);
	return name;
}

/* CMD's own option of that name, or NULL */
static const struct command_option *own_option(const struct command *cmd,
					       const struct command_option *o)
{
	for (const struct command_option *c = cmd ? cmd->options : NULL; c && c->name; c++)
		if (strcmp(c->name, o->name) == 0)
			return c;
	return NULL;
}

/* --attr NAME=VALUE, --del-attr NAME[=VALUE]: the name becomes a path below
 * the mdev, the value is written as one line of a sysfs attribute (a page). */
static int take_attr(const struct command_option *o, struct list_option *list,
		     const char *value)
{
	const char *eq = strchr(value, '=');
	char name[256];
	size_t len = eq ? (size_t)(eq - value) : strlen(value);

	if (list->n == LIST_OPTION_MAX)
		return fail_usage("option --%s given more than %d times", o->name,
				  LIST_OPTION_MAX);
	if (o->kind == OPTION_ATTR && !eq)
		return fail_usage("--%s '%s' is not NAME=VALUE", o->name, shown(value));
	if (len == 0 || len >= sizeof(name))
		return fail_usage("invalid attribute name in --%s '%s'", o->name, shown(value));
	memcpy(name, value, len);
	name[len] = '\0';
	if (vmdev_check_name(name) < 0)
		return fail_usage("invalid attribute name '%s' in --%s (no '/', not '.' or '..')",
				  shown(name), o->name);
	if (eq && strchr(eq + 1, '\n'))
		return fail_usage("the value of --%s %s is not one line: '%s'", o->name,
				  shown(name), shown(eq + 1));
	if (eq && strlen(eq + 1) > ATTR_VALUE_MAX)
		return fail_usage("the value of --%s %s is over %d bytes (a sysfs attribute takes one page)",
				  o->name, shown(name), ATTR_VALUE_MAX);
	list->items[list->n++] = value;
	return 0;
}

/* Check a command option's value and store it in the command's struct. */
static int take_option(const struct command_option *o, void *options, const char *value)
{
	char *field = (char *)options + o->offset;

	switch (o->kind) {
	case OPTION_FLAG:
		*(bool *)field = true;
		return 0;
	case OPTION_NAME:
		if (*(const char **)field)
			break;
		if (vmdev_check_name(value) < 0)
			return fail_usage("invalid %s '%s'", o->what, shown(value));
		*(const char **)field = value;
		return 0;
	case OPTION_UUID:
		if (*field)
			break;
		if (vmdev_parse_uuid(value, field) < 0) {
			*field = '\0';
			return fail_usage("invalid UUID '%s' (expected 8-4-4-4-12 hex digits)",
					  shown(value));
		}
		return 0;
	case OPTION_GROUP: {
		struct group_option *group = (struct group_option *)field;

		if (group->given)
			break;
		if (vmdev_parse_group(value, &group->number) < 0)
			return fail_usage("invalid IOMMU group '%s' (expected 0 to 2147483647)",
					  shown(value));
		group->given = true;
		return 0;
	}
	case OPTION_STRING:
		if (*(const char **)field)
			break;
		if (!*value)
			return fail_usage("option %s needs a file name", option_name(o));
		*(const char **)field = value;
		return 0;
	case OPTION_ATTR:
	case OPTION_ATTR_NAME:
		return take_attr(o, (struct list_option *)field, value);
	}
	return fail_usage("option %s given twice", option_name(o));
}

/* A global option given without "=VALUE" whose value is the next argument:
 * --root, --timeout or an abbreviation getopt accepts (--ro, --time). */
static bool takes_value(const char *arg)
{
	size_t len = strlen(arg);

	if (len < 3 || strncmp(arg, "--", 2) != 0 || strchr(arg, '='))
		return false;
	return strncmp("--root", arg, len) == 0 || strncmp("--timeout", arg, len) == 0;
}

/* The command is the first argument that is neither an option nor the
 * value of a global option that takes one. */
static int find_command_index(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? i + 1 : -1;
		if (takes_value(argv[i])) {
			i++;
			continue;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			return i;
	}
	return -1;
}

static int take_global(struct command_line *line, int opt, const char *value)
{
	switch (opt) {
	case OPT_ROOT:
		if (line->root)
			return fail_usage("option --root given twice");
		line->root = value;
		return 0;
	case OPT_TIMEOUT:
		if (line->timeout)
			return fail_usage("option --timeout given twice");
		line->timeout = value;
		if (vmdev_parse_timeout_ms(value, &line->timeout_ms) < 0)
			return fail_usage("invalid --timeout '%s' (milliseconds, 0 to 3600000)",
					  shown(value));
		return 0;
	case 'j':
		line->json = true;
		return 0;
	case 'q':
		line->quiet = true;
		return 0;
	case 'v':
		line->verbose++;
		return 0;
	case 'n':
		line->dry_run = true;
		return 0;
	case 'h':
		line->help = true;
		return 0;
	case OPT_LIST_CMDS:
		line->list_cmds = true;
		return 0;
	case OPT_LIST_OPTS:
		line->list_opts = true;
		return 0;
	}
	return EXIT_USAGE;
}

static int unknown_option(char **argv)
{
	const char *arg = argv[optind - 1];

	/* a known long option getopt refused: a flag given "=VALUE" (optopt is
	 * then the option's code, not a letter) */
	if (optopt && strncmp(arg, "--", 2) == 0 && strchr(arg, '=')) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(strchr(arg, '=') - arg), arg);
		return fail_usage("option %s takes no value", shown(name));
	}
	if (optopt) {
		char letter[2] = { (char)optopt, '\0' };

		return fail_usage("unknown option '-%s' (see vmdevctl --help)", shown(letter));
	}
	return fail_usage("unknown option '%s' (see vmdevctl --help)", shown(argv[optind - 1]));
}

int parse_command_line(int argc, char **argv, struct command_line *line)
{
	struct option_table table;
	const struct command *cmd = NULL;
	int idx, opt, r;

	*line = (struct command_line){ 0 };
	idx = find_command_index(argc, argv);
	if (idx > 0 && strcmp(argv[idx], "help") != 0) {
		cmd = find_command(argv[idx]);
		if (!cmd)
			return fail_usage("unknown command '%s' (see vmdevctl --help)",
					  shown(argv[idx]));
		line->command = cmd;
		line->options = calloc(1, cmd->options_size ? cmd->options_size : 1);
		if (!line->options)
			return fail(-ENOMEM, "cannot start");
	}

	build_table(&table);
	opterr = 0;
	/* permute, so that options may follow the command and its arguments */
	while ((opt = getopt_long(argc, argv, table.shorts, table.longs, NULL)) != -1) {
		const struct command_option *o;

		if (opt == 'V') {
			line->version = true;
			return 0;
		}
		if (opt == ':')
			return fail_usage("option %s needs a value", shown(argv[optind - 1]));
		if (opt == '?')
			return unknown_option(argv);
		o = option_of(&table, opt);
		if (!o) {
			r = take_global(line, opt, optarg);
		} else if (!own_option(cmd, o)) {
			r = fail_usage("option %s is not for %s (see vmdevctl help %s)",
				       option_name(o), cmd ? cmd->name : "this command",
				       cmd ? cmd->name : "");
		} else {
			r = take_option(own_option(cmd, o), line->options, optarg);
		}
		if (r)
			return r;
	}
	line->words = argv + optind;
	line->n_words = argc - optind;
	return 0;
}

void command_line_free(struct command_line *line)
{
	free(line->options);
	line->options = NULL;
}
