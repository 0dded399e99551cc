// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox run`: create a container, run a command in it under kernel-emu's
 * supervision, and tear everything down. Runs as root. Start-up is a table
 * of named phases; teardown releases whatever the phases acquired, in
 * reverse, on every path, so a failure leaves no cgroup, state directory,
 * mount or process behind.
 */
#define LOG_PREFIX "run: "
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "container.h"
#include "control.h"
#include "emu.h"
#include "filter_cache.h"
#include "log.h"
#include "features.h"
#include "lsm.h"
#include "policy.h"
#include "run_opts.h"
#include "sandbox.h"
#include "seccomp.h"
#include "telemetry.h"
#include "trace.h"
#include "util.h"

struct run_ctx {
	const struct hy_global_opts *g;
	struct hy_run_opts o;
	char id[HY_ID_MAX];
	char rootfs[PATH_MAX];
	char cg2[PATH_MAX];
	char cwd[PATH_MAX];
	struct hy_policy policy;
	struct hy_filter filter;
	struct hy_state state;
	struct hy_cgroup cg;
	struct hy_telemetry *tel;
	struct hy_trace *trace;
	struct hy_lsm *lsm; /* the BPF LSM road, or NULL: the emulated road */
	bool lsm_bound;     /* this container's rules are in the LSM maps */
	struct emu_kernel *kernel;
	struct hy_sandbox sb;
	struct hy_control *ctl;
};

static int phase_check_privileges(struct run_ctx *c, struct hy_err *err)
{
	if (geteuid() != 0)
		return hy_err_set(err, -EPERM, "hybox run needs root (namespaces, cgroups, seccomp "
					       "supervision); run it with sudo");
	return 0;
}

static int phase_resolve_rootfs(struct run_ctx *c, struct hy_err *err)
{
	struct stat st;
	if (!c->o.rootfs)
		return 0;
	if (!realpath(c->o.rootfs, c->rootfs))
		return hy_err_setr(err, -errno, "--rootfs %s", c->o.rootfs);
	if (stat(c->rootfs, &st) < 0)
		return hy_err_setr(err, -errno, "--rootfs %s", c->o.rootfs);
	if (!S_ISDIR(st.st_mode))
		return hy_err_set(err, -ENOTDIR, "--rootfs %s: not a directory", c->o.rootfs);
	return 0;
}

/*
 * The object policy's road: BPF LSM hooks where the kernel runs them ("bpf"
 * in the active LSM list), else kernel-emu. A kernel that lists bpf but
 * refuses the programs falls back to the emulated road, loudly.
 */
static int open_lsm_road(struct run_ctx *c)
{
	struct hy_err lerr = { 0 };
	if (hy_features_lsm_listed() <= 0)
		return 0;
	if (hy_lsm_open(&c->lsm, &lerr) < 0) {
		fprintf(stderr, "hybox: warning: BPF LSM is active but its programs did not load "
				"(%s); the policy is enforced on the emulated road\n", lerr.msg);
		c->lsm = NULL;
	}
	return 0;
}

static int phase_policy(struct run_ctx *c, struct hy_err *err)
{
	int r = hy_policy_load(c->o.policy, &c->policy, err);
	if (r < 0)
		return r;
	r = open_lsm_road(c);
	if (r < 0)
		return hy_err_set(err, r, "cannot load the BPF LSM programs");
	hy_policy_route(&c->policy, c->lsm != NULL);
	if (hy_filter_cache_load(c->g->root, &c->policy.sys, &c->filter) == 0)
		return 0;
	r = hy_seccomp_build(&c->policy.sys, &c->filter, err);
	if (r == 0)
		hy_filter_cache_store(c->g->root, &c->policy.sys, &c->filter);
	return r;
}

static int phase_cgroup_mount(struct run_ctx *c, struct hy_err *err)
{
	int r = hy_cgroup2_find_mount(c->cg2, sizeof(c->cg2));
	if (r < 0)
		return hy_err_set(err, r, "no cgroup2 file system is mounted (looked in "
					  "/proc/self/mountinfo); hybox needs cgroup v2");
	return 0;
}

static int phase_state(struct run_ctx *c, struct hy_err *err)
{
	return hy_state_create(&c->state, c->g->root, c->id, err);
}

