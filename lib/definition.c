// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mdevctl's definitions as a model (definition.h): every file
 * /etc/mdevctl.d/PARENT/UUID under the root, read once and kept; the
 * getters and the changes made in memory before a save.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "definition.h"
#include "parse.h"
#include "model.h"
#include "sysfs.h"

static void definition_free(struct vmdev_definition *def)
{
	def_content_clear(&def->content);
	free(def->path); /* parent and file live in the same allocation */
	free(def);
}

static void free_list(struct vmdev_definition **list)
{
	while (*list) {
		struct vmdev_definition *next = (*list)->next;

		definition_free(*list);
		*list = next;
	}
}

/* what a scan read: the saved definitions and the errors */
static void free_scanned(struct vmdev_ctx *ctx)
{
	free_list(&ctx->definitions);
	while (ctx->definition_errors) {
		struct vmdev_definition_error *next = ctx->definition_errors->next;

		free(ctx->definition_errors->path);
		free(ctx->definition_errors->parent);
		free(ctx->definition_errors);
		ctx->definition_errors = next;
	}
	ctx->definitions_scanned = false;
}

void definition_free_all(struct vmdev_ctx *ctx)
{
	free_scanned(ctx);
	free_list(&ctx->definitions_detached);
}

static int cmp_definition(const struct vmdev_definition *a,
			  const struct vmdev_definition *b)
{
	int c = strcmp(a->parent, b->parent);

	return c ? c : strcmp(a->uuid, b->uuid);
}

static void unlink_from(struct vmdev_definition **list, struct vmdev_definition *def)
{
	for (; *list; list = &(*list)->next) {
		if (*list == def) {
			*list = def->next;
			def->next = NULL;
			return;
		}
	}
}

void definition_attach(struct vmdev_definition *def)
{
	struct vmdev_definition **at = &def->ctx->definitions;

	unlink_from(&def->ctx->definitions_detached, def);
	while (*at && cmp_definition(*at, def) <= 0)
		at = &(*at)->next;
	def->next = *at;
	*at = def;
	def->saved = true;
}

void definition_detach(struct vmdev_definition *def)
{
	unlink_from(&def->ctx->definitions, def);
	def->next = def->ctx->definitions_detached;
	def->ctx->definitions_detached = def;
	def->saved = false;
}

static struct vmdev_definition *definition_alloc(struct vmdev_ctx *ctx,
						 const char *uuid,
						 const char *parent,
						 const char *file)
{
	size_t lp = strlen(parent), lf = strlen(file), le = strlen(ETC_MDEVCTL);
	struct vmdev_definition *def = calloc(1, sizeof(*def));
	char *p;

	if (!def)
		return NULL;
	/* one allocation: "ETC/PARENT/FILE\0PARENT\0FILE\0" (a listing makes
	 * thousands) */
	p = malloc(le + 1 + lp + 1 + lf + 1 + lp + 1 + lf + 1);
	if (!p) {
		free(def);
		return NULL;
	}
	def->ctx = ctx;
	memcpy(def->uuid, uuid, VMDEV_UUID_LEN);
	def->path = p;
	memcpy(p, ETC_MDEVCTL "/", le + 1);
	memcpy(p + le + 1, parent, lp);
	p[le + 1 + lp] = '/';
	memcpy(p + le + 2 + lp, file, lf + 1);
	def->parent = p + le + 2 + lp + lf + 1;
	memcpy(def->parent, parent, lp + 1);
	def->file = def->parent + lp + 1;
	memcpy(def->file, file, lf + 1);
	return def;
}

static int add_error(struct vmdev_ctx *ctx, struct vmdev_definition_error ***tail,
		     const char *parent, const char *file, const char *uuid,
		     enum vmdev_definition_problem problem, int errnum,
		     const struct def_json_error *where)
{
	struct vmdev_definition_error *e = calloc(1, sizeof(*e));
	int n;

	if (!e)
		return -ENOMEM;
	if (!parent)
		n = asprintf(&e->path, "%s", ETC_MDEVCTL);
	else if (!file)
		n = asprintf(&e->path, ETC_MDEVCTL "/%s", parent);
	else
		n = asprintf(&e->path, ETC_MDEVCTL "/%s/%s", parent, file);
	if (n < 0 || (parent && !(e->parent = strdup(parent)))) {
		if (n >= 0)
			free(e->path);
		free(e);
		return -ENOMEM;
	}
	if (uuid)
		snprintf(e->uuid, sizeof(e->uuid), "%s", uuid);
	e->problem = problem;
	e->err = errnum;
	if (where) {
		e->offset = where->offset;
		e->index = where->index;
	}
	**tail = e;
	*tail = &e->next;
	info(ctx, "%s: %s (problem %d)", e->path, strerror(errnum), (int)problem);
	return 0;
}

