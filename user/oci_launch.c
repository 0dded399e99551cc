// SPDX-License-Identifier: GPL-2.0-only
/*
 * OCI create/run on top of hybox run's phases (see oci_launch.h). The order
 * that makes failures clean: everything that can be checked without side
 * effects (root, the bundle, the pid file's directory) is checked in the
 * caller before any fork; what fails later in the supervisor is torn down
 * by the run phases and reported to the caller through the detach socket.
 */
#define LOG_PREFIX "oci: "
#include "oci_launch.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckpt.h"
#include "container.h"
#include "detach.h"
#include "log.h"
#include "logfile.h"
#include "oci_bundle.h"
#include "oci_state.h"
#include "run.h"
#include "util.h"

struct launch {
	const struct hy_global_opts *g;
	const struct hy_oci_opts *o;
	struct hy_oci_bundle *b;
	bool is_detached;
	bool is_wait_start;
	bool is_supervisor; /* the detached supervisor (its cwd is "/") */
	struct hy_detach det;
	char pid_file[PATH_MAX]; /* absolute; "" for none */
	char console[PATH_MAX];  /* --console-socket, absolute; "" for none */
	enum hy_oci_verb verb;
	/* restore: the checked image, its directory, and what it gives the run */
	struct ck_image img;
	int image_dirfd;
	char policy_name[PATH_MAX + 32];
	char *argv[2];
};

static const char *verb_name(enum hy_oci_verb verb)
{
	return verb == HY_OCI_CREATE ? "create" : verb == HY_OCI_RUN ? "run" : "restore";
}

/* "DIR/NAME" with DIR resolved (the detached supervisor works from "/"). */
static int absolute(const char *opt, const char *path, char *out, size_t len,
		    struct hy_err *err)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int n = slash ? snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path)
		      : snprintf(dir, sizeof(dir), ".");
	if (n < 0 || !realpath(dir[0] ? dir : "/", real))
		return hy_err_setr(err, -errno, "%s %s", opt, path);
	if ((size_t)snprintf(out, len, "%s/%s", real, slash ? slash + 1 : path) >= len)
		return hy_err_set(err, -ENAMETOOLONG, "%s: path too long", opt);
	return 0;
}

/* process.terminal and --console-socket come together, as in runc. */
static int check_console(struct launch *l, struct hy_err *err)
{
	bool terminal = l->b->cfg.proc.terminal;
	if (terminal && !l->o->console_socket)
		return hy_err_set(err, -EINVAL, "config.json: process.terminal is true: "
						"--console-socket SOCKET is needed to receive the "
						"terminal (hybox does not relay one itself)");
	if (!terminal && l->o->console_socket)
		return hy_err_set(err, -EINVAL, "--console-socket %s: process.terminal is false in "
						"config.json, so there is no terminal to send",
				  l->o->console_socket);
	if (terminal)
		l->b->sandbox.console_socket = l->console;
	return 0;
}

static int on_created(void *ctx, int state_dirfd, pid_t pid, struct hy_err *err)
{
	struct launch *l = ctx;
	struct hy_oci_record rec = {
		.id = l->o->id,
		.pid = pid,
		.status = l->is_wait_start ? "created" : "running",
		.bundle = l->b->dir,
		.rootfs = l->b->rootfs,
		.annotations = l->b->cfg.annotations,
	};
	int r = hy_oci_state_create(state_dirfd, &rec, err);
	if (r == 0 && l->pid_file[0])
		r = hy_pid_file_write(l->pid_file, pid, err);
	if (r == 0 && l->is_detached) {
		bool keep_stdout = l->b->cfg.events && strcmp(l->b->cfg.events, "-") == 0;
		r = hy_detach_ready(&l->det, pid, keep_stdout, err);
	}
	if (r < 0 && l->pid_file[0])
		unlink(l->pid_file);
	return r;
}

static void on_stopped(void *ctx, int state_dirfd, int wstatus)
{
	hy_oci_state_stopped(state_dirfd, wstatus);
}

/*
 * restore --work-path DIR: the error goes to DIR/restore.log too, where
 * CRIU's log would be (containerd's shim copies that file next to the
 * bundle when a restore fails). Best effort: the error is printed anyway.
 */
static void work_log(const struct launch *l, const struct hy_err *err)
{
	char path[PATH_MAX];
	if (l->verb != HY_OCI_RESTORE || !l->o->work_path || l->is_supervisor ||
	    (size_t)snprintf(path, sizeof(path), "%s/restore.log", l->o->work_path) >= sizeof(path))
		return;
	FILE *f = fopen(path, "ae");
	if (!f)
		return;
	fprintf(f, "hybox restore %s: error: %s\n", l->o->id, err->msg);
	fclose(f);
}

