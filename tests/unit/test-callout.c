// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mdevctl's callouts and notifiers, run by the library: recording shell
 * scripts in a temporary root see their arguments, stdin bytes and order;
 * exit 2 passes to the next script; a refusing pre callout stops the
 * operation (unless forced) and is named; post gets success or failure;
 * every notifier runs; missing, non-executable, killed and hung scripts;
 * "get attributes"; the versioned capabilities exchange and live modify;
 * dry runs and callouts turned off run nothing; no fd of ours reaches a
 * script. A --wrap'd write(2) plays the kernel for create and remove.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "context.h"
#include "definition-json.h"
#include "libvmdev.h"
#include "tree.h"

#define MTTY_DEV "sys/devices/virtual/mtty/mtty"
#define U1 "11111111-2222-3333-4444-555555555555"
#define U2 "11111111-2222-3333-4444-555555555556"
#define USR "usr/lib/mdevctl/scripts.d/"
#define ETC "etc/mdevctl.d/scripts.d/"
#define MANUAL_2 "{\"mdev_type\":\"mtty-2\",\"start\":\"manual\",\"attrs\":[]}"
#define PROBE(name, uuid)                                                                 \
	name " -t mtty-2 -e get -a capabilities -s none -u " uuid " -p mtty|"              \
	"{\"provides\":{\"version\":2,\"actions\":[\"start\",\"stop\",\"define\",\"undefine\"," \
	"\"modify\",\"attributes\",\"capabilities\"],\"events\":[\"pre\",\"post\",\"notify\","  \
	"\"get\",\"live\"]}}\n"

/* ---- write(2), wrapped: the kernel's part ------------------------------- */

ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);

static const char *kernel_root;
static void add_mtty_mdev(const char *root, const char *uuid, const char *type);

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	char link[64], path[PATH_MAX];
	ssize_t len, r;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	path[len < 0 ? 0 : len] = '\0';
	r = __real_write(fd, buf, n);
	if (kernel_root && r > 0 && ends_with(path, "/create") && n >= 36) {
		char uuid[37], *type;

		memcpy(uuid, buf, 36);
		uuid[36] = '\0';
		path[strlen(path) - strlen("/create")] = '\0';
		type = strrchr(path, '/') + 1;
		add_mtty_mdev(kernel_root, uuid, type);
	} else if (kernel_root && r > 0 && ends_with(path, "/remove")) {
		char *uuid, dev[PATH_MAX];

		path[strlen(path) - strlen("/remove")] = '\0';
		uuid = strrchr(path, '/') + 1;
		snprintf(dev, sizeof(dev), "sys/bus/mdev/devices/%s", uuid);
		tree_unlink(kernel_root, dev);
		snprintf(dev, sizeof(dev), MTTY_DEV "/%s", uuid);
		tree_unlink(kernel_root, dev);
		snprintf(dev, sizeof(dev), MTTY_DEV "/mdev_supported_types/mtty-2/devices/%s", uuid);
		tree_unlink(kernel_root, dev);
	}
	return r;
}

/* ---- the mtty sample in a fake sysfs -------------------------------------- */

static void add_mtty_parent(const char *root)
{
	assert_int_equal(tree_symlink(root, "sys/class/mdev_bus/mtty",
				      "../../devices/virtual/mtty/mtty"), 0);
	assert_int_equal(tree_mkdir(root, MTTY_DEV "/mdev_supported_types/mtty-2/devices"), 0);
	assert_int_equal(tree_write(root, MTTY_DEV "/mdev_supported_types/mtty-2/device_api",
				    "vfio-pci\n"), 0);
	assert_int_equal(tree_write(root,
				    MTTY_DEV "/mdev_supported_types/mtty-2/available_instances",
				    "2\n"), 0);
	assert_int_equal(tree_write(root, MTTY_DEV "/mdev_supported_types/mtty-2/create", ""), 0);
	assert_int_equal(tree_mkdir(root, "sys/bus/mdev/drivers/vfio_mdev"), 0);
	assert_int_equal(tree_mkdir(root, "sys/bus/mdev/devices"), 0);
}

