// SPDX-License-Identifier: GPL-2.0-or-later
/* vmdevctl: the command table, global options and option parsing. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "vmdevctl.h"

static const struct command commands[] = {
	{ "list", cmd_list, "ptu", "list [-p PARENT] [-t TYPE] [-u UUID]",
	  "active mdevs" },
	{ "types", cmd_types, "pt", "types [-p PARENT] [-t TYPE]",
	  "mdev types of each parent, with live available instances" },
	{ "parents", cmd_parents, "", "parents",
	  "mdev-capable parent devices" },
	{ "devices", cmd_devices, "dg", "devices [-d DRIVER] [-g GROUP] [ADDRESS...]",
	  "PCI devices: ids, names, driver, override, group" },
	{ "groups", cmd_groups, "", "groups [GROUP...]",
	  "IOMMU groups, their members and viability" },
	{ "check", cmd_check, "", "check TARGET...",
	  "exit 0 iff every group of the targets (address, UUID, group) is viable" },
	{ "create", cmd_create, "ptu", "create -p PARENT -t TYPE [-u UUID]",
	  "create an mdev, print its UUID once it is ready" },
	{ "remove", cmd_remove, "u", "remove UUID... | -u UUID",
	  "remove mdevs, return once they are gone" },
	{ "bind", cmd_bind, "dGNF", "bind [-d DRIVER] [--group] [--new-id] [--force] ADDRESS...",
	  "bind PCI devices to DRIVER (default vfio-pci)" },
	{ "unbind", cmd_unbind, "PF", "unbind [--no-probe] [--force] ADDRESS...",
	  "give PCI devices back to their host driver" },
	{ "monitor", cmd_monitor, "", "monitor",
	  "print mdev and PCI driver events until SIGINT or SIGTERM" },
	{ "qemu-args", cmd_qemu_args, "", "qemu-args UUID|ADDRESS...",
	  "print the QEMU -device option that assigns each device" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

enum {
	OPT_ROOT = 0x100,
	OPT_TIMEOUT,
	OPT_LIST_CMDS,
	OPT_LIST_OPTS,
};

/* Every option any command takes; each command accepts its own letters. */
static const struct option long_options[] = {
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
	{ "parent", required_argument, NULL, 'p' },
	{ "type", required_argument, NULL, 't' },
	{ "uuid", required_argument, NULL, 'u' },
	{ "driver", required_argument, NULL, 'd' },
	{ "iommu-group", required_argument, NULL, 'g' },
	{ "group", no_argument, NULL, 'G' },
	{ "new-id", no_argument, NULL, 'N' },
	{ "force", no_argument, NULL, 'F' },
	{ "no-probe", no_argument, NULL, 'P' },
	{ NULL, 0, NULL, 0 },
};
static const char short_options[] = "+:jqvnhVp:t:u:d:g:";

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
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-44s %s\n", commands[i].usage, commands[i].summary);
	fprintf(out, "  %-44s %s\n\n%s", "help [COMMAND]", "show help", global_usage);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
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

static void list_opts(const struct command *cmd)
{
	puts("--root\n--json\n--quiet\n--verbose\n--dry-run\n--timeout\n--help\n--version");
	for (const struct option *o = long_options; cmd && o->name; o++)
		if (o->val < 0x100 && o->val != 'h' && strchr(cmd->options, o->val))
			printf("--%s\n", o->name);
}

