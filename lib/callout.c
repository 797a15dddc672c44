// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mdevctl's callouts and notifiers, run around every change of an mdev or
 * a definition, with mdevctl's arguments, stdin and exit-code rules:
 *
 *   SCRIPT -t TYPE -e EVENT -a ACTION -s STATE -u UUID -p PARENT
 *
 * with the device's configuration as compact JSON on stdin. Callouts live
 * in /usr/lib/mdevctl/scripts.d/callouts (1.3+) and then
 * /etc/mdevctl.d/scripts.d/callouts (1.2.0's only one), tried in name
 * order; exit 2 means "not my device", the first other answer wins. A
 * "pre" answer other than 0 refuses the operation (unless forced); "post"
 * answers are ignored. Before each operation the scripts are asked for
 * their capabilities (mdevctl 1.3+'s versioned protocol): the first one
 * that answers with {"supports": ...} is then the device's only callout,
 * for the events and actions it names. Notifiers (scripts.d/notifiers)
 * all run after each operation; their answers and output are ignored.
 *
 * Scripts are spawned with only fds 0-2 (stdin a sealed copy of the JSON,
 * stdout a pipe read with a cap, stderr the caller's), in a process group
 * of their own that is killed when the script outlives the timeout. In
 * dry-run mode, or when the caller turned them off, nothing runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "definition.h"
#include "model.h"
#include "sysfs.h"

extern char **environ;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* in mdevctl's spelling, in the bit order of callout_supports */
static const char *const action_names[] = {
	[CALLOUT_START] = "start",	   [CALLOUT_STOP] = "stop",
	[CALLOUT_DEFINE] = "define",	   [CALLOUT_UNDEFINE] = "undefine",
	[CALLOUT_MODIFY] = "modify",	   [CALLOUT_ATTRIBUTES] = "attributes",
	[CALLOUT_CAPABILITIES] = "capabilities", NULL,
};
static const char *const event_names[] = {
	[CALLOUT_PRE] = "pre",	     [CALLOUT_POST] = "post", [CALLOUT_LIVE] = "live",
	[CALLOUT_NOTIFY] = "notify", [CALLOUT_GET] = "get",   NULL,
};
static const char *const state_names[] = {
	[CALLOUT_NONE] = "none", [CALLOUT_SUCCESS] = "success", [CALLOUT_FAILURE] = "failure",
};

static const char *const callout_dirs[] = { USR_LIB_MDEVCTL_CALLOUTS, ETC_MDEVCTL_CALLOUTS };
static const char *const notifier_dirs[] = { USR_LIB_MDEVCTL_NOTIFIERS, ETC_MDEVCTL_NOTIFIERS };

/* What the capabilities probe offers: mdevctl 1.4's, byte for byte. */
static const char provides[] =
	"{\"provides\":{\"version\":2,\"actions\":[\"start\",\"stop\",\"define\",\"undefine\","
	"\"modify\",\"attributes\",\"capabilities\"],\"events\":[\"pre\",\"post\",\"notify\","
	"\"get\",\"live\"]}}";

#define CALLOUT_OUTPUT_MAX 65536 /* more on stdout makes the answer invalid */
#define STATUS_SIGNALED (-EINTR) /* killed by a signal not ours (or reaped elsewhere) */

struct run {
	int status; /* its exit code; STATUS_SIGNALED; -ETIMEDOUT (killed by us) */
	char *out;
	size_t len;
	bool overflow;
};

static void run_clear(struct run *run)
{
	free(run->out);
	memset(run, 0, sizeof(*run));
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FD moved above 2 (close-on-exec), so that no dup2 of the child's 0-2
 * can clobber another: a daemon may run with its standard fds closed. */
static int above_stdio(int fd)
{
	int moved;

	if (fd < 0 || fd > 2)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return moved;
}

/* A sealed memory file holding INPUT, read from its start: the script's
 * stdin. Unlike a pipe, it cannot block us or raise SIGPIPE when the
 * script does not read it. */
static int input_fd(const char *input)
{
	size_t len = input ? strlen(input) : 0, done = 0;
	int fd = above_stdio(memfd_create("vmdev-callout", MFD_CLOEXEC | MFD_ALLOW_SEALING));

	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(fd, input + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? -errno : -EIO;

			close(fd);
			return e;
		}
		done += (size_t)n;
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static void take_output(struct run *run, int fd, bool *eof)
{
	char scratch[4096];

	for (;;) {
		char *to = scratch;
		size_t room = sizeof(scratch);
		ssize_t n;

		if (!run->overflow) {
			if (!run->out && !(run->out = malloc(CALLOUT_OUTPUT_MAX + 1))) {
				run->overflow = true; /* cannot keep it: not a valid answer */
				continue;
			}
			to = run->out + run->len;
			room = CALLOUT_OUTPUT_MAX + 1 - run->len;
		}
		n = read(fd, to, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*eof = n == 0 || errno != EAGAIN;
			break;
		}
		if (!run->overflow) {
			run->len += (size_t)n;
			if (run->len > CALLOUT_OUTPUT_MAX) {
				run->overflow = true;
				run->len = CALLOUT_OUTPUT_MAX;
			}
		}
	}
	if (run->out)
		run->out[run->len] = '\0';
}

/* Whether PID has exited; WNOWAIT leaves it for waitpid(). A child the
 * caller's SIGCHLD handler reaped first (ECHILD) has exited too. */
static bool has_exited(pid_t pid)
{
	siginfo_t info = { 0 };

	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return info.si_pid == pid;
}

/*
 * Wait until the script has exited and closed its stdout, reading that,
 * or until the timeout: then its process group is killed. Returns its
 * wait status (-1 when it was reaped by someone else); *TIMED_OUT when
 * the script itself had not exited. Neither a SIGCHLD handler (signals
 * are the caller's) nor a pidfd (valgrind knows none): its exit is looked
 * for between reads, every 50 ms at most.
 */
static int reap(struct vmdev_ctx *ctx, pid_t pid, int out, struct run *run, bool *timed_out)
{
	long long deadline = now_ms() + callout_timeout_ms(ctx);
	bool eof = false, exited = false;
	long slice_ms = 1;
	int status = 0;

	fcntl(out, F_SETFL, O_NONBLOCK);
	while (!eof || !exited) {
		long long left = deadline - now_ms();

		if (left <= 0)
			break;
		if (!eof) {
			struct pollfd p = { .fd = out, .events = POLLIN };

			if (poll(&p, 1, (int)(left < 50 ? left : 50)) > 0)
				take_output(run, out, &eof);
		} else {
			/* stdout closed: it is exiting, or went on without it */
			long ms = left < slice_ms ? (long)left : slice_ms;

			nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000L }, NULL);
			slice_ms = slice_ms < 50 ? slice_ms * 2 : 50;
		}
		if (!exited)
			exited = has_exited(pid);
	}
	if (!exited)
		*timed_out = true;
	/* the script, or what it left holding its stdout: the whole group */
	if (!exited || !eof)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			dbg(ctx, "waitpid %d: %m", (int)pid);
			return -1;
		}
	}
	return status;
}

/*
 * Run the script at HOST_PATH (a path on the host; run under the root)
 * for C's device with EVENT and ACTION, INPUT on its stdin. QUIET: its
 * stderr is discarded with its stdout (the probe, notifiers). Returns 0
 * with RUN filled, or the negative errno when it could not be run.
 */
static int run_script(struct callout *c, const char *host_path, enum callout_event event,
		      enum callout_action action, const char *input, bool quiet,
		      struct run *run)
{
	struct vmdev_ctx *ctx = c->ctx;
	char path[PATH_MAX];
	char *argv[] = { path,
			 "-t", c->type,
			 "-e", (char *)event_names[event],
			 "-a", (char *)action_names[action],
			 "-s", (char *)state_names[c->state],
			 "-u", c->uuid,
			 "-p", c->parent,
			 NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int in, pipefd[2], out, r, status;
	bool timed_out = false;
	pid_t pid;

	memset(run, 0, sizeof(*run));
	r = sysfs_full_path(ctx, host_path, path, sizeof(path));
	if (r < 0)
		return r;
	if (!sysfs_is_executable(ctx, host_path)) {
		dbg(ctx, "%s: not an executable file: passed over", path);
		return -EACCES;
	}
	in = input_fd(input);
	if (in < 0)
		return in;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = -errno;
		close(in);
		return r;
	}
	out = above_stdio(pipefd[0]);
	pipefd[1] = above_stdio(pipefd[1]);
	if (out < 0 || pipefd[1] < 0) {
		close(in);
		if (out >= 0)
			close(out);
		if (pipefd[1] >= 0)
			close(pipefd[1]);
		return -EMFILE;
	}

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	if (quiet)
		posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	/* the caller's fds without close-on-exec are not the script's either */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
						POSIX_SPAWN_SETPGROUP);
	r = posix_spawn(&pid, path, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(in);
	close(pipefd[1]);
	if (r != 0) {
		close(out);
		dbg(ctx, "%s-%s: cannot run %s: %s", event_names[event], action_names[action],
		    path, strerror(r));
		return -r;
	}
	status = reap(ctx, pid, out, run, &timed_out);
	close(out);
	if (timed_out) {
		err(ctx, "%s-%s: %s did not finish in %u ms: killed", event_names[event],
		    action_names[action], path, callout_timeout_ms(ctx));
		run->status = -ETIMEDOUT;
	} else if (status >= 0 && WIFEXITED(status)) {
		run->status = WEXITSTATUS(status);
	} else {
		run->status = STATUS_SIGNALED;
	}
	dbg(ctx, "%s-%s: %s answered %d", event_names[event], action_names[action], path,
	    run->status);
	return 0;
}

/* The executable names of DIR, sorted as mdevctl 1.4 sorts them (bytes). */
static int list_scripts(struct vmdev_ctx *ctx, const char *dir, char ***names, size_t *count)
{
	int r = sysfs_list_dir(ctx, dir, cmp_names, names, count);

	if (r == -ENOENT || r == -ENOTDIR) {
		*names = NULL;
		*count = 0;
		return 0;
	}
	return r;
}

static int join(char *buf, size_t size, const char *dir, const char *name)
{
	return format_path(buf, size, "%s/%s", dir, name);
}

/* A failure for vmdev_get_callout_failure(); a post callout's is ignored. */
static void remember_failure(struct callout *c, const char *script, int status)
{
	struct vmdev_ctx *ctx = c->ctx;

	if (c->state != CALLOUT_NONE)
		return;
	free(ctx->callout_failure_script);
	ctx->callout_failure_script = script ? strdup(script) : NULL;
	ctx->callout_failure_status = status;
}

/*
 * The capabilities probe: the first callout that answers "get
 * capabilities" with a valid {"supports": ...} becomes the device's one
 * script. Its stderr and every other answer are ignored.
 */
static void probe(struct callout *c)
{
	for (size_t d = 0; d < ARRAY_SIZE(callout_dirs) && !c->versioned; d++) {
		char **names;
		size_t count;

		if (list_scripts(c->ctx, callout_dirs[d], &names, &count) < 0)
			continue;
		for (size_t i = 0; i < count && !c->versioned; i++) {
			char host[PATH_MAX];
			struct run run;
			size_t len;

			if (join(host, sizeof(host), callout_dirs[d], names[i]) < 0 ||
			    run_script(c, host, CALLOUT_GET, CALLOUT_CAPABILITIES, provides, true,
				       &run) < 0)
				continue;
			len = run.len;
			while (len > 0 && run.out[len - 1] == '\0')
				len--; /* mdevctl trims the NULs some scripts end with */
			if (run.status != 2 && run.status != STATUS_SIGNALED && !run.overflow &&
			    run.out &&
			    callout_supports_parse(run.out, len, action_names, event_names,
						   &c->supports) == 0) {
				c->script = strdup(host);
				c->versioned = c->script != NULL;
				dbg(c->ctx, "%s: versioned callout, version %u", host,
				    c->supports.version);
			}
			run_clear(&run);
		}
		free_names(names, count);
	}
}

/*
 * One callout EVENT of C's action (or ACTION): the versioned script, or
 * the script that answered before, directly; else the first script that
 * does not answer 2. Returns 0 when it succeeded or no script claimed the
 * device, -ECANCELED when it failed (remembered in the context: which
 * script, its exit code or -ETIMEDOUT or -EOPNOTSUPP); with OUTPUT, what
 * it printed (*OUTPUT NULL when no script answered).
 */
static int callout_event(struct callout *c, enum callout_event event,
			 enum callout_action action, const char *input, struct run *output)
{
	struct run run;
	int r;

	if (output)
		memset(output, 0, sizeof(*output));
	if (c->script) {
		if (c->versioned && (!(c->supports.actions & (1u << action)) ||
				     !(c->supports.events & (1u << event)))) {
			dbg(c->ctx, "%s supports no %s-%s", c->script, event_names[event],
			    action_names[action]);
			remember_failure(c, c->script, -EOPNOTSUPP);
			return -ECANCELED;
		}
		r = run_script(c, c->script, event, action, input, false, &run);
		if (r < 0) {
			remember_failure(c, c->script, r);
			return -ECANCELED;
		}
		/* as mdevctl: a script killed by a signal did not say no */
		if (run.status != 0 && run.status != STATUS_SIGNALED) {
			remember_failure(c, c->script, run.status);
			run_clear(&run);
			return -ECANCELED;
		}
		if (output)
			*output = run;
		else
			run_clear(&run);
		return 0;
	}
	for (size_t d = 0; d < ARRAY_SIZE(callout_dirs); d++) {
		char **names;
		size_t count;

		if (list_scripts(c->ctx, callout_dirs[d], &names, &count) < 0)
			continue;
		for (size_t i = 0; i < count; i++) {
			char host[PATH_MAX];

			if (join(host, sizeof(host), callout_dirs[d], names[i]) < 0 ||
			    run_script(c, host, event, action, input, false, &run) < 0)
				continue;
			if (run.status == 2 || run.status == STATUS_SIGNALED) {
				run_clear(&run);
				continue;
			}
			free_names(names, count);
			if (run.status != 0) {
				remember_failure(c, host, run.status);
				run_clear(&run);
				return -ECANCELED;
			}
			/* it claimed the device: it alone gets the rest */
			c->script = strdup(host);
			if (output)
				*output = run;
			else
				run_clear(&run);
			return 0;
		}
		free_names(names, count);
	}
	return 0;
}

/* Every notifier, in name order; answers and output ignored. */
static void notify(struct callout *c, enum callout_action action)
{
	for (size_t d = 0; d < ARRAY_SIZE(notifier_dirs); d++) {
		char **names;
		size_t count;

		if (list_scripts(c->ctx, notifier_dirs[d], &names, &count) < 0)
			continue;
		for (size_t i = 0; i < count; i++) {
			char host[PATH_MAX];
			struct run run;

			if (join(host, sizeof(host), notifier_dirs[d], names[i]) == 0 &&
			    run_script(c, host, CALLOUT_NOTIFY, action, c->json, true, &run) == 0)
				run_clear(&run);
		}
		free_names(names, count);
	}
}

unsigned int callout_timeout_ms(struct vmdev_ctx *ctx)
{
	return ctx->callout_timeout_ms ? ctx->callout_timeout_ms : CALLOUT_TIMEOUT_MS;
}

static int callout_init(struct callout *c, struct vmdev_ctx *ctx, enum callout_action action,
			const char *uuid, const char *parent, const char *type,
			const struct def_content *content)
{
	struct def_content manual = { .type = (char *)type };
	int r;

	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->action = action;
	c->active = !ctx->dry_run && !ctx->callouts_disabled;
	if (!c->active)
		return 0;
	snprintf(c->uuid, sizeof(c->uuid), "%s", uuid);
	c->parent = strdup(parent);
	c->type = strdup(type);
	if (!c->parent || !c->type)
		return -ENOMEM;
	r = def_json_format(content ? content : &manual, false, &c->json, NULL);
	if (r < 0)
		return r;
	free(ctx->callout_failure_script);
	ctx->callout_failure_script = NULL;
	ctx->callout_failure_status = 0;
	return 0;
}

static void callout_free(struct callout *c)
{
	free(c->parent);
	free(c->type);
	free(c->json);
	free(c->script);
	memset(c, 0, sizeof(*c));
}

/**
 * callout_begin - the capabilities probe and the "pre" callout of an action
 * @c: filled here; callout_end() must follow, whatever this returns
 * @ctx: the context
 * @action: start, stop, define, undefine or modify
 * @uuid: @parent: @type: the device, as the scripts' arguments say it
 * @content: its configuration, given on stdin as compact JSON; NULL for
 *           {"mdev_type":TYPE,"start":"manual","attrs":[]}, what mdevctl
 *           gives for a device it knows from sysfs only
 *
 * Returns 0 to go on (also when forced past a refusal), -ECANCELED when a
 * pre callout refused (vmdev_get_callout_failure() says which and how), or
 * -ENOMEM.
 */
int callout_begin(struct callout *c, struct vmdev_ctx *ctx, enum callout_action action,
		  const char *uuid, const char *parent, const char *type,
		  const struct def_content *content)
{
	int r = callout_init(c, ctx, action, uuid, parent, type, content);

	if (r < 0 || !c->active)
		return r;
	probe(c);
	r = callout_event(c, CALLOUT_PRE, action, c->json, NULL);
	if (r == -ECANCELED && ctx->callout_force) {
		info(ctx, "pre-%s: %s refused (%d); forced to go on", action_names[action],
		     ctx->callout_failure_script, ctx->callout_failure_status);
		/* as mdevctl: the post callout looks for its script again */
		if (!c->versioned) {
			free(c->script);
			c->script = NULL;
		}
		return 0;
	}
	if (r == -ECANCELED)
		c->refused = true;
	return r;
}

/**
 * callout_end - the "post" callout (state success or failure, from
 * @result) and the notifiers, after the action; frees what @c holds
 *
 * After a refusal only the notifiers run (state "none"). Returns @result.
 */
int callout_end(struct callout *c, int result)
{
	if (c->active && c->parent && c->type && c->json) {
		if (!c->refused) {
			c->state = result == 0 ? CALLOUT_SUCCESS : CALLOUT_FAILURE;
			callout_event(c, CALLOUT_POST, c->action, c->json, NULL);
		}
		notify(c, c->action);
	}
	callout_free(c);
	return result;
}

/**
 * callout_get_attributes - ask the device's callout for an active mdev's
 * attributes ("get attributes", no stdin)
 * @out: receives them; *@found is false when no script claimed the device
 *
 * Output as mdevctl takes it: trailing NULs dropped, empty or null for
 * none, "[{}]" for none, else an array of one-key objects with string
 * values, checked as a definition's attributes are. Returns 0, -ECANCELED
 * when the script failed, -EBADMSG when its output is not such an array
 * (both remembered for vmdev_get_callout_failure()), -ENOMEM. Nothing runs
 * in dry-run mode or with callouts off (*@found false).
 */
int callout_get_attributes(struct vmdev_ctx *ctx, const char *uuid, const char *parent,
			   const char *type, struct def_content *out, bool *found)
{
	static const char head[] = "{\"mdev_type\":\"x\",\"start\":\"manual\",\"attrs\":";
	struct def_json_error error;
	struct callout c;
	struct run run;
	char *doc = NULL;
	size_t len;
	int r;

	memset(out, 0, sizeof(*out));
	*found = false;
	r = callout_init(&c, ctx, CALLOUT_ATTRIBUTES, uuid, parent, type, NULL);
	if (r < 0 || !c.active) {
		callout_free(&c);
		return r;
	}
	probe(&c);
	r = callout_event(&c, CALLOUT_GET, CALLOUT_ATTRIBUTES, NULL, &run);
	if (r < 0 || !run.out) {
		*found = r < 0 || c.script != NULL;
		callout_free(&c);
		return r;
	}
	*found = true;
	len = run.len;
	while (len > 0 && run.out[len - 1] == '\0')
		len--;
	if (run.overflow) {
		r = -EBADMSG;
	} else if (len == 0 || (len == 4 && memcmp(run.out, "[{}]", 4) == 0)) {
		r = 0;
	} else if (asprintf(&doc, "%s%.*s}", head, (int)len, run.out) < 0) {
		r = -ENOMEM;
	} else {
		r = def_json_parse(doc, strlen(doc), out, &error);
		if (r == 0) {
			free(out->type);
			out->type = NULL;
		}
	}
	if (r == -EBADMSG)
		remember_failure(&c, c.script, 0);
	free(doc);
	run_clear(&run);
	callout_free(&c);
	return r;
}

/**
 * callout_live - mdevctl 1.3+'s "live modify": the versioned callout of a
 * running mdev applies @content to it, then the notifiers run
 *
 * Returns 0, -EOPNOTSUPP when no versioned script claims the device or it
 * does not support live modify, -ECANCELED when it failed (remembered),
 * -ENOMEM. Nothing runs in dry-run mode or with callouts off (0).
 */
int callout_live(struct vmdev_ctx *ctx, const char *uuid, const char *parent,
		 const char *type, const struct def_content *content)
{
	struct callout c;
	int r = callout_init(&c, ctx, CALLOUT_MODIFY, uuid, parent, type, content);

	if (r < 0 || !c.active) {
		callout_free(&c);
		return r;
	}
	probe(&c);
	if (!c.versioned || !(c.supports.actions & (1u << CALLOUT_MODIFY)) ||
	    !(c.supports.events & (1u << CALLOUT_LIVE))) {
		callout_free(&c);
		return -EOPNOTSUPP;
	}
	r = callout_event(&c, CALLOUT_LIVE, CALLOUT_MODIFY, c.json, NULL);
	notify(&c, CALLOUT_MODIFY);
	callout_free(&c);
	return r;
}

/* ---- the public side ------------------------------------------------------ */

/**
 * vmdev_set_callout_force - go on when a "pre" callout refuses
 * @ctx: the context
 * @force: true: a refusal is logged and the operation goes on (mdevctl's
 *         --force); the post callout and the notifiers run as usual
 *
 * Returns 0, or -EINVAL without a context.
 */
VMDEV_EXPORT int vmdev_set_callout_force(struct vmdev_ctx *ctx, bool force)
{
	if (!ctx)
		return -EINVAL;
	ctx->callout_force = force;
	return 0;
}

/**
 * vmdev_set_callouts_enabled - run mdevctl's callouts and notifiers or not
 * @ctx: the context
 * @enabled: true (the default): every start, stop, define, undefine and
 *           modify runs them as mdevctl does; false: none runs, for a
 *           caller that must not execute scripts (a confined daemon)
 *
 * Returns 0, or -EINVAL without a context.
 */
VMDEV_EXPORT int vmdev_set_callouts_enabled(struct vmdev_ctx *ctx, bool enabled)
{
	if (!ctx)
		return -EINVAL;
	ctx->callouts_disabled = !enabled;
	return 0;
}

/**
 * vmdev_get_callout_failure - which callout made the last operation fail
 * @ctx: the context
 * @script: receives the script's host path (owned by the context, valid
 *          until its next operation)
 * @status: receives its exit code (1-255, 2 from a versioned script), or
 *          -ETIMEDOUT (killed after the timeout), -EOPNOTSUPP (a versioned
 *          script that does not support the event), 0 (it answered "get
 *          attributes" with something that is not an attribute array), or
 *          the negative errno of running it
 *
 * For an operation that returned -ECANCELED (a pre callout refused), or a
 * vmdev_mdev_get_callout_attrs() that failed. Returns 0, or -ENOENT when
 * the last operation had no such failure.
 */
VMDEV_EXPORT int vmdev_get_callout_failure(struct vmdev_ctx *ctx, const char **script,
					   int *status)
{
	if (!ctx)
		return -EINVAL;
	if (!ctx->callout_failure_script)
		return -ENOENT;
	if (script)
		*script = ctx->callout_failure_script;
	if (status)
		*status = ctx->callout_failure_status;
	return 0;
}

struct vmdev_attrs {
	struct def_content content;
};

/**
 * vmdev_mdev_get_callout_attrs - an active mdev's attributes, from its callout
 * @mdev: the mdev
 * @attrs: receives them (free with vmdev_attrs_free()), or NULL when no
 *         callout script claims the mdev (or callouts are off, or in
 *         dry-run mode)
 *
 * mdevctl's "get attributes" event: the script prints a JSON array of
 * one-key objects ([{"assign_adapter":"5"}, ...]); names and values are
 * checked as a definition's are. What `list -v` and `define -u UUID` of an
 * active mdev show and store.
 *
 * Returns 0; -ECANCELED when the script failed, -EBADMSG when it printed
 * something else (see vmdev_get_callout_failure()); -ENOMEM.
 */
VMDEV_EXPORT int vmdev_mdev_get_callout_attrs(struct vmdev_mdev *mdev,
					      struct vmdev_attrs **attrs)
{
	struct vmdev_attrs *a;
	bool found;
	int r;

	if (attrs)
		*attrs = NULL;
	if (!mdev || !attrs || !mdev->type)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	r = callout_get_attributes(mdev->ctx, mdev->uuid, mdev->type->parent->name,
				   mdev->type->id, &a->content, &found);
	if (r < 0 || !found) {
		free(a);
		return r;
	}
	*attrs = a;
	return 0;
}

/** vmdev_attrs_get_count - how many attributes */
VMDEV_EXPORT size_t vmdev_attrs_get_count(const struct vmdev_attrs *attrs)
{
	return attrs ? attrs->content.n_attrs : 0;
}

/** vmdev_attrs_get_name - the name of attribute @index, NULL past the end */
VMDEV_EXPORT const char *vmdev_attrs_get_name(const struct vmdev_attrs *attrs, size_t index)
{
	return attrs && index < attrs->content.n_attrs ? attrs->content.attrs[index].name : NULL;
}

/** vmdev_attrs_get_value - the value of attribute @index, NULL past the end */
VMDEV_EXPORT const char *vmdev_attrs_get_value(const struct vmdev_attrs *attrs, size_t index)
{
	return attrs && index < attrs->content.n_attrs ? attrs->content.attrs[index].value : NULL;
}

/** vmdev_attrs_free - free what vmdev_mdev_get_callout_attrs() gave */
VMDEV_EXPORT void vmdev_attrs_free(struct vmdev_attrs *attrs)
{
	if (!attrs)
		return;
	def_content_clear(&attrs->content);
	free(attrs);
}

/**
 * vmdev_definition_modify_live - hand a definition's configuration to the
 * callout of its running mdev (mdevctl 1.3+'s `modify --live`)
 * @def: the definition, as in memory (it is not saved here)
 *
 * The versioned callout script that claims the mdev gets "-e live -a
 * modify" with the configuration as compact JSON on stdin and applies it;
 * the notifiers run after it. mdevctl itself writes nothing for a live
 * change: the script does.
 *
 * Returns 0; -ENOENT when no mdev with its UUID runs on its parent with
 * its type; -EOPNOTSUPP when no versioned callout supports live modify
 * for it (or callouts are off); -ECANCELED when the script failed (see
 * vmdev_get_callout_failure()); -ENOMEM. In dry-run mode, 0 and nothing
 * runs.
 */
VMDEV_EXPORT int vmdev_definition_modify_live(struct vmdev_definition *def)
{
	if (!def)
		return -EINVAL;
	if (!vmdev_definition_is_active(def))
		return -ENOENT;
	if (def->ctx->callouts_disabled)
		return -EOPNOTSUPP;
	return callout_live(def->ctx, def->uuid, def->parent, def->content.type,
			    &def->content);
}
