// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mdevctl personality's command line: the commands, their options as
 * mdevctl's argument parser (clap 3) takes them, and the dispatch.
 *
 * clap's rules, which scripts and libvirt rely on: `--opt=value` and
 * `--opt value`; short options clustered (`-dv`) and with attached values
 * (`-pmtty`, `-p=mtty`); a value may not start with '-' (except "-"
 * itself); an option given twice, an unknown one, a stray argument, a
 * missing required or a conflicting one is a usage error (exit 2);
 * -h/--help anywhere prints help and exits 0 (libvirt probes `modify
 * --defined --live --jsonfile b --help` this way); UUIDs are parsed as the
 * uuid crate does (hyphenated or 32 digits, any case; the hyphenated
 * form also in braces or after `urn:uuid:`). Runtime errors are
 * "Error: ..." on stderr and exit 1.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdevctl.h"

#ifndef VMDEVCTL_VERSION
#define VMDEVCTL_VERSION "?"
#endif

int mc_fail(int code, const char *format, ...)
{
	va_list args;

	fputs("Error: ", stderr);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputc('\n', stderr);
	return code;
}

/* ---- the options -------------------------------------------------------- */

struct mc_option {
	const char *name;
	char letter;
	bool takes_value;
	const char *help;
};

static const struct mc_option options[MC_N_OPTS] = {
	[MC_UUID] = { "uuid", 'u', true, "UUID of the device" },
	[MC_PARENT] = { "parent", 'p', true, "parent device (its name under /sys/class/mdev_bus)" },
	[MC_TYPE] = { "type", 't', true, "mdev type" },
	[MC_DEFINED] = { "defined", 'd', false, "defined devices / the stored definition" },
	[MC_DUMPJSON] = { "dumpjson", 0, false, "output in JSON" },
	[MC_VERBOSE] = { "verbose", 'v', false, "show the attributes too" },
	[MC_AUTO] = { "auto", 'a', false, "start automatically when the parent appears" },
	[MC_MANUAL] = { "manual", 'm', false, "start manually" },
	[MC_JSONFILE] = { "jsonfile", 0, true, "type, start and attributes in mdevctl's JSON" },
	[MC_ADDATTR] = { "addattr", 0, true, "add an attribute (with --value)" },
	[MC_VALUE] = { "value", 0, true, "the value of --addattr" },
	[MC_INDEX] = { "index", 'i', true, "where to add or delete an attribute (from 0)" },
	[MC_DELATTR] = { "delattr", 0, false, "delete an attribute (the last one, or --index)" },
	[MC_LIVE] = { "live", 'l', false, "modify the running device (with --jsonfile)" },
	[MC_FORCE] = { "force", 'f', false, "go on even if a callout script refuses" },
};

#define BIT(o) (1u << (o))

/* A command: which options it takes, and clap's relations among them. */
struct mc_rule {
	unsigned int when;   /* if any of these is given ... */
	unsigned int needs;  /* ... one of these must be (0: no requirement) */
	unsigned int not;    /* ... and none of these may be */
};

struct mc_command {
	const char *name;
	const char *usage;
	const char *summary;
	unsigned int takes;
	unsigned int required_one; /* one of these must be given (0: none) */
	bool positional;           /* start-parent-mdevs PARENT */
	struct mc_rule rules[6];
	int (*run)(struct mc_args *a);
};