static int read_one(struct vmdev_ctx *ctx, int dir_fd, const char *parent,
		    const char *file, bool regular, const char *uuid,
		    struct vmdev_definition ***tail,
		    struct vmdev_definition_error ***errors)
{
	struct vmdev_definition *def;
	struct def_json_error where;
	struct def_content content;
	char *text;
	size_t len;
	int r;

	r = sysfs_read_regular_at(dir_fd, file, VMDEV_DEFINITION_MAX_SIZE, regular, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r == -ELOOP || r == -EISDIR || r == -EINVAL)
		return add_error(ctx, errors, parent, file, uuid,
				 VMDEV_DEFINITION_NOT_REGULAR, -r, NULL);
	if (r == -EFBIG)
		return add_error(ctx, errors, parent, file, uuid,
				 VMDEV_DEFINITION_TOO_BIG, -r, NULL);
	if (r < 0)
		return add_error(ctx, errors, parent, file, uuid,
				 VMDEV_DEFINITION_UNREADABLE, -r, NULL);
	r = def_json_parse(text, len, &content, &where);
	free(text);
	if (r == -EBADMSG)
		return add_error(ctx, errors, parent, file, uuid, where.problem,
				 EBADMSG, &where);
	if (r < 0)
		return r;
	def = definition_alloc(ctx, uuid, parent, file);
	if (!def) {
		def_content_clear(&content);
		return -ENOMEM;
	}
	def->content = content;
	def->saved = true;
	**tail = def;
	*tail = &def->next;
	return 0;
}

/* A parent directory's entries: the UUID-named ones, with whether the
 * listing showed a regular file (then reading it needs no fstat). */
struct entries {
	struct entry {
		char uuid[VMDEV_UUID_LEN];
		char *name;
		bool regular;
	} *v;
	size_t n, cap;
};

static int entry_add(const char *name, unsigned char d_type, void *data)
{
	struct entries *e = data;
	char uuid[VMDEV_UUID_LEN];

	/* not a UUID: mdevctl's scripts.d, our temporary files, strays */
	if (parse_uuid_name(name, uuid) < 0)
		return 0;
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 64;
		struct entry *grown = realloc(e->v, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		e->v = grown;
		e->cap = cap;
	}
	e->v[e->n].name = strdup(name);
	if (!e->v[e->n].name)
		return -ENOMEM;
	memcpy(e->v[e->n].uuid, uuid, sizeof(uuid));
	e->v[e->n].regular = d_type == DT_REG;
	e->n++;
	return 0;
}

static int cmp_entries(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	/* by UUID (names differ only in case where both are the same UUID) */
	int c = memcmp(x->uuid, y->uuid, VMDEV_UUID_LEN - 1);

	return c ? c : strcmp(x->name, y->name);
}

static void entries_free(struct entries *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].name);
	free(e->v);
}

static int read_parent(struct vmdev_ctx *ctx, int etc_fd, const char *parent,
		       struct vmdev_definition ***tail,
		       struct vmdev_definition_error ***errors)
{
	_cleanup_(closep) int fd = -1;
	struct entries files = { NULL, 0, 0 };
	char dir[PATH_MAX];
	int r;

	r = format_path(dir, sizeof(dir), ETC_MDEVCTL "/%s", parent);
	if (r < 0)
		return 0;
	fd = sysfs_open_dir(ctx, dir);
	if (fd == -ENOTDIR)
		return 0; /* a stray file beside the parents' directories */
	if (fd < 0)
		return add_error(ctx, errors, parent, NULL, NULL,
				 VMDEV_DEFINITION_UNREADABLE, -fd, NULL);
	r = sysfs_each_entry_at(fd, ".", entry_add, &files);
	if (r == -ENOMEM) {
		entries_free(&files);
		return r;
	}
	if (r < 0) {
		entries_free(&files);
		return add_error(ctx, errors, parent, NULL, NULL,
				 VMDEV_DEFINITION_UNREADABLE, -r, NULL);
	}
	if (files.n)
		qsort(files.v, files.n, sizeof(*files.v), cmp_entries);
	for (size_t i = 0; i < files.n && r == 0; i++)
		r = read_one(ctx, fd, parent, files.v[i].name, files.v[i].regular,
			     files.v[i].uuid, tail, errors);
	entries_free(&files);
	return r;
}

