// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fault injection for what a real kernel cannot fail on cue: an LD_PRELOAD
 * shim that makes open/openat/read/readlink(at)/write/ppoll fail with a
 * chosen errno at the Nth call whose path matches a pattern.
 *
 *   VMDEV_FAULT="FUNC:ERRNO:NTH:COUNT:PATTERN[;...]"
 *     FUNC     open (open, openat and their 64/_2 forms), read, readlink
 *              (readlink, readlinkat), write, ppoll (no path: use *)
 *     ERRNO    EIO ENOSPC EACCES ENOENT EUSERS EDQUOT EPERM ENODEV EBUSY, or
 *              SHORT (read: at most one byte a call, never an error)
 *     NTH      the first matching call that fails, from 1
 *     COUNT    how many matching calls in a row fail (0: all from NTH on)
 *     PATTERN  fnmatch(3) pattern, '*' also matches '/', on the absolute
 *              path (openat's dir fd and read/write's fd resolved through
 *              /proc/self/fd); the rest of the rule, so it may hold ':'
 *   VMDEV_FAULT_LOG=FILE  appends "fault FUNC ERRNO PATH" for each injected
 *              fault and "write PATH VALUE" for each write(2) to a path
 *              under a "/sys/" (whether it failed or not)
 */
/* define open and open64 apart, and export every wrapper */
#undef _FILE_OFFSET_BITS
#pragma GCC visibility push(default)
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_RULES 8

enum func { F_OPEN, F_READ, F_READLINK, F_WRITE, F_PPOLL };

struct rule {
	enum func func;
	int err; /* 0: SHORT */
	const char *err_name;
	long nth, count, seen;
	char pattern[PATH_MAX];
};

static struct rule rules[MAX_RULES];
static int n_rules = -1;

static const struct {
	const char *name;
	int err;
} errnos[] = {
	{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EACCES", EACCES }, { "ENOENT", ENOENT },
	{ "EUSERS", EUSERS }, { "EDQUOT", EDQUOT }, { "EPERM", EPERM }, { "ENODEV", ENODEV },
	{ "EBUSY", EBUSY }, { "SHORT", 0 },
};

static void parse_rules(void)
{
	static const char *const funcs[] = { "open", "read", "readlink", "write", "ppoll" };
	const char *env = getenv("VMDEV_FAULT");
	char buf[4 * PATH_MAX], *save = NULL, *item;

	n_rules = 0;
	if (!env)
		return;
	snprintf(buf, sizeof(buf), "%s", env);
	for (item = strtok_r(buf, ";", &save); item && n_rules < MAX_RULES;
	     item = strtok_r(NULL, ";", &save)) {
		char *f[5];
		struct rule *r = &rules[n_rules];
		size_t i;

		f[0] = item;
		for (i = 1; i < 5; i++) {
			f[i] = strchr(f[i - 1], ':');
			if (!f[i])
				break;
			*f[i]++ = '\0';
		}
		if (i < 5)
			continue;
		for (i = 0; i < 5 && strcmp(funcs[i], f[0]); i++)
			;
		if (i == 5)
			continue;
		r->func = (enum func)i;
		for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]) && strcmp(errnos[i].name, f[1]); i++)
			;
		if (i == sizeof(errnos) / sizeof(errnos[0]))
			continue;
		r->err = errnos[i].err;
		r->err_name = errnos[i].name;
		r->nth = atol(f[2]);
		r->count = atol(f[3]);
		snprintf(r->pattern, sizeof(r->pattern), "%s", f[4]);
		n_rules++;
	}
}