static const struct mc_command commands[] = {
	{ "define", "define [-u UUID] [-p PARENT] [-t TYPE] [-a] [--jsonfile FILE] [-f]",
	  "Define a persistent mediated device",
	  BIT(MC_UUID) | BIT(MC_PARENT) | BIT(MC_TYPE) | BIT(MC_AUTO) | BIT(MC_JSONFILE) |
		  BIT(MC_FORCE),
	  BIT(MC_UUID) | BIT(MC_PARENT), false,
	  { { BIT(MC_JSONFILE), 0, BIT(MC_TYPE) | BIT(MC_AUTO) } }, mc_define },
	{ "undefine", "undefine -u UUID [-p PARENT] [-f]", "Undefine a persistent mediated device",
	  BIT(MC_UUID) | BIT(MC_PARENT) | BIT(MC_FORCE), BIT(MC_UUID), false, { { 0 } },
	  mc_undefine },
	{ "modify",
	  "modify -u UUID [-p PARENT] [-t TYPE] [--addattr NAME --value VALUE [-i INDEX]] "
	  "[--delattr [-i INDEX]] [-a|-m] [--jsonfile FILE [-l] [-d]] [-f]",
	  "Modify the definition of a mediated device",
	  BIT(MC_UUID) | BIT(MC_PARENT) | BIT(MC_TYPE) | BIT(MC_ADDATTR) | BIT(MC_DELATTR) |
		  BIT(MC_INDEX) | BIT(MC_VALUE) | BIT(MC_AUTO) | BIT(MC_MANUAL) | BIT(MC_LIVE) |
		  BIT(MC_DEFINED) | BIT(MC_JSONFILE) | BIT(MC_FORCE),
	  BIT(MC_UUID), false,
	  { { BIT(MC_ADDATTR), BIT(MC_VALUE), BIT(MC_DELATTR) },
	    { BIT(MC_MANUAL), 0, BIT(MC_AUTO) },
	    { BIT(MC_LIVE), BIT(MC_JSONFILE), BIT(MC_TYPE) | BIT(MC_INDEX) | BIT(MC_VALUE) },
	    { BIT(MC_JSONFILE), 0,
	      BIT(MC_TYPE) | BIT(MC_INDEX) | BIT(MC_VALUE) | BIT(MC_AUTO) | BIT(MC_MANUAL) |
		      BIT(MC_ADDATTR) | BIT(MC_DELATTR) } },
	  mc_modify },
	{ "start", "start [-u UUID] [-p PARENT] [-t TYPE] [--jsonfile FILE] [-f]",
	  "Start a mediated device",
	  BIT(MC_UUID) | BIT(MC_PARENT) | BIT(MC_TYPE) | BIT(MC_JSONFILE) | BIT(MC_FORCE),
	  BIT(MC_UUID) | BIT(MC_PARENT), false, { { BIT(MC_JSONFILE), 0, BIT(MC_TYPE) } },
	  mc_start },
	{ "stop", "stop -u UUID [-f]", "Stop a mediated device", BIT(MC_UUID) | BIT(MC_FORCE),
	  BIT(MC_UUID), false, { { 0 } }, mc_stop },
	{ "list", "list [-d] [--dumpjson] [-v] [-u UUID] [-p PARENT]", "List mediated devices",
	  BIT(MC_DEFINED) | BIT(MC_DUMPJSON) | BIT(MC_VERBOSE) | BIT(MC_UUID) | BIT(MC_PARENT), 0,
	  false, { { 0 } }, mc_list },
	{ "types", "types [-p PARENT] [--dumpjson]", "List available mediated device types",
	  BIT(MC_PARENT) | BIT(MC_DUMPJSON), 0, false, { { 0 } }, mc_types },
	/* hidden: what mdevctl's udev rule runs */
	{ "start-parent-mdevs", "start-parent-mdevs PARENT", NULL, 0, 0, true, { { 0 } },
	  mc_start_parent_mdevs },
};

static const struct mc_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* ---- help --------------------------------------------------------------- */

static void print_version(const char *command)
{
	printf("mdevctl%s%s 1.4.0 (vmdevctl %s)\n", command ? "-" : "", command ? command : "",
	       VMDEVCTL_VERSION);
}

static void print_main_help(FILE *f)
{
	fputs("mdevctl (vmdevctl " VMDEVCTL_VERSION ")\n"
	      "A mediated device management utility for Linux\n\n"
	      "USAGE:\n    mdevctl <SUBCOMMAND>\n\nSUBCOMMANDS:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].summary)
			fprintf(f, "    %-10s  %s\n", commands[i].name, commands[i].summary);
	fputs("    help        Print this message or the help of the given subcommand\n\n"
	      "vmdevctl speaks mdevctl's command line: see vmdevctl(8), MDEVCTL PERSONALITY.\n", f);
}

static void print_command_help(const struct mc_command *c, bool lsmdev)
{
	printf("%s%s\n%s\n\nUSAGE:\n    %s%s\n\nOPTIONS:\n", lsmdev ? "lsmdev" : "mdevctl-",
	       lsmdev ? "" : c->name, c->summary ? c->summary : "",
	       lsmdev ? "lsmdev" : "mdevctl ", lsmdev ? strchr(c->usage, ' ') : c->usage);
	for (int o = 0; o < MC_N_OPTS; o++) {
		char spec[40];

		if (!(c->takes & BIT(o)))
			continue;
		snprintf(spec, sizeof(spec), "%c%c%s--%s%s", options[o].letter ? '-' : ' ',
			 options[o].letter ? options[o].letter : ' ', options[o].letter ? ", " : "  ",
			 options[o].name, options[o].takes_value ? " <VALUE>" : "");
		printf("    %-28s %s\n", spec, options[o].help);
	}
	printf("    %-28s %s\n", "-h, --help", "Print help information");
}

/* ---- parsing ------------------------------------------------------------ */

/* The uuid crate's forms: 8-4-4-4-12 or 32 hex digits, any case; the
 * hyphenated one also as "{...}" or after "urn:uuid:". OUT: lower-case
 * hyphenated. */
static int parse_uuid(const char *text, char out[VMDEV_UUID_LEN])
{
	char hyphenated[VMDEV_UUID_LEN];
	size_t len = strlen(text);

	if (len == 45 && strncmp(text, "urn:uuid:", 9) == 0)
		return vmdev_parse_uuid(text + 9, out);
	if (len == 38 && text[0] == '{' && text[37] == '}') {
		memcpy(hyphenated, text + 1, 36);
		hyphenated[36] = '\0';
		return vmdev_parse_uuid(hyphenated, out);
	}
	if (len == 32) {
		for (size_t i = 0, o = 0; i < 32; i++) {
			if (i == 8 || i == 12 || i == 16 || i == 20)
				hyphenated[o++] = '-';
			hyphenated[o++] = text[i];
		}
		hyphenated[36] = '\0';
		if (strchr(text, '-'))
			return -EINVAL;
		return vmdev_parse_uuid(hyphenated, out);
	}
	return len == 36 ? vmdev_parse_uuid(text, out) : -EINVAL;
}

/* Rust's u32 from a string: decimal digits, an optional '+' */
static int parse_index(const char *text, unsigned int *out)
{
	unsigned long long v = 0;
	const char *p = text + (*text == '+');

	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned int)(*p - '0');
		if (v > 0xffffffffull)
			return -ERANGE;
	}
	*out = (unsigned int)v;
	return 0;
}