/*
 * Read every definition once: the parents' directories by name, the files
 * in each by name; names that are not UUIDs are skipped (mdevctl's
 * scripts.d and our temporary files among them), a file that cannot be
 * read or parsed becomes an error. Only -ENOMEM fails the scan.
 */
int definition_scan(struct vmdev_ctx *ctx)
{
	struct vmdev_definition **tail = &ctx->definitions;
	struct vmdev_definition_error **errors = &ctx->definition_errors;
	_cleanup_(closep) int fd = -1;
	char **parents;
	size_t n;
	int r;

	if (ctx->definitions_scanned)
		return 0;
	ctx->definitions_scanned = true;
	fd = sysfs_open_dir(ctx, ETC_MDEVCTL);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return add_error(ctx, &errors, NULL, NULL, NULL,
				 VMDEV_DEFINITION_UNREADABLE, -fd, NULL);
	r = sysfs_list_dir_at(fd, ".", cmp_names, &parents, &n);
	if (r == -ENOMEM)
		goto err;
	if (r < 0)
		return add_error(ctx, &errors, NULL, NULL, NULL,
				 VMDEV_DEFINITION_UNREADABLE, -r, NULL);
	for (size_t i = 0; i < n && r == 0; i++) {
		if (strcmp(parents[i], "scripts.d") == 0 || vmdev_check_name(parents[i]) < 0)
			continue;
		r = read_parent(ctx, fd, parents[i], &tail, &errors);
	}
	free_names(parents, n);
	if (r == 0)
		return 0;
err:
	free_scanned(ctx);
	return r;
}

int mdev_running(struct vmdev_ctx *ctx, const char *uuid, char **parent,
		 char **type)
{
	char dir[96], *path = NULL, *slash, link[PATH_MAX];
	int r;

	*parent = *type = NULL;
	r = format_path(dir, sizeof(dir), SYS_MDEV_DEVICES "/%s", uuid);
	if (r < 0)
		return r;
	if (!sysfs_exists(ctx, dir))
		return -ENOENT;
	r = sysfs_canonical_link(ctx, SYS_MDEV_DEVICES, uuid, &path);
	if (r < 0)
		return r;
	r = format_path(link, sizeof(link), "%s/mdev_type", path);
	if (r == 0)
		r = sysfs_link_name(ctx, link, type);
	/* the parent: the directory above the device's own */
	slash = strrchr(path, '/');
	if (r == 0 && slash) {
		*slash = '\0';
		slash = strrchr(path, '/');
		*parent = strdup(slash ? slash + 1 : path);
		if (!*parent)
			r = -ENOMEM;
	}
	free(path);
	if (r < 0) {
		free(*type);
		*type = NULL;
	}
	return r;
}

/* ---- iteration ------------------------------------------------------------ */

/**
 * vmdev_definition_get_first - the first saved definition
 * @ctx: the context
 *
 * Definitions are read from /etc/mdevctl.d under the root on the first
 * call and cached until vmdev_refresh(); vmdev_definition_save() and
 * vmdev_definition_delete() keep the list current. Ordered by parent name,
 * then UUID. Files that could not be read are left out: see
 * vmdev_definition_error_get_first().
 *
 * Returns the definition, or NULL when there is none (or memory ran out).
 */
VMDEV_EXPORT struct vmdev_definition *vmdev_definition_get_first(struct vmdev_ctx *ctx)
{
	if (!ctx || definition_scan(ctx) < 0)
		return NULL;
	return ctx->definitions;
}

/** vmdev_definition_get_next - the next saved definition, or NULL */
VMDEV_EXPORT struct vmdev_definition *vmdev_definition_get_next(struct vmdev_definition *def)
{
	return def && def->saved ? def->next : NULL;
}

/**
 * vmdev_definition_get_first_by_parent - the first saved definition of a parent
 * @ctx: the context
 * @parent: the parent's name (it need not exist)
 *
 * Returns the definition with the smallest UUID under @parent, or NULL.
 */