static int phase_cgroup(struct run_ctx *c, struct hy_err *err)
{
	return hy_cgroup_create(&c->cg, c->cg2, c->id, err);
}

static int phase_telemetry(struct run_ctx *c, struct hy_err *err)
{
	return hy_telemetry_open(&c->tel, c->o.events, c->id, err);
}

/*
 * exec/fork/exit events from BPF, loaded only when events were asked for (no
 * cost otherwise). Before the container starts, so its first exec is seen.
 * Unavailable (no tp_btf, load refused): one warning, and the run goes on.
 */
static int phase_trace(struct run_ctx *c, struct hy_err *err)
{
	struct hy_err terr = { 0 };

	if (!c->o.events)
		return 0;
	if (hy_trace_start(&c->trace, c->cg.id, c->tel, &terr) < 0)
		fprintf(stderr, "hybox: warning: exec/fork/exit events unavailable: %s\n", terr.msg);
	/* The LSM's policy events reach the sink only through the trace consumer. */
	if (c->trace && c->lsm)
		return hy_trace_add_ring(c->trace, hy_lsm_ring_fd(c->lsm), hy_lsm_counters_fd(c->lsm),
					 err);
	return 0;
}

static int phase_kernel(struct run_ctx *c, struct hy_err *err)
{
	struct emu_kernel_config cfg = {
		.container_id = c->id,
		.hostname = c->o.hostname ? c->o.hostname : c->id,
		.cgroup_fd = c->cg.dirfd,
		.cgid = c->cg.id,
		.policy = &c->policy.sys,
		.obj = &c->policy.obj,
		/* No sink, no events: the notify loop then skips gathering their fields. */
		.emit = c->o.events ? hy_telemetry_emit : NULL,
		.emit_ctx = c->tel,
	};
	c->kernel = emu_kernel_new(&cfg);
	return 0;
}

static int phase_spawn(struct run_ctx *c, struct hy_err *err)
{
	struct hy_sandbox_spec spec = {
		.hostname = c->o.hostname ? c->o.hostname : c->id,
		.rootfs = c->o.rootfs ? c->rootfs : NULL,
		.net_none = c->o.net_none,
		.argv = c->o.argv,
		.cwd = getcwd(c->cwd, sizeof(c->cwd)),
		.filter = &c->filter,
		.cgroup_fd = c->cg.dirfd,
	};
	hy_sandbox_block_signals();
	return hy_sandbox_spawn(&spec, &c->sb, err);
}

static void emit_lifecycle(struct run_ctx *c, uint32_t type, int wstatus)
{
	struct hy_evt_lifecycle ev = {
		.hdr = { .type = type, .size = sizeof(ev), .ts_ns = now_mono_ns(), .cgid = c->cg.id },
		.task = { .pid = c->sb.cmd_pid, .tid = c->sb.cmd_pid },
		.exit_code = -1,
	};
	const char *slash = strrchr(c->o.argv[0], '/');
	strscpy(ev.task.comm, slash ? slash + 1 : c->o.argv[0], sizeof(ev.task.comm));
	if (type == HY_EVT_EXIT && WIFEXITED(wstatus))
		ev.exit_code = WEXITSTATUS(wstatus);
	else if (type == HY_EVT_EXIT && WIFSIGNALED(wstatus))
		ev.signal = WTERMSIG(wstatus);
	hy_telemetry_emit(c->tel, &ev.hdr);
}

/* LSM rules bind to inodes of the container's own mounts (its /tmp, /dev),
 * which exist now; the command waits for hy_sandbox_go(). */
static int phase_bind_lsm(struct run_ctx *c, struct hy_err *err)
{
	if (!c->lsm)
		return 0;
	int r = hy_lsm_add(c->lsm, c->cg.id, &c->policy.obj, c->policy.mode == HY_POLICY_AUDIT,
			   c->sb.root_fd, err);
	c->lsm_bound = r == 0;
	return r;
}