static int set_value(struct mc_args *a, int o, const char *value)
{
	if (o == MC_UUID && parse_uuid(value, a->uuid) < 0)
		return mc_fail(MC_USAGE, "invalid value '%s' for --uuid: not a UUID", value);
	if (o == MC_INDEX) {
		int r = parse_index(value, &a->index);

		if (r < 0)
			return mc_fail(MC_USAGE, "invalid value '%s' for --index: %s", value,
				       r == -ERANGE ? "too large" : "not a number from 0");
	}
	a->value[o] = value;
	return 0;
}

/* One option found (by name or letter) in ARG; VALUE: what came attached
 * ("--x=v", "-xv"), else NULL; *I moves past a separate value. */
static int take_option(const struct mc_command *c, struct mc_args *a, int o, const char *value,
		       int argc, char **argv, int *i)
{
	if (!(c->takes & BIT(o)))
		return mc_fail(MC_USAGE, "%s takes no --%s (see mdevctl %s --help)", c->name,
			       options[o].name, c->name);
	if (a->given[o])
		return mc_fail(MC_USAGE, "--%s given more than once", options[o].name);
	a->given[o] = true;
	if (!options[o].takes_value) {
		if (value)
			return mc_fail(MC_USAGE, "--%s takes no value ('%s' given)", options[o].name,
				       value);
		return 0;
	}
	if (!value) {
		if (*i + 1 >= argc || (argv[*i + 1][0] == '-' && argv[*i + 1][1] != '\0'))
			return mc_fail(MC_USAGE, "--%s needs a value", options[o].name);
		value = argv[++*i];
	}
	return set_value(a, o, value);
}

static int find_long(const char *name, size_t len)
{
	for (int o = 0; o < MC_N_OPTS; o++)
		if (strlen(options[o].name) == len && strncmp(options[o].name, name, len) == 0)
			return o;
	return -1;
}

static int find_letter(char letter)
{
	for (int o = 0; o < MC_N_OPTS; o++)
		if (options[o].letter == letter)
			return o;
	return -1;
}

#define HELP_SHOWN (-1)