VMDEV_EXPORT struct vmdev_definition *
vmdev_definition_get_first_by_parent(struct vmdev_ctx *ctx, const char *parent)
{
	struct vmdev_definition *def;

	if (!parent)
		return NULL;
	vmdev_definition_foreach(ctx, def)
		if (strcmp(def->parent, parent) == 0)
			return def;
	return NULL;
}

/** vmdev_definition_get_next_by_parent - the next one of the same parent, or NULL */
VMDEV_EXPORT struct vmdev_definition *
vmdev_definition_get_next_by_parent(struct vmdev_definition *def)
{
	struct vmdev_definition *next = vmdev_definition_get_next(def);

	return next && strcmp(next->parent, def->parent) == 0 ? next : NULL;
}

/**
 * vmdev_definition_error_get_first - the first definition file that could not be read
 * @ctx: the context
 *
 * Read with the definitions (the same scan, the same cache, the same
 * order); an unreadable /etc/mdevctl.d or parent directory is one too.
 *
 * Returns the error, or NULL when every file was good.
 */
VMDEV_EXPORT struct vmdev_definition_error *
vmdev_definition_error_get_first(struct vmdev_ctx *ctx)
{
	if (!ctx || definition_scan(ctx) < 0)
		return NULL;
	return ctx->definition_errors;
}

/** vmdev_definition_error_get_next - the next error, or NULL */
VMDEV_EXPORT struct vmdev_definition_error *
vmdev_definition_error_get_next(struct vmdev_definition_error *error)
{
	return error ? error->next : NULL;
}

/** vmdev_definition_error_get_path - the file's (or directory's) host path */
VMDEV_EXPORT const char *vmdev_definition_error_get_path(struct vmdev_definition_error *error)
{
	return error ? error->path : NULL;
}

/** vmdev_definition_error_get_parent - the parent's name; NULL for /etc/mdevctl.d */
VMDEV_EXPORT const char *vmdev_definition_error_get_parent(struct vmdev_definition_error *error)
{
	return error ? error->parent : NULL;
}

/** vmdev_definition_error_get_uuid - the UUID its name gives, lower case; "" for a directory */
VMDEV_EXPORT const char *vmdev_definition_error_get_uuid(struct vmdev_definition_error *error)
{
	return error ? error->uuid : NULL;
}

/** vmdev_definition_error_get_problem - what is wrong; 0 for NULL */
VMDEV_EXPORT enum vmdev_definition_problem
vmdev_definition_error_get_problem(struct vmdev_definition_error *error)
{
	return error ? error->problem : 0;
}

/**
 * vmdev_definition_error_get_errno - the error as a positive errno
 *
 * The failed call's errno for VMDEV_DEFINITION_UNREADABLE; ELOOP (a link),
 * EISDIR or EINVAL for NOT_REGULAR; EFBIG for TOO_BIG; EBADMSG for a
 * content that is not a definition.
 */
VMDEV_EXPORT int vmdev_definition_error_get_errno(struct vmdev_definition_error *error)
{
	return error ? error->err : 0;
}

/** vmdev_definition_error_get_offset - the byte where NOT_UTF8, SYNTAX or DUPLICATE_KEY was found */
VMDEV_EXPORT size_t vmdev_definition_error_get_offset(struct vmdev_definition_error *error)
{
	return error ? error->offset : 0;
}

/** vmdev_definition_error_get_index - the "attrs" entry of BAD_ATTR, BAD_ATTR_NAME, BAD_ATTR_VALUE */
VMDEV_EXPORT size_t vmdev_definition_error_get_index(struct vmdev_definition_error *error)
{
	return error ? error->index : 0;
}

static int check_lookup(const char *uuid, const char *parent, char id[VMDEV_UUID_LEN])
{
	int r = vmdev_parse_uuid(uuid, id);

	if (r < 0)
		return r;
	return parent ? vmdev_check_name(parent) : 0;
}

/**
 * vmdev_definition_error_find - the error of a definition file that could not be read
 * @ctx: the context
 * @uuid: its UUID, any case
 * @parent: its parent, or NULL for any
 * @error: receives the first such error
 *
 * Returns 0, -EINVAL for a malformed UUID or parent name, -ENOENT, -ENOMEM.
 */
VMDEV_EXPORT int vmdev_definition_error_find(struct vmdev_ctx *ctx, const char *uuid,
					     const char *parent,
					     struct vmdev_definition_error **error)
{
	char id[VMDEV_UUID_LEN];
	struct vmdev_definition_error *e;
	int r;