static void log_line(const char *format, ...)
{
	const char *file = getenv("VMDEV_FAULT_LOG");
	char line[2 * PATH_MAX];
	va_list args;
	int fd, n;

	if (!file)
		return;
	va_start(args, format);
	n = vsnprintf(line, sizeof(line), format, args);
	va_end(args);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	fd = (int)syscall(SYS_openat, AT_FDCWD, file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	syscall(SYS_write, fd, line, (size_t)n);
	syscall(SYS_close, fd);
}

/* The absolute path of FD, or "" */
static void fd_path(int fd, char *out, size_t size)
{
	char link[64];
	long n;

	out[0] = '\0';
	if (fd == AT_FDCWD) {
		if (!getcwd(out, size))
			out[0] = '\0';
		return;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = syscall(SYS_readlinkat, AT_FDCWD, link, out, size - 1);
	out[n > 0 ? n : 0] = '\0';
}

static void at_path(int dirfd, const char *name, char *out, size_t size)
{
	char dir[PATH_MAX];

	if (!name) {
		out[0] = '\0';
		return;
	}
	if (name[0] == '/') {
		snprintf(out, size, "%s", name);
		return;
	}
	fd_path(dirfd, dir, sizeof(dir));
	if (snprintf(out, size, "%s/%s", dir, name) >= (int)size)
		out[0] = '\0'; /* too long to match anything */
}

/* The rule that fires for this call, or NULL */
static struct rule *fires(enum func func, const char *path)
{
	if (n_rules < 0)
		parse_rules();
	for (int i = 0; i < n_rules; i++) {
		struct rule *r = &rules[i];

		if (r->func != func || fnmatch(r->pattern, path, 0) != 0)
			continue;
		r->seen++;
		if (r->seen >= r->nth && (r->count == 0 || r->seen < r->nth + r->count)) {
			if (r->err)
				log_line("fault %s %s %s\n",
					 (const char *[]){ "open", "read", "readlink", "write", "ppoll" }[func],
					 r->err_name, path);
			return r;
		}
	}
	return NULL;
}

typedef int open_fn(const char *, int, ...);
typedef int openat_fn(int, const char *, int, ...);
typedef ssize_t read_fn(int, void *, size_t);
typedef ssize_t readlinkat_fn(int, const char *, char *, size_t);
typedef ssize_t write_fn(int, const void *, size_t);
typedef int ppoll_fn(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);

/* the next definition of NAME, of type TYPE */
#define REAL(name, type) \
	static type *real_##name; \
	if (!real_##name) \
		real_##name = (type *)dlsym(RTLD_NEXT, #name)

static int check_open(int dirfd, const char *name)
{
	char path[PATH_MAX];
	struct rule *r;

	at_path(dirfd, name, path, sizeof(path));
	r = fires(F_OPEN, path);
	if (r && r->err) {
		errno = r->err;
		return -1;
	}
	return 0;
}

static mode_t mode_arg(int flags, va_list args)
{
	return (flags & (O_CREAT | __O_TMPFILE)) ? (mode_t)va_arg(args, int) : 0;
}

#define OPEN_WRAPPER(name)                                                  \
	int name(const char *path, int flags, ...)                          \
	{                                                                   \
		va_list args;                                               \
		mode_t mode;                                                \
		REAL(name, open_fn);                \
		va_start(args, flags);                                      \
		mode = mode_arg(flags, args);                               \
		va_end(args);                                               \
		if (check_open(AT_FDCWD, path) < 0)                         \
			return -1;                                          \
		return real_##name(path, flags, mode);                      \
	}
#define OPENAT_WRAPPER(name)                                                \
	int name(int dirfd, const char *path, int flags, ...)               \
	{                                                                   \
		va_list args;                                               \
		mode_t mode;                                                \
		REAL(name, openat_fn);           \
		va_start(args, flags);                                      \
		mode = mode_arg(flags, args);                               \
		va_end(args);                                               \
		if (check_open(dirfd, path) < 0)                            \
			return -1;                                          \
		return real_##name(dirfd, path, flags, mode);               \
	}
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
int __open_2(const char *path, int flags) { return open(path, flags); }
int __open64_2(const char *path, int flags) { return open64(path, flags); }
int __openat_2(int dirfd, const char *path, int flags) { return openat(dirfd, path, flags); }
int __openat64_2(int dirfd, const char *path, int flags) { return openat64(dirfd, path, flags); }

ssize_t read(int fd, void *buf, size_t count)
{
	char path[PATH_MAX];
	struct rule *r;
	REAL(read, read_fn);

	fd_path(fd, path, sizeof(path));
	r = fires(F_READ, path);
	if (r && r->err) {
		errno = r->err;
		return -1;
	}
	return real_read(fd, buf, r && count > 1 ? 1 : count);
}

ssize_t __read_chk(int fd, void *buf, size_t count, size_t size);
ssize_t __read_chk(int fd, void *buf, size_t count, size_t size)
{
	if (count > size)
		abort();
	return read(fd, buf, count);
}

ssize_t readlinkat(int dirfd, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];
	struct rule *r;
	REAL(readlinkat, readlinkat_fn);

	at_path(dirfd, name, path, sizeof(path));
	r = fires(F_READLINK, path);
	if (r && r->err) {
		errno = r->err;
		return -1;
	}
	return real_readlinkat(dirfd, name, buf, size);
}

ssize_t readlink(const char *name, char *buf, size_t size)
{
	return readlinkat(AT_FDCWD, name, buf, size);
}

/* an existence check is an open's question: "open" rules answer it too */
typedef int faccessat_fn(int, const char *, int, int);
int faccessat(int dirfd, const char *name, int mode, int flags)
{
	REAL(faccessat, faccessat_fn);

	if (check_open(dirfd, name) < 0)
		return -1;
	return real_faccessat(dirfd, name, mode, flags);
}

ssize_t write(int fd, const void *buf, size_t count)
{
	char path[PATH_MAX];
	struct rule *r;
	REAL(write, write_fn);

	fd_path(fd, path, sizeof(path));
	if (strstr(path, "/sys/")) {
		int n = (int)count;

		if (n > 0 && ((const char *)buf)[n - 1] == '\n')
			n--;
		log_line("write %s %.*s\n", path, n, (const char *)buf);
	}
	r = fires(F_WRITE, path);
	if (r && r->err) {
		errno = r->err;
		return -1;
	}
	return real_write(fd, buf, count);
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
	  const sigset_t *sigmask)
{
	struct rule *r;
	REAL(ppoll, ppoll_fn);

	r = fires(F_PPOLL, "");
	if (r && r->err) {
		errno = r->err;
		return -1;
	}
	return real_ppoll(fds, nfds, timeout, sigmask);
}
