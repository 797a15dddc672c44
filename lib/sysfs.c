// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one door for root-relative I/O (sysfs.h). Every path is a host path
 * ("/sys/...", "/proc/...") resolved against the context's root directory
 * fd, so recorded trees and containers that mount the host elsewhere work
 * unchanged.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "parse.h"
#include "sysfs.h"

/* The one place a host path becomes a path relative to the root fd. */
static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int format_path(char *buf, size_t size, const char *format, ...)
{
	va_list args;
	int n;

	va_start(args, format);
	n = vsnprintf(buf, size, format, args);
	va_end(args);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * PATH under the root as a path string, for the one library that needs a
 * directory path rather than an fd (libkmod's module directory). PATH and
 * BUF may be the same buffer.
 */
int sysfs_full_path(struct vmdev_ctx *ctx, const char *path, char *buf, size_t size)
{
	char host[PATH_MAX];

	if (snprintf(host, sizeof(host), "%s", path) >= (int)sizeof(host))
		return -ENAMETOOLONG;
	return format_path(buf, size, "%s/%s", strcmp(ctx->root, "/") ? ctx->root : "",
			   relative(host));
}

int sysfs_open_dir(struct vmdev_ctx *ctx, const char *path)
{
	int fd = openat(ctx->root_fd, relative(path),
			O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Read a whole attribute, strip the trailing newline; returns its length. */
int sysfs_read_at(int dir_fd, const char *name, char *buf, size_t size)
{
	_cleanup_(closep) int fd = -1;
	size_t len = 0;

	if (size == 0)
		return -EINVAL;
	fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (len == size - 1) {
			char extra;

			/* full: fine at end of file, too big if anything is left */
			n = read(fd, &extra, 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			if (n > 0)
				return -EFBIG;
			break;
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return (int)len;
}

int sysfs_read(struct vmdev_ctx *ctx, const char *path, char *buf, size_t size)
{
	return sysfs_read_at(ctx->root_fd, relative(path), buf, size);
}

int sysfs_read_hex_at(int dir_fd, const char *name, unsigned int *value)
{
	char buf[64];
	int r = sysfs_read_at(dir_fd, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	return parse_hex_attr(buf, value);
}

/* An attribute as a new string; NULL (and 0) when it is empty. */
int sysfs_read_string_at(int dir_fd, const char *name, char **value)
{
	char buf[VMDEV_ATTR_MAX];
	int r = sysfs_read_at(dir_fd, name, buf, sizeof(buf));

	*value = NULL;
	if (r < 0)
		return r;
	if (r == 0)
		return 0;
	*value = strdup(buf);
	return *value ? 0 : -ENOMEM;
}

int sysfs_readlink_at(int dir_fd, const char *name, char *buf, size_t size)
{
	ssize_t n = readlinkat(dir_fd, name, buf, size);

	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}

/* The last component of a link's target: the driver, group or type name. */
int sysfs_link_name_at(int dir_fd, const char *name, char **value)
{
	char buf[PATH_MAX];
	const char *base;
	int r;

	*value = NULL;
	r = sysfs_readlink_at(dir_fd, name, buf, sizeof(buf));
	if (r < 0)
		return r;
	base = strrchr(buf, '/');
	base = base ? base + 1 : buf;
	if (vmdev_check_name(base) < 0)
		return -EINVAL;
	*value = strdup(base);
	return *value ? 0 : -ENOMEM;
}

int sysfs_link_name(struct vmdev_ctx *ctx, const char *path, char **value)
{
	return sysfs_link_name_at(ctx->root_fd, relative(path), value);
}

/*
 * The group number behind an iommu_group link: one readlinkat, no
 * allocation. *GROUP is -1 and 0 is returned where there is no link;
 * -EINVAL for a target that is not a group, or the readlink's error.
 */
int sysfs_link_group_at(int dir_fd, const char *name, int *group)
{
	char target[PATH_MAX];
	const char *base;
	unsigned int number;
	int r;

	*group = -1;
	r = sysfs_readlink_at(dir_fd, name, target, sizeof(target));
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	r = vmdev_parse_group(base, &number);
	if (r < 0)
		return r;
	*group = (int)number;
	return 0;
}

/*
 * Lexically join a directory and a relative link target. sysfs links are
 * relative and their directories are real, so no component needs resolving.
 */
char *path_normalize(const char *dir, const char *target)
{
	size_t size = strlen(dir) + strlen(target) + 3;
	char *joined = malloc(size), *out = malloc(size);
	char *save = NULL, *part;
	size_t len = 0;

	if (!joined || !out) {
		free(joined);
		free(out);
		return NULL;
	}
	if (target[0] == '/')
		snprintf(joined, size, "%s", target);
	else
		snprintf(joined, size, "%s/%s", dir, target);
	out[0] = '\0';
	for (part = strtok_r(joined, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			char *slash = strrchr(out, '/');

			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		out[len++] = '/';
		strcpy(out + len, part);
		len += strlen(part);
	}
	if (len == 0)
		strcpy(out, "/");
	free(joined);
	return out;
}

/* Resolve DIR/NAME (a link) to its canonical host path "/sys/devices/...". */
int sysfs_canonical_link(struct vmdev_ctx *ctx, const char *dir,
			 const char *name, char **path)
{
	char link[PATH_MAX], target[PATH_MAX];
	int r;

	*path = NULL;
	r = format_path(link, sizeof(link), "%s/%s", dir, name);
	if (r < 0)
		return r;
	r = sysfs_readlink_at(ctx->root_fd, relative(link), target, sizeof(target));
	if (r < 0)
		return r;
	*path = path_normalize(dir, target);
	return *path ? 0 : -ENOMEM;
}

bool sysfs_exists_at(int dir_fd, const char *name)
{
	return faccessat(dir_fd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

bool sysfs_exists(struct vmdev_ctx *ctx, const char *path)
{
	return sysfs_exists_at(ctx->root_fd, relative(path));
}

/*
 * A regular file (after links) that the caller may execute: a callout
 * script worth spawning. Checked first, as mdevctl's spawn error would
 * tell, so that nothing is forked for a file that cannot run.
 */
bool sysfs_is_executable(struct vmdev_ctx *ctx, const char *path)
{
	struct stat st;

	return fstatat(ctx->root_fd, relative(path), &st, 0) == 0 && S_ISREG(st.st_mode) &&
	       faccessat(ctx->root_fd, relative(path), X_OK, AT_EACCESS) == 0;
}

/* A real subdirectory (never a link), for walks that must not leave a tree. */
bool sysfs_is_procfs(int dir_fd)
{
	struct statfs fs;

	return fstatfs(dir_fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

dev_t sysfs_fd_rdev_at(struct vmdev_ctx *ctx, int proc_fd, bool procfs, const char *link,
		       const char *target)
{
	struct statx stx;

	/* the magic link leads to the open file itself; DONT_SYNC: a file on
	 * a network file system answers from its cache, never blocks on it */
	if (procfs) {
		if (statx(proc_fd, link, AT_STATX_DONT_SYNC, STATX_TYPE, &stx) < 0)
			return 0;
	} else if (target[0] != '/' ||
		   statx(ctx->root_fd, relative(target), AT_STATX_DONT_SYNC, STATX_TYPE, &stx) < 0) {
		return 0;
	}
	if (!(stx.stx_mask & STATX_TYPE) || !S_ISCHR(stx.stx_mode))
		return 0;
	return makedev(stx.stx_rdev_major, stx.stx_rdev_minor);
}

int sysfs_open_subdir_at(int dir_fd, const char *name)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int sysfs_pread(struct vmdev_ctx *ctx, const char *path, void *buf, size_t size,
		off_t offset)
{
	return sysfs_pread_at(ctx->root_fd, relative(path), buf, size, offset);
}

int sysfs_read_string(struct vmdev_ctx *ctx, const char *path, char **value)
{
	return sysfs_read_string_at(ctx->root_fd, relative(path), value);
}

/* SIZE bytes at OFFSET (PCI config space); -EIO when fewer are there. */
int sysfs_pread_at(int dir_fd, const char *name, void *buf, size_t size, off_t offset)
{
	_cleanup_(closep) int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	do
		n = pread(fd, buf, size, offset);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == size ? 0 : -EIO;
}

/*
 * One write(2) of BUF, as a shell's "echo VALUE > PATH" does: sysfs takes
 * an attribute in one write. O_TRUNC: sysfs ignores it, and a recorded
 * tree's plain file then holds the last value written.
 */
int sysfs_write_file(struct vmdev_ctx *ctx, const char *path, const char *buf,
		     size_t len)
{
	_cleanup_(closep) int fd = openat(ctx->root_fd, relative(path),
					  O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int sysfs_scan_lines(struct vmdev_ctx *ctx, const char *path,
		     bool (*each)(const char *line, void *data), void *data)
{
	char line[4096];
	int found = 0;
	FILE *f;
	int fd;

	fd = openat(ctx->root_fd, relative(path), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "r");
	if (!f) {
		int r = -errno;

		close(fd);
		return r;
	}
	while (!found && fgets(line, sizeof(line), f))
		found = each(line, data);
	fclose(f);
	return found;
}

void free_names(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmp_names_version(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

int cmp_names_numeric(const void *a, const void *b)
{
	unsigned long x = strtoul(*(char *const *)a, NULL, 10);
	unsigned long y = strtoul(*(char *const *)b, NULL, 10);

	return x < y ? -1 : x > y;
}

/* The entries of a directory (without . and ..), sorted by CMP. */
int sysfs_list_dir_at(int dir_fd, const char *name,
		      int (*cmp)(const void *, const void *), char ***names,
		      size_t *count)
{
	char **list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int fd;

	*names = NULL;
	*count = 0;
	fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		int r = -errno;

		close(fd);
		return r;
	}
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			char **grown;

			cap = cap ? cap * 2 : 16;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown)
				goto err_nomem;
			list = grown;
		}
		list[n] = strdup(de->d_name);
		if (!list[n])
			goto err_nomem;
		n++;
	}
	closedir(dir);
	if (n && cmp)
		qsort(list, n, sizeof(*list), cmp);
	*names = list;
	*count = n;
	return 0;

err_nomem:
	closedir(dir);
	free_names(list, n);
	return -ENOMEM;
}

int sysfs_list_dir(struct vmdev_ctx *ctx, const char *path,
		   int (*cmp)(const void *, const void *), char ***names,
		   size_t *count)
{
	return sysfs_list_dir_at(ctx->root_fd, relative(path), cmp, names,
				 count);
}

/* ---- the read path: reads that allocate nothing per entry -------------- */

/*
 * Whether DIR_FD/NAME is a directory, following links: an O_PATH open
 * (not fstatat, so that tests/fault's open shim can make it vanish).
 */
bool sysfs_is_dir_at(int dir_fd, const char *name)
{
	int fd = openat(dir_fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * Call FN(entry, d_type, DATA) for each entry of DIR_FD/NAME but . and ..,
 * in directory order, with no allocation per entry (the name is valid
 * during the call only): one openat, getdents64 of 32 KiB at a time, one
 * close. Stops at FN's first non-zero return and returns it; else 0, or
 * a negative errno.
 */
int sysfs_each_entry_at(int dir_fd, const char *name,
			int (*fn)(const char *entry, unsigned char d_type,
				  void *data),
			void *data)
{
	_cleanup_(closep) int fd = -1;
	_cleanup_(freep) char *buf = NULL;
	const size_t size = 32768;

	fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = getdents64(fd, buf, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			const char *entry = de->d_name;
			int r;

			off += de->d_reclen;
			if (entry[0] == '.' &&
			    (entry[1] == '\0' || (entry[1] == '.' && entry[2] == '\0')))
				continue;
			r = fn(entry, de->d_type, data);
			if (r)
				return r;
		}
	}
}

/* ---- files that are not sysfs attributes (/etc/mdevctl.d) -------------- */

/*
 * A whole regular file below DIR_FD: O_NOFOLLOW (a link is not followed:
 * -ELOOP), O_NONBLOCK (a FIFO does not hang us), at most MAX bytes (-EFBIG
 * beyond); -EISDIR for a directory, -EINVAL for another kind of file.
 * REGULAR says the directory listing showed a regular file already (its
 * d_type): then no fstat. A read that returns less than asked is the end
 * of a regular file: one read for a small file, open-read-close in all.
 */
int sysfs_read_regular_at(int dir_fd, const char *name, size_t max, bool regular,
			  char **buf, size_t *len)
{
	_cleanup_(closep) int fd = -1;
	char *data = NULL;
	size_t n = 0, cap = 4096;
	struct stat st;

	*buf = NULL;
	*len = 0;
	fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!regular) {
		if (fstat(fd, &st) < 0)
			return -errno;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (!S_ISREG(st.st_mode))
			return -EINVAL;
		if ((unsigned long long)st.st_size > max)
			return -EFBIG;
		cap = (size_t)st.st_size + 1; /* room to see the end of file */
	}
	if (cap > max + 1)
		cap = max + 1;
	for (;;) {
		ssize_t got;

		if (!data || n == cap) {
			char *grown;

			if (data && cap > max) {
				free(data);
				return -EFBIG;
			}
			if (data)
				cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			grown = realloc(data, cap + 1);
			if (!grown)
				goto err_nomem;
			data = grown;
		}
		got = read(fd, data + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int r = errno == EISDIR ? -EISDIR : -errno;

			free(data);
			return r;
		}
		n += (size_t)got;
		if ((size_t)got < cap - (n - (size_t)got))
			break; /* short: the end of the file */
	}
	if (n > max) {
		free(data);
		return -EFBIG;
	}
	data[n] = '\0';
	*buf = data;
	*len = n;
	return 0;

err_nomem:
	free(data);
	return -ENOMEM;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Readers (libvirt watches /etc/mdevctl.d) see the old file or the new
 * one, never a part; a crash leaves one of the two. The temporary file is
 * ".NAME.PID.N" beside NAME (never a UUID, so listings skip it) and is
 * removed again on any failure.
 */
int sysfs_replace_at(int dir_fd, const char *name, const void *data, size_t len,
		     bool exclusive)
{
	static unsigned int counter;
	char tmp[NAME_MAX + 1];
	struct stat old;
	bool have_old;
	mode_t mode = 0644;
	int fd = -1, r;

	have_old = fstatat(dir_fd, name, &old, AT_SYMLINK_NOFOLLOW) == 0;
	if (!have_old && errno != ENOENT)
		return -errno;
	if (have_old && exclusive)
		return -EEXIST;
	if (have_old && S_ISDIR(old.st_mode))
		return -EISDIR;
	if (have_old && S_ISREG(old.st_mode))
		mode = old.st_mode & 07777;
	for (int attempt = 0; fd < 0 && attempt < 16; attempt++) {
		r = format_path(tmp, sizeof(tmp), ".%s.%d.%u", name, (int)getpid(),
				__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
		if (r < 0)
			return r;
		fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	/* the old owner, where it was not us (needs the right to give it) */
	if (r == 0 && have_old && S_ISREG(old.st_mode) &&
	    (old.st_uid != geteuid() || old.st_gid != getegid()) &&
	    fchown(fd, old.st_uid, old.st_gid) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && exclusive) {
		if (renameat2(dir_fd, tmp, dir_fd, name, RENAME_NOREPLACE) < 0) {
			r = -errno;
			/* a file system without RENAME_NOREPLACE: link(2) does not
			 * replace either */
			if (r == -EINVAL || r == -ENOSYS)
				r = linkat(dir_fd, tmp, dir_fd, name, 0) < 0 ? -errno : 0;
		}
	} else if (r == 0 && renameat(dir_fd, tmp, dir_fd, name) < 0) {
		r = -errno;
	}
	/* after a rename there is nothing left to unlink; after a link, the name */
	unlinkat(dir_fd, tmp, 0);
	if (r == 0 && fsync(dir_fd) < 0)
		r = -errno;
	return r;
}

int sysfs_unlink_at(int dir_fd, const char *name)
{
	if (unlinkat(dir_fd, name, 0) < 0)
		return -errno;
	return fsync(dir_fd) < 0 ? -errno : 0;
}

/* mode 0755 whatever the umask, as mdevctl makes its directories */
int sysfs_mkdir(struct vmdev_ctx *ctx, const char *path)
{
	const char *rel = relative(path);

	if (mkdirat(ctx->root_fd, rel, 0755) < 0) {
		if (errno != EEXIST)
			return -errno;
		return sysfs_is_dir_at(ctx->root_fd, rel) ? 0 : -ENOTDIR;
	}
	return fchmodat(ctx->root_fd, rel, 0755, 0) < 0 ? -errno : 0;
}
