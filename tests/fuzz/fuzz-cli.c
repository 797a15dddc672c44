// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the whole command line: the input, split at NUL
 * bytes, is the argument list of vmdevctl, run in-process (cli/*.c built
 * with -Dmain=vmdevctl_main) against a copy of a recorded tree. Always
 * "--root COPY --dry-run --timeout 0" first (a second --root is refused),
 * so nothing is written anywhere; "monitor" (which waits for a signal) is
 * left out. stdout goes to /dev/null, stderr is closed by -close_fd_mask=2.
 * VMDEV_FUZZ_ROOT names the unpacked tree.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ARGS 24

int vmdevctl_main(int argc, char **argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *root;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	root = getenv("VMDEV_FUZZ_ROOT");
	if (!root || null < 0) {
		fprintf(stderr, "fuzz-cli: set VMDEV_FUZZ_ROOT to an unpacked tree\n");
		exit(1);
	}
	unsetenv("VMDEV_ROOT");
	unsetenv("VMDEV_TIMEOUT");
	unsetenv("VMDEV_LOG");
	/* stderr: run.sh passes -close_fd_mask=2 (libFuzzer keeps its own) */
	fflush(stdout);
	dup2(null, STDOUT_FILENO);
	close(null);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 7], *copy = malloc(size + 1);
	int argc = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[argc++] = (char *)"vmdevctl";
	argv[argc++] = (char *)"--root";
	argv[argc++] = (char *)root;
	argv[argc++] = (char *)"--dry-run";
	argv[argc++] = (char *)"--timeout";
	argv[argc++] = (char *)"0";
	for (char *p = copy; p < copy + size && argc < MAX_ARGS + 6; p += strlen(p) + 1) {
		if (strcmp(p, "monitor") == 0)
			goto out;
		argv[argc++] = p;
	}
	argv[argc] = NULL;
	optind = 0; /* glibc: start getopt afresh, permutation state too */
	vmdevctl_main(argc, argv);
	clearerr(stdout);
out:
	free(copy);
	return 0;
}