/* How the user knows option OPT: "-p", or "--group" for a long-only one. */
static const char *option_name(int opt)
{
	static char name[32];

	if (strchr(short_options, opt)) {
		snprintf(name, sizeof(name), "-%c", opt);
		return name;
	}
	for (const struct option *o = long_options; o->name; o++) {
		if (o->val == opt) {
			snprintf(name, sizeof(name), "--%s", o->name);
			return name;
		}
	}
	return "?";
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

static void log_to_stderr(struct vmdev_ctx *ctx, int priority, const char *file,
			  int line, const char *fn, const char *format, va_list args)
{
	fprintf(stderr, "vmdevctl: %s: ", fn);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

/* --dry-run: every write and module load the library would make */
static void print_action(struct vmdev_ctx *ctx, enum vmdev_action action,
			 const char *target, const char *value, void *data)
{
	if (action == VMDEV_ACTION_LOAD)
		printf("load %s\n", target);
	else if (*value)
		printf("write %s %s\n", target, value);
	else
		printf("write %s\n", target);
}

static int check_once(const char *seen, int opt)
{
	if (seen)
		return fail_usage("option -%c given twice", opt);
	return 0;
}

/* Validate a command option's value before anything reads or writes. */
static int take_option(struct cli *cli, int opt, const char *value)
{
	int r;

	switch (opt) {
	case 'p':
		if ((r = check_once(cli->parent, opt)))
			return r;
		if (vmdev_check_name(value) < 0)
			return fail_usage("invalid parent name '%s'", shown(value));
		cli->parent = value;
		return 0;
	case 't':
		if ((r = check_once(cli->type, opt)))
			return r;
		if (vmdev_check_name(value) < 0)
			return fail_usage("invalid type name '%s'", shown(value));
		cli->type = value;
		return 0;
	case 'u':
		if ((r = check_once(cli->uuid, opt)))
			return r;
		if (vmdev_parse_uuid(value, cli->uuid_buf) < 0)
			return fail_usage("invalid UUID '%s' (expected 8-4-4-4-12 hex digits)",
					  shown(value));
		cli->uuid = cli->uuid_buf;
		return 0;
	case 'd':
		if ((r = check_once(cli->driver, opt)))
			return r;
		if (vmdev_check_name(value) < 0)
			return fail_usage("invalid driver name '%s'", shown(value));
		cli->driver = value;
		return 0;
	case 'G':
		cli->group_flag = true;
		return 0;
	case 'N':
		cli->new_id = true;
		return 0;
	case 'F':
		cli->force = true;
		return 0;
	case 'P':
		cli->no_probe = true;
		return 0;
	case 'g':
		if ((r = check_once(cli->group, opt)))
			return r;
		if (vmdev_parse_group(value, &cli->group_number) < 0)
			return fail_usage("invalid IOMMU group '%s' (expected 0 to 2147483647)",
					  shown(value));
		cli->group = value;
		return 0;
	}
	return EXIT_USAGE;
}

static int run(int argc, char **argv)
{
	const struct command *cmd = NULL;
	const char *root = NULL, *timeout = NULL;
	bool want_help = false, list_cmds = false, want_list_opts = false;
	struct cli cli = { 0 };
	unsigned int timeout_ms = 0;
	int idx, opt, r;

	idx = find_command_index(argc, argv);
	if (idx > 0 && strcmp(argv[idx], "help") != 0) {
		cmd = find_command(argv[idx]);
		if (!cmd)
			return fail_usage("unknown command '%s' (see vmdevctl --help)",
					  shown(argv[idx]));
	}

	opterr = 0;
	/* permute, so that options may follow the command and its arguments */
	while ((opt = getopt_long(argc, argv, short_options + 1, long_options,
				  NULL)) != -1) {
		switch (opt) {
		case OPT_ROOT:
			if (root)
				return fail_usage("option --root given twice");
			root = optarg;
			break;
		case OPT_TIMEOUT:
			if (timeout)
				return fail_usage("option --timeout given twice");
			timeout = optarg;
			if (vmdev_parse_timeout_ms(optarg, &timeout_ms) < 0)
				return fail_usage("invalid --timeout '%s' (milliseconds, 0 to 3600000)",
						  shown(optarg));
			break;
		case 'j':
			cli.json = true;
			break;
		case 'q':
			cli.quiet = true;
			break;
		case 'v':
			cli.verbose++;
			break;
		case 'n':
			cli.dry_run = true;
			break;
		case 'h':
			want_help = true;
			break;
		case 'V':
			puts("vmdevctl " VMDEVCTL_VERSION);
			return EXIT_OK;
		case OPT_LIST_CMDS:
			list_cmds = true;
			break;
		case OPT_LIST_OPTS:
			want_list_opts = true;
			break;
		case ':':
			return fail_usage("option %s needs a value", shown(argv[optind - 1]));
		case '?':
			if (optopt) {
				char letter[2] = { (char)optopt, '\0' };

				return fail_usage("unknown option '-%s' (see vmdevctl --help)",
						  shown(letter));
			}
			return fail_usage("unknown option '%s' (see vmdevctl --help)",
					  shown(argv[optind - 1]));
		default:
			if (!cmd || !strchr(cmd->options, opt))
				return fail_usage("option %s is not for %s (see vmdevctl help %s)",
						  option_name(opt), cmd ? cmd->name : "this command",
						  cmd ? cmd->name : "");
			r = take_option(&cli, opt, optarg);
			if (r)
				return r;
		}
	}
	if (list_cmds) {
		for (size_t i = 0; i < N_COMMANDS; i++)
			puts(commands[i].name);
		puts("help");
		return EXIT_OK;
	}
	if (want_list_opts) {
		list_opts(cmd);
		return EXIT_OK;
	}
	if (optind >= argc || want_help) {
		if (want_help || optind < argc)
			return help(cmd ? cmd->name : NULL);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		if (argc - optind > 2)
			return fail_usage("help takes one command");
		return help(argv[optind + 1]);
	}
	cli.args = argv + optind + 1;
	cli.n_args = argc - optind - 1;

	/* the command line wins over the environment, even a broken one */
	if (root)
		unsetenv("VMDEV_ROOT");
	if (timeout)
		unsetenv("VMDEV_TIMEOUT");
	if (cli.verbose)
		unsetenv("VMDEV_LOG");
	r = vmdev_new(&cli.ctx);
	if (r < 0) {
		const char *env = getenv("VMDEV_ROOT");
		unsigned int ms;
		int prio;

		if (r == -EINVAL && getenv("VMDEV_TIMEOUT") &&
		    vmdev_parse_timeout_ms(getenv("VMDEV_TIMEOUT"), &ms) < 0)
			return fail_usage("invalid VMDEV_TIMEOUT '%s'", shown(getenv("VMDEV_TIMEOUT")));
		if (r == -EINVAL && getenv("VMDEV_LOG") &&
		    vmdev_parse_log_priority(getenv("VMDEV_LOG"), &prio) < 0)
			return fail_usage("invalid VMDEV_LOG '%s' (err, info, debug or 0 to 7)",
					  shown(getenv("VMDEV_LOG")));
		if (r == -ENOMEM)
			return fail(r, "cannot start");
		fail(r, "invalid VMDEV_ROOT '%s'", shown(env));
		return EXIT_USAGE;
	}
	if (root) {
		r = vmdev_set_root(cli.ctx, root);
		if (r < 0) {
			fail(r, "invalid --root '%s'", shown(root));
			vmdev_unref(cli.ctx);
			return EXIT_USAGE;
		}
	}
	if (timeout)
		vmdev_set_timeout_ms(cli.ctx, timeout_ms);
	if (cli.verbose) {
		vmdev_set_log_fn(cli.ctx, log_to_stderr);
		if (cli.verbose > 1 || vmdev_get_log_priority(cli.ctx) < LOG_INFO)
			vmdev_set_log_priority(cli.ctx, cli.verbose > 1 ? LOG_DEBUG : LOG_INFO);
	} else if (getenv("VMDEV_LOG")) {
		vmdev_set_log_fn(cli.ctx, log_to_stderr);
	}

	if (cli.dry_run) {
		vmdev_set_dry_run(cli.ctx, true);
		vmdev_set_action_fn(cli.ctx, print_action, NULL);
	}
	r = cmd->run(&cli);
	vmdev_unref(cli.ctx);
	return r;
}

int main(int argc, char **argv)
{
	int r = run(argc, argv);

	/* a full disk or a closed pipe must not look like success */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vmdevctl: cannot write output: %s\n", strerror(errno));
		return r ? r : EXIT_FAILED;
	}
	return r;
}