	if (!ctx || !error)
		return -EINVAL;
	*error = NULL;
	r = check_lookup(uuid, parent, id);
	if (r < 0)
		return r;
	r = definition_scan(ctx);
	if (r < 0)
		return r;
	for (e = ctx->definition_errors; e; e = e->next) {
		if (strcmp(e->uuid, id) == 0 && (!parent || strcmp(e->parent, parent) == 0)) {
			*error = e;
			return 0;
		}
	}
	return -ENOENT;
}

/**
 * vmdev_definition_find - look up a saved definition
 * @ctx: the context
 * @uuid: its UUID, any case
 * @parent: its parent, or NULL for any
 * @def: receives the definition (the first, by parent name, for NULL)
 *
 * Returns 0; -EINVAL for a malformed UUID or parent name; -ENOENT; -EBADMSG
 * when none is good but a file of that UUID (and parent) could not be read
 * (vmdev_definition_error_find() says why); -ENOTUNIQ when @parent is NULL
 * and the UUID is defined under several parents (*@def is still the
 * first); -ENOMEM.
 */
VMDEV_EXPORT int vmdev_definition_find(struct vmdev_ctx *ctx, const char *uuid,
				       const char *parent,
				       struct vmdev_definition **def)
{
	struct vmdev_definition_error *error;
	struct vmdev_definition *d;
	char id[VMDEV_UUID_LEN];
	int r;

	if (!ctx || !def)
		return -EINVAL;
	*def = NULL;
	r = check_lookup(uuid, parent, id);
	if (r < 0)
		return r;
	r = definition_scan(ctx);
	if (r < 0)
		return r;
	for (d = ctx->definitions; d; d = d->next) {
		if (strcmp(d->uuid, id) != 0 || (parent && strcmp(d->parent, parent) != 0))
			continue;
		if (*def)
			return -ENOTUNIQ;
		*def = d;
	}
	if (*def)
		return 0;
	return vmdev_definition_error_find(ctx, id, parent, &error) == 0 ? -EBADMSG : -ENOENT;
}

/**
 * vmdev_definition_new - a new definition, in memory until saved
 * @ctx: the context
 * @uuid: its UUID (any case), or NULL for a random one
 * @parent: the parent's name (it need not exist)
 * @type: the type's id ("mtty-2")
 * @def: receives it: start "manual", no attributes; owned by the context
 *
 * Nothing is written and the list does not show it until
 * vmdev_definition_save(), which fails with -EEXIST where the file exists.
 *
 * Returns 0, -EINVAL for a malformed UUID or a parent or type that is not
 * a name (vmdev_check_name()), -ENOMEM.
 */
VMDEV_EXPORT int vmdev_definition_new(struct vmdev_ctx *ctx, const char *uuid,
				      const char *parent, const char *type,
				      struct vmdev_definition **def)
{
	struct vmdev_definition *d;
	char id[VMDEV_UUID_LEN];
	int r;

	if (!ctx || !def)
		return -EINVAL;
	*def = NULL;
	r = parse_uuid_or_new(uuid, id);
	if (r < 0)
		return r;
	if (!parent || vmdev_check_name(parent) < 0 || !type || vmdev_check_name(type) < 0)
		return -EINVAL;
	/* the list exists before one joins it at its save */
	r = definition_scan(ctx);
	if (r < 0)
		return r;
	d = definition_alloc(ctx, id, parent, id);
	if (!d)
		return -ENOMEM;
	d->content.type = strdup(type);
	if (!d->content.type) {
		definition_free(d);
		return -ENOMEM;
	}
	d->content.start = VMDEV_START_MANUAL;
	d->next = ctx->definitions_detached;
	ctx->definitions_detached = d;
	*def = d;
	return 0;
}

/* ---- getters: the definition in memory ------------------------------------ */

/** vmdev_definition_get_ctx - the context that owns it */
VMDEV_EXPORT struct vmdev_ctx *vmdev_definition_get_ctx(struct vmdev_definition *def)
{
	return def ? def->ctx : NULL;
}

/** vmdev_definition_get_uuid - its UUID, lower case (cached) */
VMDEV_EXPORT const char *vmdev_definition_get_uuid(struct vmdev_definition *def)
{
	return def ? def->uuid : NULL;
}