static void add_mtty_mdev(const char *root, const char *uuid, const char *type)
{
	char path[2 * PATH_MAX], target[PATH_MAX];

	snprintf(path, sizeof(path), MTTY_DEV "/mdev_supported_types/%s/devices/%s", type, uuid);
	snprintf(target, sizeof(target), "../../../%s", uuid);
	assert_int_equal(tree_symlink(root, path, target), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/%s/mdev_type", uuid);
	snprintf(target, sizeof(target), "../mdev_supported_types/%s", type);
	assert_int_equal(tree_symlink(root, path, target), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/%s/driver", uuid);
	assert_int_equal(tree_symlink(root, path, "../../../../../bus/mdev/drivers/vfio_mdev"), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/%s/remove", uuid);
	assert_int_equal(tree_write(root, path, ""), 0);
	snprintf(path, sizeof(path), "sys/bus/mdev/devices/%s", uuid);
	snprintf(target, sizeof(target), "../../../devices/virtual/mtty/mtty/%s", uuid);
	assert_int_equal(tree_symlink(root, path, target), 0);
}

/* ---- scripts ----------------------------------------------------------------- */

struct fix {
	char *root;
	char log[PATH_MAX];
	struct vmdev_ctx *ctx;
};

/*
 * DIR/NAME under the root: records "NAME ARGS|STDIN" (stdin exactly) to
 * the log, then runs BODY (shell; "exit 0" when it falls off the end).
 */
static void script(struct fix *f, const char *dir, const char *name, const char *body)
{
	char path[PATH_MAX], *text;

	snprintf(path, sizeof(path), "%s%s", dir, name);
	assert_true(asprintf(&text,
			     "#!/bin/sh\n"
			     "in=$(cat; echo x); in=${in%%x}\n"
			     "printf '%%s %%s|%%s\\n' %s \"$*\" \"$in\" >> \"%s\"\n"
			     "%s\nexit 0\n",
			     name, f->log, body) > 0);
	assert_int_equal(tree_write(f->root, path, text), 0);
	free(text);
	snprintf(path, sizeof(path), "%s/%s%s", f->root, dir, name);
	assert_int_equal(chmod(path, 0755), 0);
}

/* the log so far, then emptied; "" when nothing ran */
static char *take_log(struct fix *f)
{
	char *text = NULL;
	size_t size = 0;
	FILE *in = fopen(f->log, "r");
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	if (in) {
		int c;

		while ((c = fgetc(in)) != EOF)
			fputc(c, out);
		fclose(in);
		unlink(f->log);
	}
	fclose(out);
	return text;
}

static void expect_log(struct fix *f, const char *expected)
{
	char *got = take_log(f);

	if (strcmp(got, expected) != 0)
		print_error("log:\n%s\nexpected:\n%s\n", got, expected);
	assert_string_equal(got, expected);
	free(got);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	unsetenv("VMDEV_ROOT");
	unsetenv("VMDEV_LOG");
	f->root = tree_new();
	assert_non_null(f->root);
	snprintf(f->log, sizeof(f->log), "%s/calls.log", f->root);
	assert_int_equal(vmdev_new(&f->ctx), 0);
	assert_int_equal(vmdev_set_root(f->ctx, f->root), 0);
	vmdev_set_timeout_ms(f->ctx, 300);
	f->ctx->callout_timeout_ms = 500; /* the test's: a hung script is killed soon */
	add_mtty_parent(f->root);
	kernel_root = f->root;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	vmdev_unref(f->ctx);
	tree_remove(f->root);
	free(f->root);
	free(f);
	kernel_root = NULL;
	return 0;
}

static struct vmdev_definition *new_def(struct fix *f, const char *uuid)
{
	struct vmdev_definition *def;

	assert_int_equal(vmdev_definition_new(f->ctx, uuid, "mtty", "mtty-2", &def), 0);
	return def;
}

static bool defined(struct fix *f, const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "etc/mdevctl.d/mtty/%s", uuid);
	return tree_resolves(f->root, path);
}

/* ---- tests ----------------------------------------------------------------- */

/* argv, stdin bytes and order: probe, pre, post, then every notifier of
 * both directories, /usr/lib first, by name */
static void test_define_arguments_stdin_order(void **state)
{
	struct fix *f = *state;
	struct vmdev_definition *def = new_def(f, U1);

	script(f, ETC "callouts/", "20-rec", "");
	script(f, USR "notifiers/", "b-note", "");
	script(f, USR "notifiers/", "a-note", "");
	script(f, ETC "notifiers/", "c-note", "");
	assert_int_equal(vmdev_definition_append_attr(def, "assign_adapter", "5"), 0);
	assert_int_equal(vmdev_definition_append_attr(def, "q", "\"x\" \\ é"), 0);
	assert_int_equal(vmdev_definition_save(def), 0);
#define DEF1 "{\"mdev_type\":\"mtty-2\",\"start\":\"manual\",\"attrs\":[{\"assign_adapter\":\"5\"}," \
	     "{\"q\":\"\\\"x\\\" \\\\ é\"}]}"
	expect_log(f, PROBE("20-rec", U1)
		   "20-rec -t mtty-2 -e pre -a define -s none -u " U1 " -p mtty|" DEF1 "\n"
		   "20-rec -t mtty-2 -e post -a define -s success -u " U1 " -p mtty|" DEF1 "\n"
		   "a-note -t mtty-2 -e notify -a define -s success -u " U1 " -p mtty|" DEF1 "\n"
		   "b-note -t mtty-2 -e notify -a define -s success -u " U1 " -p mtty|" DEF1 "\n"
		   "c-note -t mtty-2 -e notify -a define -s success -u " U1 " -p mtty|" DEF1 "\n");
	assert_true(defined(f, U1));
	assert_int_equal(vmdev_get_callout_failure(f->ctx, NULL, NULL), -ENOENT);

	/* a saved one is modified, then undefined */
	assert_int_equal(vmdev_definition_set_start(def, VMDEV_START_AUTO), 0);
	vmdev_definition_clear_attrs(def);
	assert_int_equal(vmdev_definition_save(def), 0);
#define AUTO_2 "{\"mdev_type\":\"mtty-2\",\"start\":\"auto\",\"attrs\":[]}"
	expect_log(f, PROBE("20-rec", U1)
		   "20-rec -t mtty-2 -e pre -a modify -s none -u " U1 " -p mtty|" AUTO_2 "\n"
		   "20-rec -t mtty-2 -e post -a modify -s success -u " U1 " -p mtty|" AUTO_2 "\n"
		   "a-note -t mtty-2 -e notify -a modify -s success -u " U1 " -p mtty|" AUTO_2 "\n"
		   "b-note -t mtty-2 -e notify -a modify -s success -u " U1 " -p mtty|" AUTO_2 "\n"
		   "c-note -t mtty-2 -e notify -a modify -s success -u " U1 " -p mtty|" AUTO_2 "\n");
	assert_int_equal(vmdev_definition_delete(def), 0);
	expect_log(f, PROBE("20-rec", U1)
		   "20-rec -t mtty-2 -e pre -a undefine -s none -u " U1 " -p mtty|" AUTO_2 "\n"
		   "20-rec -t mtty-2 -e post -a undefine -s success -u " U1 " -p mtty|" AUTO_2 "\n"
		   "a-note -t mtty-2 -e notify -a undefine -s success -u " U1 " -p mtty|" AUTO_2 "\n"
		   "b-note -t mtty-2 -e notify -a undefine -s success -u " U1 " -p mtty|" AUTO_2 "\n"
		   "c-note -t mtty-2 -e notify -a undefine -s success -u " U1 " -p mtty|" AUTO_2 "\n");
	assert_false(defined(f, U1));
}

/* exit 2 is "not mine": the next one, /usr/lib before /etc; the one that
 * answered alone gets the post; a non-executable file, a directory and a
 * script killed by a signal are passed over */
static void test_fallthrough(void **state)
{
	struct fix *f = *state;
	char path[PATH_MAX];

	script(f, USR "callouts/", "10-notmine", "exit 2");
	script(f, USR "callouts/", "20-killed", "kill -9 $$");
	assert_int_equal(tree_write(f->root, USR "callouts/30-plain", "#!/bin/sh\nexit 1\n"), 0);
	assert_int_equal(tree_mkdir(f->root, USR "callouts/40-dir"), 0);
	script(f, ETC "callouts/", "05-mine", "");
	script(f, ETC "callouts/", "06-never", "exit 1");
	snprintf(path, sizeof(path), "%s/" USR "callouts/30-plain", f->root);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(vmdev_definition_save(new_def(f, U1)), 0);
	expect_log(f, PROBE("10-notmine", U1) PROBE("20-killed", U1) PROBE("05-mine", U1)
		   PROBE("06-never", U1)
		   "10-notmine -t mtty-2 -e pre -a define -s none -u " U1 " -p mtty|" MANUAL_2 "\n"
		   "20-killed -t mtty-2 -e pre -a define -s none -u " U1 " -p mtty|" MANUAL_2 "\n"
		   "05-mine -t mtty-2 -e pre -a define -s none -u " U1 " -p mtty|" MANUAL_2 "\n"
		   "05-mine -t mtty-2 -e post -a define -s success -u " U1 " -p mtty|" MANUAL_2 "\n");
	assert_true(defined(f, U1));
}

/* a refusing pre callout: nothing written, no post, notifiers with state
 * none, the script and its exit code named; --force goes on */
static void test_pre_refuses_and_force(void **state)
{
	struct fix *f = *state;
	const char *script_path;
	int status;

	script(f, ETC "callouts/", "rec", "case \"$*\" in *'-e pre'*) exit 3;; esac");
	script(f, ETC "notifiers/", "note", "");
	assert_int_equal(vmdev_definition_save(new_def(f, U1)), -ECANCELED);
	assert_false(defined(f, U1));
	assert_int_equal(vmdev_get_callout_failure(f->ctx, &script_path, &status), 0);
	assert_string_equal(script_path, "/etc/mdevctl.d/scripts.d/callouts/rec");
	assert_int_equal(status, 3);
	expect_log(f, PROBE("rec", U1)
		   "rec -t mtty-2 -e pre -a define -s none -u " U1 " -p mtty|" MANUAL_2 "\n"
		   "note -t mtty-2 -e notify -a define -s none -u " U1 " -p mtty|" MANUAL_2 "\n");

	assert_int_equal(vmdev_set_callout_force(f->ctx, true), 0);
	assert_int_equal(vmdev_definition_save(new_def(f, U1)), 0);
	assert_true(defined(f, U1));
	/* forced: the post callout looks for its script again */
	expect_log(f, PROBE("rec", U1)
		   "rec -t mtty-2 -e pre -a define -s none -u " U1 " -p mtty|" MANUAL_2 "\n"
		   "rec -t mtty-2 -e post -a define -s success -u " U1 " -p mtty|" MANUAL_2 "\n"
		   "note -t mtty-2 -e notify -a define -s success -u " U1 " -p mtty|" MANUAL_2 "\n");
	assert_int_equal(vmdev_get_callout_failure(f->ctx, NULL, &status), 0);
	assert_int_equal(status, 3); /* what was forced past */
	assert_int_equal(vmdev_set_callout_force(NULL, true), -EINVAL);
}

/* an operation that fails after its pre callout: post says failure */
static void test_post_failure(void **state)
{
	struct fix *f = *state;

	assert_int_equal(vmdev_definition_save(new_def(f, U1)), 0);
	script(f, ETC "callouts/", "rec", "");
	assert_int_equal(vmdev_definition_save(new_def(f, U1)), -EEXIST);
	expect_log(f, PROBE("rec", U1)
		   "rec -t mtty-2 -e pre -a define -s none -u " U1 " -p mtty|" MANUAL_2 "\n"
		   "rec -t mtty-2 -e post -a define -s failure -u " U1 " -p mtty|" MANUAL_2 "\n");
}

/* start and stop of an mdev (create, remove): sysfs's view on stdin */
static void test_create_remove(void **state)
{
	struct fix *f = *state;
	struct vmdev_parent *parent;
	struct vmdev_type *type;
	struct vmdev_mdev *mdev;

	script(f, ETC "callouts/", "rec", "");
	assert_int_equal(vmdev_parent_find(f->ctx, "mtty", &parent), 0);
	assert_int_equal(vmdev_type_find(parent, "mtty-2", &type), 0);
	assert_int_equal(vmdev_mdev_create(type, U2, &mdev), 0);
	assert_non_null(mdev);
	expect_log(f, PROBE("rec", U2)
		   "rec -t mtty-2 -e pre -a start -s none -u " U2 " -p mtty|" MANUAL_2 "\n"
		   "rec -t mtty-2 -e post -a start -s success -u " U2 " -p mtty|" MANUAL_2 "\n");
	assert_int_equal(vmdev_mdev_remove(mdev), 0);
	expect_log(f, PROBE("rec", U2)
		   "rec -t mtty-2 -e pre -a stop -s none -u " U2 " -p mtty|" MANUAL_2 "\n"
		   "rec -t mtty-2 -e post -a stop -s success -u " U2 " -p mtty|" MANUAL_2 "\n");
	assert_false(tree_resolves(f->root, "sys/bus/mdev/devices/" U2));

	/* a refused start writes nothing */
	script(f, ETC "callouts/", "rec", "case \"$*\" in *'-e pre'*) exit 7;; esac");
	assert_int_equal(vmdev_mdev_create(type, U2, &mdev), -ECANCELED);
	assert_null(mdev);
	assert_false(tree_resolves(f->root, "sys/bus/mdev/devices/" U2));
	free(take_log(f));
}

/* a definition's start: its configuration on stdin; its stop: sysfs's */
static void test_definition_start_stop(void **state)
{
	struct fix *f = *state;
	struct vmdev_definition *def = new_def(f, U2);
	struct vmdev_mdev *mdev;

	assert_int_equal(vmdev_definition_set_start(def, VMDEV_START_AUTO), 0);
	assert_int_equal(vmdev_definition_save(def), 0);
	script(f, ETC "callouts/", "rec", "");
	assert_int_equal(vmdev_definition_start(def, &mdev, NULL), 0);
	expect_log(f, PROBE("rec", U2)
		   "rec -t mtty-2 -e pre -a start -s none -u " U2 " -p mtty|" AUTO_2 "\n"
		   "rec -t mtty-2 -e post -a start -s success -u " U2 " -p mtty|" AUTO_2 "\n");
	assert_int_equal(vmdev_definition_stop(def), 0);
	expect_log(f, PROBE("rec", U2)
		   "rec -t mtty-2 -e pre -a stop -s none -u " U2 " -p mtty|" MANUAL_2 "\n"
		   "rec -t mtty-2 -e post -a stop -s success -u " U2 " -p mtty|" MANUAL_2 "\n");
}

/* a script still running after the timeout is killed, with what it left
 * behind; a script that exits but leaves a child holding its stdout does
 * not keep us either */
static void test_hung_scripts(void **state)
{
	struct fix *f = *state;
	struct timespec a, b;
	int status;

	script(f, ETC "callouts/", "hang", "case \"$*\" in *'-e pre'*) sleep 30;; esac");
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(vmdev_definition_save(new_def(f, U1)), -ECANCELED);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 5);
	assert_int_equal(vmdev_get_callout_failure(f->ctx, NULL, &status), 0);
	assert_int_equal(status, -ETIMEDOUT);
	assert_false(defined(f, U1));
	free(take_log(f));

	script(f, ETC "callouts/", "hang", "sleep 30 &");
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(vmdev_definition_save(new_def(f, U1)), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 5);
	assert_true(defined(f, U1));
	free(take_log(f));
}

/* no scripts, no directories: nothing to run, nothing refused */
static void test_no_scripts(void **state)
{
	struct fix *f = *state;

	assert_int_equal(vmdev_definition_save(new_def(f, U1)), 0);
	assert_true(defined(f, U1));
	expect_log(f, "");
}

/* dry run and callouts off: nothing runs */
static void test_dry_run_and_off(void **state)
{
	struct fix *f = *state;

	script(f, ETC "callouts/", "rec", "exit 1");
	script(f, ETC "notifiers/", "note", "");
	vmdev_set_dry_run(f->ctx, true);
	assert_int_equal(vmdev_definition_save(new_def(f, U1)), 0);
	expect_log(f, "");
	vmdev_set_dry_run(f->ctx, false);
	assert_int_equal(vmdev_set_callouts_enabled(f->ctx, false), 0);
	assert_int_equal(vmdev_definition_save(new_def(f, U1)), 0);
	assert_true(defined(f, U1));
	expect_log(f, "");
}

/* only 0, 1 and 2 reach a script, even an fd the caller left inheritable */
static void test_no_fd_leaks(void **state)
{
	struct fix *f = *state;
	int fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC, on purpose */

	assert_true(fd > 2);
	script(f, ETC "callouts/", "fds",
	       "case \"$*\" in *'-e pre'*) ls /proc/self/fd | tr '\\n' ' ' >> \"$0.fds\";; esac");
	assert_int_equal(vmdev_definition_save(new_def(f, U1)), 0);
	close(fd);
	{
		char path[PATH_MAX], buf[256] = "";
		FILE *in;

		snprintf(path, sizeof(path), "%s/" ETC "callouts/fds.fds", f->root);
		in = fopen(path, "r");
		assert_non_null(in);
		assert_non_null(fgets(buf, sizeof(buf), in));
		fclose(in);
		/* ls's own: 0 1 2, and 3 for the directory it lists */
		assert_string_equal(buf, "0 1 2 3 ");
	}
	free(take_log(f));
}

/* get attributes of an active mdev: the array, "[{}]", nothing, bad
 * JSON, a failing script */
static void test_get_attributes(void **state)
{
	struct fix *f = *state;
	struct vmdev_mdev *mdev;
	struct vmdev_attrs *attrs;
	int status;

	add_mtty_mdev(f->root, U2, "mtty-2");
	assert_int_equal(vmdev_mdev_find(f->ctx, U2, &mdev), 0);
	assert_int_equal(vmdev_mdev_get_callout_attrs(mdev, &attrs), 0);
	assert_null(attrs); /* no script */

	script(f, ETC "callouts/", "attrs",
	       "case \"$*\" in *'-a attributes'*) printf '[{\"assign_adapter\":\"5\"},{\"d\":\"0xab\"}]\\0\\0';; esac");
	assert_int_equal(vmdev_mdev_get_callout_attrs(mdev, &attrs), 0);
	assert_non_null(attrs);
	assert_int_equal(vmdev_attrs_get_count(attrs), 2);
	assert_string_equal(vmdev_attrs_get_name(attrs, 0), "assign_adapter");
	assert_string_equal(vmdev_attrs_get_value(attrs, 0), "5");
	assert_string_equal(vmdev_attrs_get_name(attrs, 1), "d");
	assert_string_equal(vmdev_attrs_get_value(attrs, 1), "0xab");
	assert_null(vmdev_attrs_get_name(attrs, 2));
	vmdev_attrs_free(attrs);
	expect_log(f, PROBE("attrs", U2)
		   "attrs -t mtty-2 -e get -a attributes -s none -u " U2 " -p mtty|\n");

	script(f, ETC "callouts/", "attrs", "case \"$*\" in *'-a attributes'*) printf '[{}]';; esac");
	assert_int_equal(vmdev_mdev_get_callout_attrs(mdev, &attrs), 0);
	assert_non_null(attrs);
	assert_int_equal(vmdev_attrs_get_count(attrs), 0);
	vmdev_attrs_free(attrs);

	script(f, ETC "callouts/", "attrs",
	       "case \"$*\" in *'-a attributes'*) printf '[{\"a\":1}]';; esac");
	assert_int_equal(vmdev_mdev_get_callout_attrs(mdev, &attrs), -EBADMSG);
	assert_null(attrs);
	assert_int_equal(vmdev_get_callout_failure(f->ctx, NULL, &status), 0);
	assert_int_equal(status, 0);

	script(f, ETC "callouts/", "attrs", "case \"$*\" in *'-a attributes'*) exit 4;; esac");
	assert_int_equal(vmdev_mdev_get_callout_attrs(mdev, &attrs), -ECANCELED);
	assert_int_equal(vmdev_get_callout_failure(f->ctx, NULL, &status), 0);
	assert_int_equal(status, 4);
	free(take_log(f));
}

/* the versioned protocol: the script that answers the probe is the only
 * one asked; what it does not support fails; live modify */
static void test_versioned(void **state)
{
	struct fix *f = *state;
	struct vmdev_definition *def = new_def(f, U2);
	int status;

	script(f, ETC "callouts/", "10-v2",
	       "case \"$*\" in *'-a capabilities'*) printf '{\"supports\":{\"version\":2,"
	       "\"actions\":[\"start\",\"stop\",\"modify\",\"undefine\",\"future\"],"
	       "\"events\":[\"pre\",\"post\",\"live\",\"later\"]}}';; esac");
	script(f, ETC "callouts/", "20-other", "");
	/* define is not among its actions: refused, the other never asked */
	assert_int_equal(vmdev_definition_save(def), -ECANCELED);
	assert_int_equal(vmdev_get_callout_failure(f->ctx, NULL, &status), 0);
	assert_int_equal(status, -EOPNOTSUPP);
	expect_log(f, PROBE("10-v2", U2));

	assert_int_equal(vmdev_set_callout_force(f->ctx, true), 0);
	assert_int_equal(vmdev_definition_save(def), 0);
	free(take_log(f));
	assert_int_equal(vmdev_set_callout_force(f->ctx, false), 0);

	/* live modify of the running mdev: the JSON on stdin */
	assert_int_equal(vmdev_definition_modify_live(def), -ENOENT); /* not active */
	add_mtty_mdev(f->root, U2, "mtty-2");
	vmdev_refresh(f->ctx);
	assert_int_equal(vmdev_definition_find(f->ctx, U2, "mtty", &def), 0);
	assert_int_equal(vmdev_definition_append_attr(def, "k", "v"), 0);
	assert_int_equal(vmdev_definition_modify_live(def), 0);
	expect_log(f, PROBE("10-v2", U2)
		   "10-v2 -t mtty-2 -e live -a modify -s none -u " U2 " -p mtty|"
		   "{\"mdev_type\":\"mtty-2\",\"start\":\"manual\",\"attrs\":[{\"k\":\"v\"}]}\n");

	/* a script that exits 2 to a versioned call fails it */
	script(f, ETC "callouts/", "10-v2",
	       "case \"$*\" in *'-a capabilities'*) printf '{\"supports\":{\"version\":2,"
	       "\"actions\":[\"modify\"],\"events\":[\"live\"]}}';; *) exit 2;; esac");
	assert_int_equal(vmdev_definition_modify_live(def), -ECANCELED);
	free(take_log(f));

	/* no versioned script: live modify is not supported */
	assert_int_equal(tree_unlink(f->root, ETC "callouts/10-v2"), 0);
	assert_int_equal(vmdev_definition_modify_live(def), -EOPNOTSUPP);
	free(take_log(f));
}

/* the capabilities answer, parsed as serde reads it */
static void test_supports_parse(void **state)
{
	static const char *const actions[] = { "start", "stop", "define", NULL };
	static const char *const events[] = { "pre", "post", NULL };
	struct callout_supports s;
	const char *ok = "{\"x\":[1,{}],\"supports\":{\"events\":[\"post\",\"zz\"],\"version\":3,"
			 "\"actions\":[\"define\",\"start\"],\"extra\":null}}";

	(void)state;
	assert_int_equal(callout_supports_parse(ok, strlen(ok), actions, events, &s), 0);
	assert_int_equal(s.version, 3);
	assert_int_equal(s.actions, 1u << 0 | 1u << 2);
	assert_int_equal(s.events, 1u << 1);
	static const char *const bad[] = {
		"", "{}", "{\"supports\":null}", "[]", "{\"supports\":{}}",
		"{\"supports\":{\"version\":1,\"actions\":[]}}",
		"{\"supports\":{\"version\":-1,\"actions\":[],\"events\":[]}}",
		"{\"supports\":{\"version\":1.5,\"actions\":[],\"events\":[]}}",
		"{\"supports\":{\"version\":4294967296,\"actions\":[],\"events\":[]}}",
		"{\"supports\":{\"version\":1,\"version\":1,\"actions\":[],\"events\":[]}}",
		"{\"supports\":{\"version\":1,\"actions\":[1],\"events\":[]}}",
		"{\"supports\":{\"version\":1,\"actions\":[],\"events\":[]}} x",
		"{\"supports\":{\"version\":1,\"actions\":[],\"events\":[]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (callout_supports_parse(bad[i], strlen(bad[i]), actions, events, &s) != -EBADMSG)
			fail_msg("accepted: %s", bad[i]);
	}
	const char *max = "{\"supports\":{\"version\":4294967295,\"actions\":[],\"events\":[]}}";
	assert_int_equal(callout_supports_parse(max, strlen(max), actions, events, &s), 0);
	assert_int_equal(s.version, 4294967295u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_define_arguments_stdin_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallthrough, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pre_refuses_and_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_definition_start_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hung_scripts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_scripts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_and_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_fd_leaks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_attributes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versioned, setup, teardown),
		cmocka_unit_test(test_supports_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
