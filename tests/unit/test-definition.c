// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mdevctl's definitions: the file format against what mdevctl 1.2.0
 * writes (captured from Debian's mdevctl, byte for byte), every malformed
 * form, names, the list with its errors, atomic save and delete on temp
 * trees, the dry-run hook, start with its rollback and autostart. A
 * --wrap'd write(2) fails on cue and plays the kernel's part for "create"
 * and "remove" in the fake sysfs.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "definition-json.h"
#include "libvmdev.h"
#include "tree.h"

#define MTTY_DEV "sys/devices/virtual/mtty/mtty"
#define U1 "11111111-2222-3333-4444-555555555555"
#define U2 "11111111-2222-3333-4444-555555555556"
#define U3 "11111111-2222-3333-4444-555555555557"

/* ---- write(2), wrapped ----------------------------------------------------- */

ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);

static const char *fail_match; /* a write to a path containing it fails */
static int fail_errno;
static const char *kernel_root; /* plays the kernel for create/remove */
static unsigned int creates, removes;

static void add_mtty_mdev(const char *root, const char *uuid, const char *type);
static void drop_mtty_mdev(const char *root, const char *uuid, const char *type);

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	char link[PATH_MAX + 16], path[PATH_MAX];
	ssize_t len, r;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	path[len < 0 ? 0 : len] = '\0';
	if (fail_match && strstr(path, fail_match)) {
		errno = fail_errno;
		return -1;
	}
	r = __real_write(fd, buf, n);
	if (kernel_root && r > 0 && ends_with(path, "/create") && n >= 36) {
		char uuid[37], *type;

		memcpy(uuid, buf, 36);
		uuid[36] = '\0';
		path[strlen(path) - strlen("/create")] = '\0';
		type = strrchr(path, '/') + 1;
		add_mtty_mdev(kernel_root, uuid, type);
		creates++;
	} else if (kernel_root && r > 0 && ends_with(path, "/remove")) {
		char *uuid, *type, typelink[PATH_MAX];

		path[strlen(path) - strlen("/remove")] = '\0';
		uuid = strrchr(path, '/') + 1;
		snprintf(link, sizeof(link), "%s/mdev_type", path);
		len = readlink(link, typelink, sizeof(typelink) - 1);
		typelink[len < 0 ? 0 : len] = '\0';
		type = strrchr(typelink, '/') ? strrchr(typelink, '/') + 1 : typelink;
		drop_mtty_mdev(kernel_root, uuid, type);
		removes++;
	}
	return r;
}

/* ---- the mtty sample in a fake sysfs ------------------------------------- */