/** vmdev_definition_get_parent - its parent's name (cached) */
VMDEV_EXPORT const char *vmdev_definition_get_parent(struct vmdev_definition *def)
{
	return def ? def->parent : NULL;
}

/** vmdev_definition_get_type - its type's id: as read, or as set since */
VMDEV_EXPORT const char *vmdev_definition_get_type(struct vmdev_definition *def)
{
	return def ? def->content.type : NULL;
}

/** vmdev_definition_get_path - its file's host path, "/etc/mdevctl.d/PARENT/UUID" */
VMDEV_EXPORT const char *vmdev_definition_get_path(struct vmdev_definition *def)
{
	return def ? def->path : NULL;
}

/** vmdev_definition_get_start - its start policy: as read, or as set since */
VMDEV_EXPORT enum vmdev_start_policy vmdev_definition_get_start(struct vmdev_definition *def)
{
	return def ? def->content.start : VMDEV_START_MANUAL;
}

/** vmdev_definition_is_saved - whether a file holds it (as of the scan or the last save or delete) */
VMDEV_EXPORT bool vmdev_definition_is_saved(struct vmdev_definition *def)
{
	return def && def->saved;
}

/** vmdev_definition_get_attr_count - how many attributes it has */
VMDEV_EXPORT size_t vmdev_definition_get_attr_count(struct vmdev_definition *def)
{
	return def ? def->content.n_attrs : 0;
}

/** vmdev_definition_get_attr_name - the name of attribute @index, or NULL past the end */
VMDEV_EXPORT const char *vmdev_definition_get_attr_name(struct vmdev_definition *def,
							size_t index)
{
	return def && index < def->content.n_attrs ? def->content.attrs[index].name : NULL;
}

/** vmdev_definition_get_attr_value - the value of attribute @index, or NULL past the end */
VMDEV_EXPORT const char *vmdev_definition_get_attr_value(struct vmdev_definition *def,
							 size_t index)
{
	return def && index < def->content.n_attrs ? def->content.attrs[index].value : NULL;
}

/**
 * vmdev_definition_is_active - whether it runs
 * @def: the definition
 *
 * From the model (cached, see vmdev_mdev_find()): an mdev with its UUID
 * exists on its parent with its type. One with its UUID on another parent
 * or with another type does not count.
 */
VMDEV_EXPORT bool vmdev_definition_is_active(struct vmdev_definition *def)
{
	struct vmdev_mdev *mdev;
	struct vmdev_type *type;

	if (!def || vmdev_mdev_find(def->ctx, def->uuid, &mdev) < 0)
		return false;
	type = vmdev_mdev_get_type(mdev);
	return type && strcmp(vmdev_parent_get_name(vmdev_type_get_parent(type)),
			      def->parent) == 0 &&
	       strcmp(vmdev_type_get_id(type), def->content.type) == 0;
}

/* ---- changes in memory ------------------------------------------------------ */

/**
 * vmdev_definition_set_type - change its type (in memory)
 *
 * Returns 0, -EINVAL for a type that is not a name, -ENOMEM.
 */
VMDEV_EXPORT int vmdev_definition_set_type(struct vmdev_definition *def, const char *type)
{
	char *copy;

	if (!def || !type || vmdev_check_name(type) < 0)
		return -EINVAL;
	copy = strdup(type);
	if (!copy)
		return -ENOMEM;
	free(def->content.type);
	def->content.type = copy;
	return 0;
}

/** vmdev_definition_set_start - change its start policy (in memory); 0 or -EINVAL */
VMDEV_EXPORT int vmdev_definition_set_start(struct vmdev_definition *def,
					    enum vmdev_start_policy start)
{
	if (!def || (start != VMDEV_START_AUTO && start != VMDEV_START_MANUAL))
		return -EINVAL;
	def->content.start = start;
	return 0;
}

/**
 * vmdev_definition_append_attr - add an attribute at the end (in memory)
 * @def: the definition
 * @name: the attribute's file name below the mdev: a name as
 *        vmdev_check_name() says (dots allowed, no '/', not "." or "..")
 * @value: what is written to it: one line (no newline)
 *
 * A name may repeat (vfio-ap assigns several adapters).
 *
 * Returns 0, -EINVAL, -ENOMEM.
 */