/* ARGV (after the command) into A; HELP_SHOWN, 0, or the exit code */
static int parse_args(const struct mc_command *c, int argc, char **argv, struct mc_args *a,
		      bool lsmdev)
{
	bool only_positional = false;
	int r;

	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];

		if (only_positional || arg[0] != '-' || arg[1] == '\0') {
			if (!c->positional || a->positional)
				return mc_fail(MC_USAGE, "unexpected argument '%s' (see mdevctl %s --help)",
					       arg, c->name);
			a->positional = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_positional = true;
		} else if (arg[1] == '-') {
			const char *eq = strchr(arg + 2, '=');
			size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
			int o = find_long(arg + 2, len);

			if (len == 4 && strncmp(arg + 2, "help", 4) == 0 && !eq) {
				print_command_help(c, lsmdev);
				return HELP_SHOWN;
			}
			if (len == 7 && strncmp(arg + 2, "version", 7) == 0 && !eq) {
				print_version(lsmdev ? NULL : c->name);
				return HELP_SHOWN;
			}
			if (o < 0)
				return mc_fail(MC_USAGE, "unknown option '%s' (see mdevctl %s --help)", arg,
					       c->name);
			r = take_option(c, a, o, eq ? eq + 1 : NULL, argc, argv, &i);
			if (r)
				return r;
		} else {
			for (const char *p = arg + 1; *p; p++) {
				int o = find_letter(*p);

				if (*p == 'h') {
					print_command_help(c, lsmdev);
					return HELP_SHOWN;
				}
				if (*p == 'V') {
					print_version(lsmdev ? NULL : c->name);
					return HELP_SHOWN;
				}
				if (o < 0 || !(c->takes & BIT(o)))
					return mc_fail(MC_USAGE, "unknown option '-%c' (see mdevctl %s --help)",
						       *p, c->name);
				if (options[o].takes_value) {
					/* attached: "-pNAME", "-p=NAME"; else the next argument */
					const char *v = p[1] == '=' ? p + 2 : p[1] ? p + 1 : NULL;

					r = take_option(c, a, o, v, argc, argv, &i);
					if (r)
						return r;
					break;
				}
				r = take_option(c, a, o, NULL, argc, argv, &i);
				if (r)
					return r;
			}
		}
	}
	return 0;
}

/* clap's relations, checked once everything is parsed */
static int check_relations(const struct mc_command *c, const struct mc_args *a)
{
	unsigned int given = 0;

	for (int o = 0; o < MC_N_OPTS; o++)
		if (a->given[o])
			given |= BIT(o);
	if (c->positional && !a->positional)
		return mc_fail(MC_USAGE, "%s needs PARENT", c->name);
	if (c->required_one && !(given & c->required_one))
		return mc_fail(MC_USAGE, "%s needs %s", c->name,
			       c->required_one == BIT(MC_UUID) ? "--uuid UUID" : "--uuid or --parent");
	for (size_t k = 0; k < sizeof(c->rules) / sizeof(c->rules[0]); k++) {
		const struct mc_rule *rule = &c->rules[k];

		if (!rule->when || !(given & rule->when))
			continue;
		for (int o = 0; o < MC_N_OPTS; o++)
			if ((rule->not & BIT(o)) && (given & BIT(o)))
				return mc_fail(MC_USAGE, "--%s cannot be used with --%s",
					       options[__builtin_ctz(rule->when & given)].name,
					       options[o].name);
		if (rule->needs && !(given & rule->needs))
			return mc_fail(MC_USAGE, "--%s needs --%s",
				       options[__builtin_ctz(rule->when & given)].name,
				       options[__builtin_ctz(rule->needs)].name);
	}
	return 0;
}

/* ---- running ------------------------------------------------------------ */

static int run_command(const struct mc_command *c, int argc, char **argv, bool lsmdev)
{
	struct mc_args a = { .ctx = NULL };
	int r = parse_args(c, argc, argv, &a, lsmdev);

	if (r == HELP_SHOWN)
		return MC_OK;
	if (!r)
		r = check_relations(c, &a);
	if (r)
		return r;
	a.force = a.given[MC_FORCE];
	/* mdevctl 1.3+ prefixes every path with MDEVCTL_ENV_ROOT (tests only):
	 * the same as our VMDEV_ROOT, which wins when both are set */
	if (!getenv("VMDEV_ROOT") && getenv("MDEVCTL_ENV_ROOT") && *getenv("MDEVCTL_ENV_ROOT"))
		setenv("VMDEV_ROOT", getenv("MDEVCTL_ENV_ROOT"), 1);
	r = vmdev_new(&a.ctx);
	if (r < 0)
		return mc_fail(MC_FAILED, "cannot start: %s (VMDEV_ROOT, VMDEV_LOG, VMDEV_TIMEOUT?)",
			       strerror(-r));
	r = c->run(&a);
	vmdev_unref(a.ctx);
	return r;
}

int mdevctl_main(int argc, char **argv, bool lsmdev)
{
	const struct mc_command *c;

	if (lsmdev)
		return run_command(find_command("list"), argc - 1, argv + 1, true);
	if (argc < 2) {
		print_main_help(stderr);
		return MC_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		print_main_help(stdout);
		return MC_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		print_version(NULL);
		return MC_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			print_main_help(stdout);
			return MC_OK;
		}
		c = find_command(argv[2]);
		if (!c)
			return mc_fail(MC_USAGE, "unknown command '%s' (see mdevctl --help)", argv[2]);
		print_command_help(c, false);
		return MC_OK;
	}
	c = find_command(argv[1]);
	if (!c)
		return mc_fail(MC_USAGE, "unknown command '%s' (see mdevctl --help)", argv[1]);
	return run_command(c, argc - 2, argv + 2, false);
}