static void add_mtty_type(const char *root, const char *type, const char *available)
{
	char path[2 * PATH_MAX];

	snprintf(path, sizeof(path), MTTY_DEV "/mdev_supported_types/%s/devices", type);
	assert_int_equal(tree_mkdir(root, path), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/mdev_supported_types/%s/device_api", type);
	assert_int_equal(tree_write(root, path, "vfio-pci\n"), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/mdev_supported_types/%s/available_instances",
		 type);
	assert_int_equal(tree_write(root, path, available), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/mdev_supported_types/%s/create", type);
	assert_int_equal(tree_write(root, path, ""), 0);
}

static void add_mtty_parent(const char *root)
{
	assert_int_equal(tree_symlink(root, "sys/class/mdev_bus/mtty",
				      "../../devices/virtual/mtty/mtty"), 0);
	add_mtty_type(root, "mtty-1", "4\n");
	add_mtty_type(root, "mtty-2", "2\n");
	assert_int_equal(tree_mkdir(root, "sys/bus/mdev/drivers/vfio_mdev"), 0);
	assert_int_equal(tree_mkdir(root, "sys/bus/mdev/devices"), 0);
}

/* an mdev as the kernel shows it, bound, with two writable attributes */
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
	snprintf(path, sizeof(path), MTTY_DEV "/%s/assign_adapter", uuid);
	assert_int_equal(tree_write(root, path, ""), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/%s/assign.domain", uuid);
	assert_int_equal(tree_write(root, path, ""), 0);
	snprintf(path, sizeof(path), "sys/bus/mdev/devices/%s", uuid);
	snprintf(target, sizeof(target), "../../../devices/virtual/mtty/mtty/%s", uuid);
	assert_int_equal(tree_symlink(root, path, target), 0);
}

static void drop_mtty_mdev(const char *root, const char *uuid, const char *type)
{
	char path[2 * PATH_MAX];

	snprintf(path, sizeof(path), "sys/bus/mdev/devices/%s", uuid);
	assert_int_equal(tree_unlink(root, path), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/mdev_supported_types/%s/devices/%s", type, uuid);
	assert_int_equal(tree_unlink(root, path), 0);
	snprintf(path, sizeof(path), MTTY_DEV "/%s", uuid);
	assert_int_equal(tree_unlink(root, path), 0);
}

/* ---- fixture ---------------------------------------------------------------- */

struct fix {
	char *root;
	struct vmdev_ctx *ctx;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	unsetenv("VMDEV_ROOT");
	unsetenv("VMDEV_LOG");
	f->root = tree_new();
	assert_non_null(f->root);
	assert_int_equal(vmdev_new(&f->ctx), 0);
	assert_int_equal(vmdev_set_root(f->ctx, f->root), 0);
	vmdev_set_timeout_ms(f->ctx, 300);
	fail_match = NULL;
	kernel_root = NULL;
	creates = removes = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	fail_match = NULL;
	kernel_root = NULL;
	vmdev_unref(f->ctx);
	tree_remove(f->root);
	free(f->root);
	free(f);
	return 0;
}

static char *slurp(const char *root, const char *path, size_t *len)
{
	char full[PATH_MAX], *buf;
	FILE *fp;
	long n;

	snprintf(full, sizeof(full), "%s/%s", root, path);
	fp = fopen(full, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}

static mode_t mode_of(const char *root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	snprintf(full, sizeof(full), "%s/%s", root, path);
	assert_int_equal(lstat(full, &st), 0);
	return st.st_mode & 07777;
}

/* ---- the format: what mdevctl 1.2.0 wrote ------------------------------------- */

/* `mdevctl define -u U -p mtty -t mtty-2` */
static const char mdevctl_plain[] =
	"{\n  \"mdev_type\": \"mtty-2\",\n  \"start\": \"manual\",\n  \"attrs\": []\n}";
/* --auto, then modify --addattr twice; the second name and value with
 * quotes, backslashes, a tab, U+0001, UTF-8 and '/' */
static const char mdevctl_attrs[] =
	"{\n  \"mdev_type\": \"mtty-2\",\n  \"start\": \"auto\",\n  \"attrs\": [\n"
	"    {\n      \"assign_adapter\": \"5\"\n    },\n"
	"    {\n      \"we\\\"ird\\\\name\": \"tab\\there \\\"q\\\" \\\\ \xc3\xa9 \\u0001 /\"\n    }\n"
	"  ]\n}";
/* --jsonfile with "\b\f\u001f\u001b\n\r" in a value (mdevctl takes it) */
static const char mdevctl_controls[] =
	"{\n  \"mdev_type\": \"mtty-1\",\n  \"start\": \"manual\",\n  \"attrs\": [\n"
	"    {\n      \"c\": \"\\b\\f\\u001f\\u001b\\n\\r\"\n    }\n  ]\n}";
/* --jsonfile with \u00e9\u2028 \u007f and a surrogate pair: written raw */
static const char mdevctl_unicode[] =
	"{\n  \"mdev_type\": \"mtty-1\",\n  \"start\": \"manual\",\n  \"attrs\": [\n"
	"    {\n      \"u\": \"\xc3\xa9\xe2\x80\xa8 \x7f \xf0\x9f\x98\x80\"\n    }\n  ]\n}";

static void roundtrip(const char *file, bool expect_ok)
{
	struct def_content c;
	struct def_json_error e;
	char *out;
	size_t len;

	assert_int_equal(def_json_parse(file, strlen(file), &c, &e), expect_ok ? 0 : -EBADMSG);
	if (!expect_ok)
		return;
	assert_int_equal(def_json_format(&c, true, &out, &len), 0);
	assert_int_equal(len, strlen(file));
	assert_memory_equal(out, file, len);
	free(out);
	def_content_clear(&c);
}

static void test_format_matches_mdevctl(void **state)
{
	struct def_content c;
	struct def_json_error e;
	char *out;

	roundtrip(mdevctl_plain, true);
	roundtrip(mdevctl_attrs, true);
	roundtrip(mdevctl_unicode, true);
	/* a newline in a value is not one line: we refuse what mdevctl took */
	roundtrip(mdevctl_controls, false);

	assert_int_equal(def_json_parse(mdevctl_attrs, strlen(mdevctl_attrs), &c, &e), 0);
	assert_string_equal(c.type, "mtty-2");
	assert_int_equal(c.start, VMDEV_START_AUTO);
	assert_int_equal(c.n_attrs, 2);
	assert_string_equal(c.attrs[0].name, "assign_adapter");
	assert_string_equal(c.attrs[0].value, "5");
	assert_string_equal(c.attrs[1].name, "we\"ird\\name");
	assert_string_equal(c.attrs[1].value, "tab\there \"q\" \\ \xc3\xa9 \x01 /");
	assert_int_equal(def_json_format(&c, false, &out, NULL), 0);
	assert_string_equal(out, "{\"mdev_type\":\"mtty-2\",\"start\":\"auto\",\"attrs\":["
				 "{\"assign_adapter\":\"5\"},"
				 "{\"we\\\"ird\\\\name\":\"tab\\there \\\"q\\\" \\\\ \xc3\xa9 \\u0001 /\"}]}");
	free(out);
	def_content_clear(&c);
}

static void test_reader_accepts(void **state)
{
	static const char *const good[] = {
		"{\"mdev_type\":\"t\",\"start\":\"manual\"}",            /* no attrs */
		"{\"mdev_type\":\"t\",\"start\":\"manual\",\"attrs\":null}",
		"{\"start\":\"auto\",\"attrs\":[],\"mdev_type\":\"t\"}", /* any order */
		" \r\n\t{\"mdev_type\":\"t\",\"start\":\"auto\",\"x\":[1,-2.5e3,{\"y\":[true,false,null]}]} \n",
		"{\"mdev_type\":\"a\\/b.c\\u0041\",\"start\":\"manual\"}", /* "a/b.cA": see below */
	};
	struct def_content c;
	struct def_json_error e;

	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(def_json_parse(good[i], strlen(good[i]), &c, &e), 0);
		assert_string_equal(c.type, "t");
		def_content_clear(&c);
	}
	/* "\/" decodes to '/': not a name */
	assert_int_equal(def_json_parse(good[4], strlen(good[4]), &c, &e), -EBADMSG);
	assert_int_equal(e.problem, VMDEV_DEFINITION_BAD_TYPE);
}

static void check_bad(const char *text, size_t len, enum vmdev_definition_problem problem,
		      size_t where)
{
	struct def_content c;
	struct def_json_error e;

	print_message("bad: %.*s\n", (int)len, text);
	assert_int_equal(def_json_parse(text, len, &c, &e), -EBADMSG);
	assert_int_equal(e.problem, problem);
	if (problem == VMDEV_DEFINITION_SYNTAX || problem == VMDEV_DEFINITION_NOT_UTF8 ||
	    problem == VMDEV_DEFINITION_DUPLICATE_KEY)
		assert_int_equal(e.offset, where);
	else if (problem >= VMDEV_DEFINITION_BAD_ATTR)
		assert_int_equal(e.index, where);
	assert_null(c.type);
	assert_int_equal(c.n_attrs, 0);
}

#define BAD(text, problem, where) check_bad(text, sizeof(text) - 1, problem, where)
#define OBJ(rest) "{\"mdev_type\":\"t\",\"start\":\"auto\"" rest "}"

static void test_reader_refuses(void **state)
{
	BAD("", VMDEV_DEFINITION_SYNTAX, 0);
	BAD("garbage", VMDEV_DEFINITION_SYNTAX, 0);
	BAD("[]", VMDEV_DEFINITION_NOT_OBJECT, 0);
	BAD("\"x\"", VMDEV_DEFINITION_NOT_OBJECT, 0);
	BAD("null", VMDEV_DEFINITION_NOT_OBJECT, 0);
	BAD("{", VMDEV_DEFINITION_SYNTAX, 1);
	BAD("{}", VMDEV_DEFINITION_NO_TYPE, 0);
	BAD("{\"mdev_type\":\"t\"}", VMDEV_DEFINITION_NO_START, 0);
	BAD("{\"start\":\"auto\"}", VMDEV_DEFINITION_NO_TYPE, 0);
	BAD(OBJ("") "x", VMDEV_DEFINITION_SYNTAX, 32);
	BAD(OBJ("") "{}", VMDEV_DEFINITION_SYNTAX, 32);
	BAD(OBJ(","), VMDEV_DEFINITION_SYNTAX, 32);           /* trailing comma */
	BAD("{'mdev_type':'t'}", VMDEV_DEFINITION_SYNTAX, 1);  /* single quotes */
	BAD(OBJ("/* c */"), VMDEV_DEFINITION_SYNTAX, 31);      /* comments */
	BAD("{\"mdev_type\":\"t\nx\",\"start\":\"auto\"}", VMDEV_DEFINITION_SYNTAX, 15);
	BAD("{\"mdev_type\":\"\\x\",\"start\":\"auto\"}", VMDEV_DEFINITION_SYNTAX, 15);
	BAD("{\"mdev_type\":\"\\ud800\",\"start\":\"auto\"}", VMDEV_DEFINITION_SYNTAX, 20);
	BAD("{\"mdev_type\":\"\\udc00\",\"start\":\"auto\"}", VMDEV_DEFINITION_SYNTAX, 20);
	BAD(OBJ(",\"n\":01"), VMDEV_DEFINITION_SYNTAX, 37);
	BAD(OBJ(",\"n\":tru"), VMDEV_DEFINITION_SYNTAX, 36);
	/* non-UTF-8: a bare continuation byte, an overlong '/', a surrogate */
	BAD("{\"mdev_type\":\"\x80\"}", VMDEV_DEFINITION_NOT_UTF8, 14);
	BAD("{\"mdev_type\":\"\xc0\xaf\"}", VMDEV_DEFINITION_NOT_UTF8, 14);
	BAD("{\"mdev_type\":\"\xed\xa0\x80\"}", VMDEV_DEFINITION_NOT_UTF8, 14);
	BAD("\xef\xbb\xbf{}", VMDEV_DEFINITION_SYNTAX, 0); /* a BOM */
	BAD("{\"mdev_type\":\"t\",\"start\":\"auto\",\"start\":\"manual\"}",
	    VMDEV_DEFINITION_DUPLICATE_KEY, 32);
	BAD("{\"mdev_type\":1,\"start\":\"auto\"}", VMDEV_DEFINITION_BAD_TYPE, 0);
	BAD("{\"mdev_type\":null,\"start\":\"auto\"}", VMDEV_DEFINITION_BAD_TYPE, 0);
	BAD("{\"mdev_type\":\"..\",\"start\":\"auto\"}", VMDEV_DEFINITION_BAD_TYPE, 0);
	BAD("{\"mdev_type\":\"a/b\",\"start\":\"auto\"}", VMDEV_DEFINITION_BAD_TYPE, 0);
	BAD("{\"mdev_type\":\"\",\"start\":\"auto\"}", VMDEV_DEFINITION_BAD_TYPE, 0);
	BAD("{\"mdev_type\":\"a\\u0000b\",\"start\":\"auto\"}", VMDEV_DEFINITION_BAD_TYPE, 0);
	BAD("{\"mdev_type\":\"t\",\"start\":\"Auto\"}", VMDEV_DEFINITION_BAD_START, 0);
	BAD("{\"mdev_type\":\"t\",\"start\":true}", VMDEV_DEFINITION_BAD_START, 0);
	BAD(OBJ(",\"attrs\":{}"), VMDEV_DEFINITION_BAD_ATTRS, 0);
	BAD(OBJ(",\"attrs\":\"a=b\""), VMDEV_DEFINITION_BAD_ATTRS, 0);
	BAD(OBJ(",\"attrs\":[{\"a\":\"1\"},\"b\"]"), VMDEV_DEFINITION_BAD_ATTR, 1);
	BAD(OBJ(",\"attrs\":[{}]"), VMDEV_DEFINITION_BAD_ATTR, 0);
	BAD(OBJ(",\"attrs\":[{\"a\":\"1\",\"b\":\"2\"}]"), VMDEV_DEFINITION_BAD_ATTR, 0);
	BAD(OBJ(",\"attrs\":[{\"a\":1}]"), VMDEV_DEFINITION_BAD_ATTR, 0);
	BAD(OBJ(",\"attrs\":[{\"a\":null}]"), VMDEV_DEFINITION_BAD_ATTR, 0);
	BAD(OBJ(",\"attrs\":[[\"a\",\"1\"]]"), VMDEV_DEFINITION_BAD_ATTR, 0);
	BAD(OBJ(",\"attrs\":[{\"a\":\"1\"},{\"../x\":\"1\"}]"), VMDEV_DEFINITION_BAD_ATTR_NAME, 1);
	BAD(OBJ(",\"attrs\":[{\".\":\"1\"}]"), VMDEV_DEFINITION_BAD_ATTR_NAME, 0);
	BAD(OBJ(",\"attrs\":[{\"..\":\"1\"}]"), VMDEV_DEFINITION_BAD_ATTR_NAME, 0);
	BAD(OBJ(",\"attrs\":[{\"\":\"1\"}]"), VMDEV_DEFINITION_BAD_ATTR_NAME, 0);
	BAD(OBJ(",\"attrs\":[{\"a\":\"1\\n2\"}]"), VMDEV_DEFINITION_BAD_ATTR_VALUE, 0);
	BAD(OBJ(",\"attrs\":[{\"a\":\"1\\u0000\"}]"), VMDEV_DEFINITION_BAD_ATTR_VALUE, 0);
	/* a syntax error anywhere wins over a problem of shape before it */
	BAD("{\"mdev_type\":1,\"start\":\"auto\",}", VMDEV_DEFINITION_SYNTAX, 30);
	/* nesting is bounded */
	{
		char deep[400];
		size_t n = 0;

		n += (size_t)sprintf(deep, OBJ(",\"x\":"));
		n--; /* drop the closing brace */
		for (int i = 0; i < 100; i++)
			deep[n++] = '[';
		deep[n] = '\0';
		check_bad(deep, n, VMDEV_DEFINITION_SYNTAX, n - 100 + 64);
	}
}

static void test_attr_names(void **state)
{
	assert_int_equal(def_attr_check("assign.domain", "0x1"), 0);
	assert_int_equal(def_attr_check("a", ""), 0);
	assert_int_equal(def_attr_check("a/b", "1"), -EINVAL);
	assert_int_equal(def_attr_check(".", "1"), -EINVAL);
	assert_int_equal(def_attr_check("..", "1"), -EINVAL);
	assert_int_equal(def_attr_check("", "1"), -EINVAL);
	assert_int_equal(def_attr_check("a", "1\n"), -EINVAL);
	assert_int_equal(def_attr_check("a\tb", "1"), -EINVAL);
}

/* ---- the list, with its errors ---------------------------------------------- */

static void put(struct fix *f, const char *path, const char *content)
{
	assert_int_equal(tree_write(f->root, path, content), 0);
}

static void test_list_and_errors(void **state)
{
	struct fix *f = *state;
	struct vmdev_definition *def;
	struct vmdev_definition_error *e;
	char big[VMDEV_DEFINITION_MAX_SIZE + 2];
	const char *want[][3] = {
		{ "0000:00:02.0", U1, "i915-GVTg_V5_4" },
		{ "mtty", U1, "mtty-2" },
		{ "mtty", U3, "mtty-2" },
	};
	size_t n = 0;

	put(f, "etc/mdevctl.d/mtty/" U3, mdevctl_plain);
	put(f, "etc/mdevctl.d/mtty/" U1, mdevctl_attrs);
	put(f, "etc/mdevctl.d/0000:00:02.0/" U1,
	    "{\"mdev_type\":\"i915-GVTg_V5_4\",\"start\":\"manual\"}");
	put(f, "etc/mdevctl.d/mtty/not-a-uuid", "junk");
	put(f, "etc/mdevctl.d/mtty/.11111111-2222-3333-4444-555555555555.1.0", "junk");
	put(f, "etc/mdevctl.d/scripts.d/callouts/" U2, "junk");
	put(f, "etc/mdevctl.d/stray-file", "junk");
	/* the bad ones, one of each kind the file system can make */
	put(f, "etc/mdevctl.d/matrix/" U2, "{\"mdev_type\":\"vfio_ap-passthrough\"}");
	assert_int_equal(tree_symlink(f->root, "etc/mdevctl.d/mtty/" U2, U1), 0);
	assert_int_equal(tree_mkdir(f->root, "etc/mdevctl.d/zzz/" U2), 0);
	memset(big, ' ', sizeof(big));
	memcpy(big, mdevctl_plain, sizeof(mdevctl_plain) - 1);
	big[sizeof(big) - 1] = '\0';
	put(f, "etc/mdevctl.d/zzz/" U3, big);
	put(f, "etc/mdevctl.d/zzz/" U1, "{\"mdev_type\":\"\xff\"}");

	vmdev_definition_foreach(f->ctx, def) {
		assert_true(n < 3);
		assert_string_equal(vmdev_definition_get_parent(def), want[n][0]);
		assert_string_equal(vmdev_definition_get_uuid(def), want[n][1]);
		assert_string_equal(vmdev_definition_get_type(def), want[n][2]);
		assert_true(vmdev_definition_is_saved(def));
		n++;
	}
	assert_int_equal(n, 3);
	def = vmdev_definition_get_first_by_parent(f->ctx, "mtty");
	assert_string_equal(vmdev_definition_get_path(def), "/etc/mdevctl.d/mtty/" U1);
	assert_int_equal(vmdev_definition_get_start(def), VMDEV_START_AUTO);
	assert_int_equal(vmdev_definition_get_attr_count(def), 2);
	assert_string_equal(vmdev_definition_get_attr_name(def, 0), "assign_adapter");
	assert_string_equal(vmdev_definition_get_attr_value(def, 0), "5");
	assert_null(vmdev_definition_get_attr_name(def, 2));
	assert_false(vmdev_definition_is_active(def));
	def = vmdev_definition_get_next_by_parent(def);
	assert_string_equal(vmdev_definition_get_uuid(def), U3);
	assert_null(vmdev_definition_get_next_by_parent(def));
	n = 0;
	vmdev_parent_definition_foreach(f->ctx, "0000:00:02.0", def)
		n++;
	assert_int_equal(n, 1);
	assert_null(vmdev_definition_get_first_by_parent(f->ctx, "nothing"));

	e = vmdev_definition_error_get_first(f->ctx);
	assert_non_null(e);
	assert_string_equal(vmdev_definition_error_get_path(e), "/etc/mdevctl.d/matrix/" U2);
	assert_string_equal(vmdev_definition_error_get_parent(e), "matrix");
	assert_string_equal(vmdev_definition_error_get_uuid(e), U2);
	assert_int_equal(vmdev_definition_error_get_problem(e), VMDEV_DEFINITION_NO_START);
	assert_int_equal(vmdev_definition_error_get_errno(e), EBADMSG);
	e = vmdev_definition_error_get_next(e);
	assert_string_equal(vmdev_definition_error_get_path(e), "/etc/mdevctl.d/mtty/" U2);
	assert_int_equal(vmdev_definition_error_get_problem(e), VMDEV_DEFINITION_NOT_REGULAR);
	assert_int_equal(vmdev_definition_error_get_errno(e), ELOOP);
	e = vmdev_definition_error_get_next(e);
	assert_string_equal(vmdev_definition_error_get_path(e), "/etc/mdevctl.d/zzz/" U1);
	assert_int_equal(vmdev_definition_error_get_problem(e), VMDEV_DEFINITION_NOT_UTF8);
	assert_int_equal(vmdev_definition_error_get_offset(e), 14);
	e = vmdev_definition_error_get_next(e);
	assert_string_equal(vmdev_definition_error_get_uuid(e), U2);
	assert_int_equal(vmdev_definition_error_get_problem(e), VMDEV_DEFINITION_NOT_REGULAR);
	assert_int_equal(vmdev_definition_error_get_errno(e), EISDIR);
	e = vmdev_definition_error_get_next(e);
	assert_string_equal(vmdev_definition_error_get_uuid(e), U3);
	assert_int_equal(vmdev_definition_error_get_problem(e), VMDEV_DEFINITION_TOO_BIG);
	assert_null(vmdev_definition_error_get_next(e));

	/* find: by UUID, by UUID and parent; ambiguity; bad files */
	assert_int_equal(vmdev_definition_find(f->ctx, U3, NULL, &def), 0);
	assert_string_equal(vmdev_definition_get_parent(def), "mtty");
	assert_int_equal(vmdev_definition_find(f->ctx, U1, NULL, &def), -ENOTUNIQ);
	assert_string_equal(vmdev_definition_get_parent(def), "0000:00:02.0");
	assert_int_equal(vmdev_definition_find(f->ctx, "11111111-2222-3333-4444-55555555555A",
					       "mtty", &def), -ENOENT);
	assert_int_equal(vmdev_definition_find(f->ctx, U1, "mtty", &def), 0);
	assert_int_equal(vmdev_definition_find(f->ctx, U2, NULL, &def), -EBADMSG);
	assert_null(def);
	assert_int_equal(vmdev_definition_error_find(f->ctx, U2, "zzz", &e), 0);
	assert_int_equal(vmdev_definition_error_get_errno(e), EISDIR);
	assert_int_equal(vmdev_definition_find(f->ctx, "nope", NULL, &def), -EINVAL);
	assert_int_equal(vmdev_definition_find(f->ctx, U1, "../etc", &def), -EINVAL);

	/* a refresh reads again */
	assert_int_equal(tree_unlink(f->root, "etc/mdevctl.d/zzz"), 0);
	vmdev_refresh(f->ctx);
	n = 0;
	vmdev_definition_error_foreach(f->ctx, e)
		n++;
	assert_int_equal(n, 2);
}

static void test_no_directory(void **state)
{
	struct fix *f = *state;
	struct vmdev_definition *def;

	assert_null(vmdev_definition_get_first(f->ctx));
	assert_null(vmdev_definition_error_get_first(f->ctx));
	assert_int_equal(vmdev_definition_find(f->ctx, U1, NULL, &def), -ENOENT);
}

/* ---- new, change, save, delete -------------------------------------------- */

static void test_new_checks_names(void **state)
{
	struct fix *f = *state;
	struct vmdev_definition *def;

	assert_int_equal(vmdev_definition_new(f->ctx, U1, "../x", "t", &def), -EINVAL);
	assert_int_equal(vmdev_definition_new(f->ctx, U1, "p", "a/b", &def), -EINVAL);
	assert_int_equal(vmdev_definition_new(f->ctx, U1, "..", "t", &def), -EINVAL);
	assert_int_equal(vmdev_definition_new(f->ctx, "xyz", "p", "t", &def), -EINVAL);
	assert_int_equal(vmdev_definition_new(f->ctx, NULL, "p", "t", &def), 0);
	assert_int_equal(strlen(vmdev_definition_get_uuid(def)), 36);
	assert_false(vmdev_definition_is_saved(def));
	assert_null(vmdev_definition_get_first(f->ctx)); /* not until saved */
	assert_int_equal(vmdev_definition_append_attr(def, "a/b", "1"), -EINVAL);
	assert_int_equal(vmdev_definition_append_attr(def, "..", "1"), -EINVAL);
	assert_int_equal(vmdev_definition_append_attr(def, "a", "1\n2"), -EINVAL);
	assert_int_equal(vmdev_definition_set_type(def, "x/y"), -EINVAL);
	assert_int_equal(vmdev_definition_set_start(def, (enum vmdev_start_policy)7), -EINVAL);
	assert_int_equal(vmdev_definition_get_attr_count(def), 0);
}

struct seen {
	unsigned int n;
	enum vmdev_action action[8];
	char target[8][256];
	char value[8][512];
};

static void record(struct vmdev_ctx *ctx, enum vmdev_action action, const char *target,
		   const char *value, void *data)
{
	struct seen *s = data;

	if (s->n >= 8)
		return;
	s->action[s->n] = action;
	snprintf(s->target[s->n], sizeof(s->target[0]), "%s", target);
	snprintf(s->value[s->n], sizeof(s->value[0]), "%s", value ? value : "(null)");
	s->n++;
}

static void test_save_delete(void **state)
{
	struct fix *f = *state;
	struct vmdev_definition *def, *again;
	struct seen seen = { 0 };
	char *text, *json;

	vmdev_set_action_fn(f->ctx, record, &seen);
	assert_int_equal(vmdev_definition_new(f->ctx, "11111111-2222-3333-4444-555555555556",
					      "mtty", "mtty-2", &def), 0);
	assert_int_equal(vmdev_definition_set_start(def, VMDEV_START_AUTO), 0);
	assert_int_equal(vmdev_definition_append_attr(def, "assign_adapter", "5"), 0);
	assert_int_equal(vmdev_definition_append_attr(def, "we\"ird\\name",
						      "tab\there \"q\" \\ \xc3\xa9 \x01 /"), 0);
	assert_int_equal(vmdev_definition_save(def), 0);
	text = slurp(f->root, "etc/mdevctl.d/mtty/" U2, NULL);
	assert_string_equal(text, mdevctl_attrs);
	free(text);
	assert_int_equal(mode_of(f->root, "etc/mdevctl.d/mtty/" U2), 0644);
	assert_int_equal(mode_of(f->root, "etc/mdevctl.d/mtty"), 0755);
	assert_int_equal(mode_of(f->root, "etc/mdevctl.d"), 0755);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.action[0], VMDEV_ACTION_WRITE_FILE);
	assert_string_equal(seen.target[0], "/etc/mdevctl.d/mtty/" U2);
	assert_int_equal(vmdev_definition_to_json(def, 0, &json), 0);
	assert_string_equal(seen.value[0], json);
	free(json);
	assert_int_equal(vmdev_definition_to_json(def, VMDEV_DEFINITION_JSON_PRETTY, &json), 0);
	assert_string_equal(json, mdevctl_attrs);
	free(json);
	/* now in the list */
	assert_ptr_equal(vmdev_definition_get_first(f->ctx), def);
	assert_true(vmdev_definition_is_saved(def));

	/* a second new one of the same UUID and parent: EEXIST, the file kept */
	assert_int_equal(vmdev_definition_new(f->ctx, U2, "mtty", "mtty-1", &again), 0);
	assert_int_equal(vmdev_definition_save(again), -EEXIST);
	/* the same UUID under another parent is fine */
	assert_int_equal(vmdev_definition_new(f->ctx, U2, "other", "t", &again), 0);
	assert_int_equal(vmdev_definition_save(again), 0);

	/* a change keeps the file's mode and owner */
	{
		char full[PATH_MAX];

		snprintf(full, sizeof(full), "%s/etc/mdevctl.d/mtty/" U2, f->root);
		assert_int_equal(chmod(full, 0600), 0);
		if (geteuid() == 0)
			assert_int_equal(chown(full, 1234, 5678), 0);
		assert_int_equal(vmdev_definition_remove_attrs(def, "assign_adapter", "6"), 0);
		assert_int_equal(vmdev_definition_remove_attrs(def, "assign_adapter", NULL), 1);
		assert_int_equal(vmdev_definition_set_start(def, VMDEV_START_MANUAL), 0);
		vmdev_definition_clear_attrs(def);
		assert_int_equal(vmdev_definition_save(def), 0);
		assert_int_equal(mode_of(f->root, "etc/mdevctl.d/mtty/" U2), 0600);
		if (geteuid() == 0) {
			struct stat st;

			assert_int_equal(stat(full, &st), 0);
			assert_int_equal(st.st_uid, 1234);
			assert_int_equal(st.st_gid, 5678);
		}
		text = slurp(f->root, "etc/mdevctl.d/mtty/" U2, NULL);
		assert_string_equal(text, mdevctl_plain);
		free(text);
	}

	/* dry run: reported, nothing written or removed */
	vmdev_set_dry_run(f->ctx, true);
	seen.n = 0;
	assert_int_equal(vmdev_definition_set_type(def, "mtty-1"), 0);
	assert_int_equal(vmdev_definition_save(def), 0);
	assert_int_equal(vmdev_definition_delete(def), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.action[0], VMDEV_ACTION_WRITE_FILE);
	assert_string_equal(seen.value[0], "{\"mdev_type\":\"mtty-1\",\"start\":\"manual\",\"attrs\":[]}");
	assert_int_equal(seen.action[1], VMDEV_ACTION_REMOVE);
	assert_string_equal(seen.target[1], "/etc/mdevctl.d/mtty/" U2);
	assert_string_equal(seen.value[1], "(null)");
	text = slurp(f->root, "etc/mdevctl.d/mtty/" U2, NULL);
	assert_string_equal(text, mdevctl_plain);
	free(text);
	assert_true(vmdev_definition_is_saved(def));
	vmdev_set_dry_run(f->ctx, false);

	/* delete: gone from disk and list, the object stays usable */
	assert_int_equal(vmdev_definition_delete(def), 0);
	assert_false(tree_resolves(f->root, "etc/mdevctl.d/mtty/" U2));
	assert_false(vmdev_definition_is_saved(def));
	assert_int_equal(vmdev_definition_delete(def), -ENOENT);
	assert_int_equal(vmdev_definition_find(f->ctx, U2, NULL, &again), 0);
	assert_string_equal(vmdev_definition_get_parent(again), "other");
	/* saved again: a new file */
	assert_int_equal(vmdev_definition_save(def), 0);
	assert_true(tree_resolves(f->root, "etc/mdevctl.d/mtty/" U2));

	/* a fresh context reads what was written */
	vmdev_refresh(f->ctx);
	assert_int_equal(vmdev_definition_find(f->ctx, U2, "mtty", &def), 0);
	assert_string_equal(vmdev_definition_get_type(def), "mtty-1");
	assert_null(vmdev_definition_error_get_first(f->ctx));
}

static void test_save_is_atomic(void **state)
{
	struct fix *f = *state;
	struct vmdev_definition *def;
	char *text;
	size_t n;

	put(f, "etc/mdevctl.d/mtty/" U1, mdevctl_attrs);
	assert_int_equal(vmdev_definition_find(f->ctx, U1, "mtty", &def), 0);
	vmdev_definition_clear_attrs(def);
	/* the write of the temporary file fails: the old file is intact and
	 * no temporary file is left */
	fail_match = "/etc/mdevctl.d/mtty/.";
	fail_errno = ENOSPC;
	assert_int_equal(vmdev_definition_save(def), -ENOSPC);
	fail_match = NULL;
	text = slurp(f->root, "etc/mdevctl.d/mtty/" U1, NULL);
	assert_string_equal(text, mdevctl_attrs);
	free(text);
	/* nothing else in the directory: the temporary file went again */
	{
		char dir[PATH_MAX];
		struct dirent *de;
		DIR *d;

		snprintf(dir, sizeof(dir), "%s/etc/mdevctl.d/mtty", f->root);
		d = opendir(dir);
		assert_non_null(d);
		n = 0;
		while ((de = readdir(d)))
			n += de->d_name[0] != '.' || strlen(de->d_name) > 2;
		closedir(d);
		assert_int_equal(n, 1);
	}
	/* a new definition where the directory cannot be made */
	put(f, "etc/mdevctl.d/blocked", "a file, not a directory");
	assert_int_equal(vmdev_definition_new(f->ctx, U1, "blocked", "t", &def), 0);
	assert_int_equal(vmdev_definition_save(def), -ENOTDIR);
	assert_false(vmdev_definition_is_saved(def));
}

/* ---- start, stop, autostart ---------------------------------------------- */

static void test_start_dry_run(void **state)
{
	struct fix *f = *state;
	struct vmdev_definition *def;
	struct vmdev_mdev *mdev;
	struct seen seen = { 0 };
	size_t failed;

	add_mtty_parent(f->root);
	put(f, "etc/mdevctl.d/mtty/" U1, mdevctl_attrs);
	put(f, "etc/mdevctl.d/nowhere/" U2, mdevctl_plain);
	vmdev_set_action_fn(f->ctx, record, &seen);
	vmdev_set_dry_run(f->ctx, true);
	assert_int_equal(vmdev_definition_find(f->ctx, U1, NULL, &def), 0);
	assert_int_equal(vmdev_definition_start(def, &mdev, &failed), 0);
	assert_null(mdev);
	assert_int_equal(failed, SIZE_MAX);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.target[0], "/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2/create");
	assert_string_equal(seen.value[0], U1);
	assert_string_equal(seen.target[1], "/sys/bus/mdev/devices/" U1 "/assign_adapter");
	assert_string_equal(seen.value[1], "5");
	assert_string_equal(seen.target[2], "/sys/bus/mdev/devices/" U1 "/we\"ird\\name");
	assert_int_equal(vmdev_definition_find(f->ctx, U2, NULL, &def), 0);
	assert_int_equal(vmdev_definition_start(def, NULL, NULL), -ENODEV);
}

static void test_start_and_rollback(void **state)
{
	struct fix *f = *state;
	struct vmdev_definition *def;
	struct vmdev_mdev *mdev;
	size_t failed;
	char *text;

	add_mtty_parent(f->root);
	kernel_root = f->root;
	put(f, "etc/mdevctl.d/mtty/" U1,
	    "{\"mdev_type\":\"mtty-2\",\"start\":\"manual\",\"attrs\":"
	    "[{\"assign_adapter\":\"5\"},{\"assign.domain\":\"0x1\"},{\"assign_adapter\":\"6\"}]}");
	assert_int_equal(vmdev_definition_find(f->ctx, U1, "mtty", &def), 0);
	assert_int_equal(vmdev_definition_start(def, &mdev, &failed), 0);
	assert_non_null(mdev);
	assert_string_equal(vmdev_mdev_get_uuid(mdev), U1);
	assert_int_equal(failed, SIZE_MAX);
	assert_true(vmdev_definition_is_active(def));
	text = slurp(f->root, MTTY_DEV "/" U1 "/assign_adapter", NULL);
	assert_string_equal(text, "6\n"); /* the last write wins in a plain file */
	free(text);
	text = slurp(f->root, MTTY_DEV "/" U1 "/assign.domain", NULL);
	assert_string_equal(text, "0x1\n");
	free(text);
	assert_int_equal(vmdev_definition_start(def, &mdev, &failed), -EALREADY);

	/* stop */
	assert_int_equal(vmdev_definition_stop(def), 0);
	assert_false(vmdev_definition_is_active(def));
	assert_false(tree_resolves(f->root, "sys/bus/mdev/devices/" U1));
	assert_int_equal(vmdev_definition_stop(def), -ENOENT);

	/* the second attribute fails: the mdev is removed again, the index told */
	fail_match = "/assign.domain";
	fail_errno = EBUSY;
	assert_int_equal(vmdev_definition_start(def, &mdev, &failed), -EBUSY);
	fail_match = NULL;
	assert_null(mdev);
	assert_int_equal(failed, 1);
	assert_int_equal(creates, 2);
	assert_int_equal(removes, 2);
	assert_false(tree_resolves(f->root, "sys/bus/mdev/devices/" U1));
	assert_false(vmdev_definition_is_active(def));

	/* an attribute the device does not have */
	assert_int_equal(vmdev_definition_append_attr(def, "no_such", "1"), 0);
	assert_int_equal(vmdev_definition_start(def, &mdev, &failed), -ENOENT);
	assert_int_equal(failed, 3);
	assert_int_equal(removes, 3);
	/* a type the parent lacks */
	assert_int_equal(vmdev_definition_set_type(def, "mtty-9"), 0);
	assert_int_equal(vmdev_definition_start(def, &mdev, &failed), -ENOENT);
	assert_int_equal(failed, SIZE_MAX);
}

/* modify --live: one attribute written to a running mdev, nothing else */
static void test_write_attr(void **state)
{
	struct fix *f = *state;
	struct vmdev_mdev *mdev;
	struct seen seen = { 0 };
	char *text;

	add_mtty_parent(f->root);
	add_mtty_mdev(f->root, U1, "mtty-2");
	assert_int_equal(vmdev_mdev_find(f->ctx, U1, &mdev), 0);
	assert_int_equal(vmdev_mdev_write_attr(mdev, "assign_adapter", "7"), 0);
	text = slurp(f->root, MTTY_DEV "/" U1 "/assign_adapter", NULL);
	assert_string_equal(text, "7\n");
	free(text);
	assert_int_equal(vmdev_mdev_write_attr(mdev, "assign.domain", ""), 0);
	/* names and values are checked before they become a path or a write */
	assert_int_equal(vmdev_mdev_write_attr(mdev, "../remove", "1"), -EINVAL);
	assert_int_equal(vmdev_mdev_write_attr(mdev, "..", "1"), -EINVAL);
	assert_int_equal(vmdev_mdev_write_attr(mdev, "assign_adapter", "1\n2"), -EINVAL);
	assert_int_equal(vmdev_mdev_write_attr(mdev, NULL, "1"), -EINVAL);
	assert_int_equal(vmdev_mdev_write_attr(NULL, "assign_adapter", "1"), -EINVAL);
	/* an attribute the mdev does not have; the driver's error as it is */
	assert_int_equal(vmdev_mdev_write_attr(mdev, "no_such", "1"), -ENOENT);
	fail_match = "/assign_adapter";
	fail_errno = EADDRNOTAVAIL;
	assert_int_equal(vmdev_mdev_write_attr(mdev, "assign_adapter", "8"), -EADDRNOTAVAIL);
	fail_match = NULL;
	assert_int_equal(vmdev_mdev_write_attr(mdev, "assign_adapter", "7"), 0);
	/* dry run: the hook sees it, the file does not */
	vmdev_set_action_fn(f->ctx, record, &seen);
	vmdev_set_dry_run(f->ctx, true);
	assert_int_equal(vmdev_mdev_write_attr(mdev, "assign_adapter", "9"), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.action[0], VMDEV_ACTION_WRITE);
	assert_string_equal(seen.target[0], "/sys/bus/mdev/devices/" U1 "/assign_adapter");
	assert_string_equal(seen.value[0], "9");
	text = slurp(f->root, MTTY_DEV "/" U1 "/assign_adapter", NULL);
	assert_string_equal(text, "7\n");
	free(text);
}

static void test_autostart(void **state)
{
	struct fix *f = *state;
	struct vmdev_autostart *results, *r;
	const char *u5 = "11111111-2222-3333-4444-555555555559";
	size_t index, n = 0;

	add_mtty_parent(f->root);
	kernel_root = f->root;
	add_mtty_mdev(f->root, U1, "mtty-2"); /* active as defined */
	add_mtty_mdev(f->root, U2, "mtty-1"); /* active with another type */
	put(f, "etc/mdevctl.d/mtty/" U1, "{\"mdev_type\":\"mtty-2\",\"start\":\"auto\"}");
	put(f, "etc/mdevctl.d/mtty/" U2, "{\"mdev_type\":\"mtty-2\",\"start\":\"auto\"}");
	put(f, "etc/mdevctl.d/mtty/" U3, "{\"mdev_type\":\"mtty-2\",\"start\":\"auto\","
					 "\"attrs\":[{\"assign_adapter\":\"1\"}]}");
	tree_write(f->root, "etc/mdevctl.d/mtty/11111111-2222-3333-4444-555555555558",
		   "{\"mdev_type\":\"mtty-2\",\"start\":\"manual\"}");
	tree_write(f->root, "etc/mdevctl.d/mtty/11111111-2222-3333-4444-555555555559",
		   "{\"mdev_type\":\"mtty-2\",\"start\":\"auto\",\"attrs\":[{\"nope\":\"1\"}]}");

	assert_int_equal(vmdev_parent_autostart(f->ctx, "../x", &results), -EINVAL);
	assert_int_equal(vmdev_parent_autostart(f->ctx, "mtty", &results), 0);
	vmdev_autostart_foreach(results, r)
		n++;
	assert_int_equal(n, 4); /* the manual one is not there */
	r = results;
	assert_string_equal(vmdev_definition_get_uuid(vmdev_autostart_get_definition(r)), U1);
	assert_int_equal(vmdev_autostart_get_action(r), VMDEV_AUTOSTART_ALREADY_ACTIVE);
	assert_non_null(vmdev_autostart_get_mdev(r));
	r = vmdev_autostart_get_next(r);
	assert_int_equal(vmdev_autostart_get_action(r), VMDEV_AUTOSTART_MISMATCH);
	assert_int_equal(vmdev_autostart_get_error(r), 0);
	r = vmdev_autostart_get_next(r);
	assert_int_equal(vmdev_autostart_get_action(r), VMDEV_AUTOSTART_STARTED);
	assert_string_equal(vmdev_mdev_get_uuid(vmdev_autostart_get_mdev(r)), U3);
	assert_false(vmdev_autostart_get_failed_attr(r, &index));
	r = vmdev_autostart_get_next(r);
	assert_string_equal(vmdev_definition_get_uuid(vmdev_autostart_get_definition(r)), u5);
	assert_int_equal(vmdev_autostart_get_action(r), VMDEV_AUTOSTART_FAILED);
	assert_int_equal(vmdev_autostart_get_error(r), -ENOENT);
	assert_true(vmdev_autostart_get_failed_attr(r, &index));
	assert_int_equal(index, 0);
	assert_false(tree_resolves(f->root, "sys/bus/mdev/devices/11111111-2222-3333-4444-555555555559"));
	vmdev_autostart_free(results);

	/* again: idempotent */
	assert_int_equal(vmdev_parent_autostart(f->ctx, "mtty", &results), 0);
	r = vmdev_autostart_get_next(vmdev_autostart_get_next(results));
	assert_int_equal(vmdev_autostart_get_action(r), VMDEV_AUTOSTART_ALREADY_ACTIVE);
	assert_int_equal(creates, 3); /* U3, u5 and u5 again: nothing else */
	vmdev_autostart_free(results);

	/* a parent without definitions, or that does not exist */
	assert_int_equal(vmdev_parent_autostart(f->ctx, "other", &results), 0);
	assert_null(results);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_matches_mdevctl),
		cmocka_unit_test(test_reader_accepts),
		cmocka_unit_test(test_reader_refuses),
		cmocka_unit_test(test_attr_names),
		cmocka_unit_test_setup_teardown(test_list_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_checks_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_is_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_and_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_autostart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_attr, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