VMDEV_EXPORT int vmdev_definition_append_attr(struct vmdev_definition *def,
					      const char *name, const char *value)
{
	char *n, *v;
	int r;

	if (!def || def_attr_check(name, value) < 0)
		return -EINVAL;
	n = strdup(name);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return -ENOMEM;
	}
	{
		struct def_attr *grown = realloc(def->content.attrs,
						 (def->content.n_attrs + 1) * sizeof(*grown));

		r = grown ? 0 : -ENOMEM;
		if (grown) {
			def->content.attrs = grown;
			grown[def->content.n_attrs].name = n;
			grown[def->content.n_attrs].value = v;
			def->content.n_attrs++;
		}
	}
	if (r < 0) {
		free(n);
		free(v);
	}
	return r;
}

/**
 * vmdev_definition_remove_attrs - remove attributes (in memory)
 * @def: the definition
 * @name: every attribute of this name...
 * @value: ...or, when not NULL, only those with this value too
 *
 * Returns how many were removed (0 for none), or -EINVAL.
 */
VMDEV_EXPORT int vmdev_definition_remove_attrs(struct vmdev_definition *def,
					       const char *name, const char *value)
{
	size_t kept = 0;
	int removed = 0;

	if (!def || !name)
		return -EINVAL;
	for (size_t i = 0; i < def->content.n_attrs; i++) {
		struct def_attr *a = &def->content.attrs[i];

		if (strcmp(a->name, name) == 0 && (!value || strcmp(a->value, value) == 0)) {
			free(a->name);
			free(a->value);
			removed++;
			continue;
		}
		def->content.attrs[kept++] = *a;
	}
	def->content.n_attrs = kept;
	return removed;
}

/** vmdev_definition_clear_attrs - remove every attribute (in memory) */
VMDEV_EXPORT void vmdev_definition_clear_attrs(struct vmdev_definition *def)
{
	if (!def)
		return;
	for (size_t i = 0; i < def->content.n_attrs; i++) {
		free(def->content.attrs[i].name);
		free(def->content.attrs[i].value);
	}
	free(def->content.attrs);
	def->content.attrs = NULL;
	def->content.n_attrs = 0;
}

/**
 * vmdev_definition_set_json - take type, start and attributes from mdevctl's JSON
 * @def: the definition
 * @json: a JSON object as in a definition file ("mdev_type" and "start"
 *        required, "attrs" optional), as libvirt passes to mdevctl
 * @len: its length in bytes
 * @problem: if not NULL, receives what is wrong with a malformed @json
 * @where: if not NULL, receives the byte offset (NOT_UTF8, SYNTAX,
 *         DUPLICATE_KEY) or the attrs index (BAD_ATTR*) of the problem
 *
 * All or nothing: on failure @def is unchanged.
 *
 * Returns 0, -EBADMSG for malformed JSON, -EINVAL, -ENOMEM.
 */
VMDEV_EXPORT int vmdev_definition_set_json(struct vmdev_definition *def, const char *json,
					   size_t len,
					   enum vmdev_definition_problem *problem,
					   size_t *where)
{
	struct def_json_error error;
	struct def_content content;
	int r;

	if (problem)
		*problem = 0;
	if (where)
		*where = 0;
	if (!def || !json)
		return -EINVAL;
	r = def_json_parse(json, len, &content, &error);
	if (r == -EBADMSG) {
		if (problem)
			*problem = error.problem;
		if (where)
			*where = error.problem >= VMDEV_DEFINITION_BAD_ATTR ? error.index
									    : error.offset;
	}
	if (r < 0)
		return r;
	def_content_clear(&def->content);
	def->content = content;
	return 0;
}

/**
 * vmdev_definition_to_json - the definition as mdevctl's JSON
 * @def: the definition (as in memory)
 * @flags: VMDEV_DEFINITION_JSON_PRETTY for the file's form, byte for byte
 *         as mdevctl 1.2.0 writes it (two-space indentation, no newline
 *         at the end); else compact, on one line
 * @json: receives a new string; the caller frees it
 *
 * Returns 0, -EINVAL, -ENOMEM.
 */
VMDEV_EXPORT int vmdev_definition_to_json(struct vmdev_definition *def, unsigned int flags,
					  char **json)
{
	if (!json)
		return -EINVAL;
	*json = NULL;
	if (!def || (flags & ~VMDEV_DEFINITION_JSON_PRETTY))
		return -EINVAL;
	return def_json_format(&def->content, flags & VMDEV_DEFINITION_JSON_PRETTY, json, NULL);
}