static int phase_supervise(struct run_ctx *c, struct hy_err *err)
{
	struct emu_container_fds fds = { .listener = c->sb.listener, .uts_ns = c->sb.uts_ns_fd,
					 .mnt_ns = c->sb.mnt_ns_fd, .root = c->sb.root_fd };
	/* owned by kernel-emu now, also on failure */
	c->sb.listener = c->sb.uts_ns_fd = c->sb.mnt_ns_fd = c->sb.root_fd = -1;
	int r = emu_kernel_start(c->kernel, &fds);
	if (r < 0)
		return hy_err_setr(err, r, "start the kernel-emu thread");
	emit_lifecycle(c, HY_EVT_START, 0);
	hy_trace_deliver(c->trace); /* held until now: `start` comes first */
	r = hy_sandbox_go(&c->sb);
	if (r < 0)
		return hy_err_setr(err, r, "release the container's command");
	return 0;
}

/* After supervision starts: every pid a client may ask about exists by now. */
static int phase_control(struct run_ctx *c, struct hy_err *err)
{
	struct hy_control_config cfg = {
		.id = c->id,
		.state_dirfd = c->state.dirfd,
		.state_dir = c->state.dir,
		.cgroup_dirfd = c->cg.dirfd,
		.cmd_pid = c->sb.cmd_pid,
	};
	return hy_control_start(&c->ctl, &cfg, err);
}

static const struct {
	const char *name;
	int (*run)(struct run_ctx *c, struct hy_err *err);
} phases[] = {
	{ "check privileges", phase_check_privileges },
	{ "resolve rootfs", phase_resolve_rootfs },
	{ "load policy", phase_policy },
	{ "find cgroup2", phase_cgroup_mount },
	{ "create state directory", phase_state },
	{ "create cgroup", phase_cgroup },
	{ "open event sink", phase_telemetry },
	{ "attach tracing", phase_trace },
	{ "create kernel-emu", phase_kernel },
	{ "start container", phase_spawn },
	{ "bind LSM rules", phase_bind_lsm },
	{ "start supervision", phase_supervise },
	{ "open control socket", phase_control },
};

/* Reverse of the phases; each step is a no-op if its phase did not run. */
static void teardown(struct run_ctx *c)
{
	hy_control_stop(c->ctl); /* joined before the state directory goes */
	c->ctl = NULL;
	hy_sandbox_release(&c->sb);
	if (c->kernel) {
		emu_kernel_stop(c->kernel);
		emu_kernel_free(c->kernel);
	}
	hy_trace_stop(c->trace);
	if (c->lsm_bound)
		hy_lsm_remove(c->lsm, c->cg.id);
	hy_lsm_free(c->lsm); /* after the trace consumer: it reads the LSM's ring */
	hy_telemetry_close(c->tel);
	hy_cgroup_destroy(&c->cg);
	hy_state_remove(&c->state);
	hy_seccomp_fini(&c->filter);
}

static int report(struct hy_err *err)
{
	fprintf(stderr, "hybox: %s\n", err->msg);
	return err->exit_code ? err->exit_code : HY_EXIT_RUNTIME;
}

int hy_cmd_run(const struct hy_global_opts *g, int argc, char **argv)
{
	struct run_ctx c = { .g = g, .state = { .dirfd = -1, .lockfd = -1 }, .cg = { .dirfd = -1 },
			     .sb = { .sync_fd = -1, .listener = -1, .uts_ns_fd = -1, .mnt_ns_fd = -1,
				     .root_fd = -1 } };
	struct hy_err err = { 0 };
	int r = hy_run_parse(argc, argv, &c.o, &err);
	if (r == HY_RUN_HELP) {
		hy_run_usage(stdout);
		return 0;
	}
	if (r < 0)
		return report(&err);
	if (c.o.id)
		strscpy(c.id, c.o.id, sizeof(c.id));
	else
		hy_id_generate(c.id, sizeof(c.id));
	for (size_t i = 0; i < ARRAY_SIZE(phases); i++) {
		unsigned long long t0 = now_mono_ns();
		r = phases[i].run(&c, &err);
		pr_debug("phase %-24s %6llu us", phases[i].name, (now_mono_ns() - t0) / 1000);
		if (r < 0) {
			teardown(&c);
			return report(&err);
		}
	}
	int wstatus = 0;
	int status = hy_sandbox_wait(&c.sb, &wstatus, &err);
	emu_kernel_stop(c.kernel);
	/* The container's tasks are gone: drain their events before `exit`. */
	hy_trace_stop(c.trace);
	c.trace = NULL;
	emit_lifecycle(&c, HY_EVT_EXIT, wstatus);
	teardown(&c);
	if (err.code)
		return report(&err);
	return status;
}