static int report(const struct launch *l, const struct hy_err *err, int status)
{
	fprintf(stderr, "hybox: %s\n", err->msg);
	work_log(l, err);
	return status ? status : HY_EXIT_RUNTIME;
}

static int prepare(struct launch *l, struct hy_err *err)
{
	if (geteuid() != 0)
		return hy_err_set(err, -EPERM, "hybox %s needs root (namespaces, cgroups, seccomp "
					       "supervision); run it with sudo",
				  verb_name(l->verb));
	int r = 0;
	/* Resolved now: the detached supervisor works from "/". */
	if (l->o->pid_file)
		r = absolute("--pid-file", l->o->pid_file, l->pid_file, sizeof(l->pid_file), err);
	if (r == 0 && l->o->console_socket)
		r = absolute("--console-socket", l->o->console_socket, l->console,
			     sizeof(l->console), err);
	if (r == 0)
		r = hy_oci_bundle_load(l->o->bundle, l->b, err);
	if (r == 0 && (r = check_console(l, err)) < 0)
		hy_oci_bundle_fini(l->b);
	/* The image's processes, ids and files come from a host-namespaced container. */
	if (r == 0 && l->verb == HY_OCI_RESTORE &&
	    (l->b->cfg.userns.is_new || l->b->cfg.ns_path[HY_JOIN_USER])) {
		r = hy_err_set(err, -EINVAL, "config.json linux.namespaces: restore into a user "
					     "namespace (\"user\") is not supported yet");
		hy_oci_bundle_fini(l->b);
	}
	if (r == 0 && l->verb == HY_OCI_RESTORE &&
	    (r = ck_image_load(l->o->image_path, &l->image_dirfd, &l->img, err)) < 0) {
		hy_err_wrap(err, "--image-path");
		hy_oci_bundle_fini(l->b);
	}
	return r;
}

/*
 * restore: the image's processes replace process.args (argv names its
 * command, for events); without the org.hybox.policy annotation the policy
 * is the image's (the container's own), and without a hostname in
 * config.json the image's, as CRIU brings back the UTS namespace.
 */
static void restore_run_opts(struct launch *l, struct hy_run_opts *ro)
{
	if (l->verb != HY_OCI_RESTORE)
		return;
	l->argv[0] = l->img.procs[0].exe;
	ro->argv = l->argv;
	ro->restore = &l->img;
	ro->restore_dirfd = l->image_dirfd;
	ro->hostname = ro->hostname ? ro->hostname : l->img.hostname;
	if (!ro->policy && l->img.policy) {
		snprintf(l->policy_name, sizeof(l->policy_name), "%s/image.json: policy",
			 l->o->image_path);
		ro->policy = l->policy_name;
		ro->policy_text = l->img.policy;
	}
}

static void cleanup(struct launch *l)
{
	hy_oci_bundle_fini(l->b);
	free(l->b);
	if (l->verb == HY_OCI_RESTORE) {
		ck_image_free(&l->img);
		close(l->image_dirfd);
	}
}

int hy_oci_launch(const struct hy_global_opts *g, enum hy_oci_verb verb,
		  const struct hy_oci_opts *o)
{
	struct launch l = { .g = g, .o = o, .b = xcalloc(1, sizeof(*l.b)), .det = { .fd = -1 },
			    .verb = verb, .image_dirfd = -1,
			    .is_wait_start = verb == HY_OCI_CREATE,
			    .is_detached = verb == HY_OCI_CREATE || o->is_detach };
	struct hy_run_hooks hooks = {
		.ctx = &l,
		.is_wait_start = l.is_wait_start,
		.is_kept = l.is_detached || o->is_keep,
		.is_adopted = l.is_detached,
		.created = on_created,
		.stopped = on_stopped,
	};
	struct hy_err err = { 0 };
	struct hy_run_opts ro;
	int status = 0;
	pid_t pid = 0;
	if (prepare(&l, &err) < 0) {
		free(l.b);
		return report(&l, &err, HY_EXIT_RUNTIME);
	}
	hy_oci_bundle_run_opts(l.b, o->id, &ro);
	restore_run_opts(&l, &ro);
	if (l.is_detached) {
		int r = hy_detach_fork(&l.det, &status, &pid, &err);
		if (r != 0) { /* the caller: the supervisor reported (or never started) */
			cleanup(&l);
			return err.code ? report(&l, &err, status) : 0;
		}
		hy_logfile_log_only(); /* fd 2 is the container's now */
		l.is_supervisor = true;
	}
	status = hy_run_container(g, &ro, &hooks, &err);
	if (err.code && l.det.fd >= 0) /* not reported yet: the caller prints it */
		hy_detach_failed(&l.det, &err);
	else if (err.code) /* the caller's stderr, or (detached) the --log file */
		status = report(&l, &err, err.exit_code);
	cleanup(&l);
	return status;
}
