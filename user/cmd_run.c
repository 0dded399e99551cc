// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox run`: create a container, run a command in it under kernel-emu's
 * supervision, and tear everything down. Runs as root. Start-up is a table
 * of named phases; teardown releases whatever the phases acquired, in
 * reverse, on every path, so a failure leaves no cgroup, state directory,
 * mount or process behind.
 */
#define LOG_PREFIX "run: "
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup.h"
#include "ckpt_restore.h"
#include "cpulist.h"
#include "res_limits.h"
#include "cmd.h"
#include "container.h"
#include "control.h"
#include "emu.h"
#include "evfilter.h"
#include "evserver.h"
#include "evtrace.h"
#include "execsrv.h"
#include "oci_bundle.h"
#include "filter_cache.h"
#include "log.h"
#include "features.h"
#include "lsm.h"
#include "policy.h"
#include "run.h"
#include "run_opts.h"
#include "sandbox.h"
#include "seccomp.h"
#include "supervisor_filter.h"
#include "telemetry.h"
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
	struct hy_evtrace trace; /* exec/fork/exit (+ LSM) events: see evtrace.h */
	struct hy_evserver *evs;
	char follow_warning[600];
	struct hy_lsm *lsm; /* the BPF LSM road, or NULL: the emulated road */
	bool lsm_bound;     /* this container's rules are in the LSM maps */
	struct emu_kernel *kernel;
	cpu_set_t cpus; /* the CPUs the container runs on (--cpus, cpu.cpus) */
	bool has_cpus;  /* cpus is set, else it runs where hybox may */
	int views_fd;   /* the detached mount of the /proc views until spawn, or -1 */
	struct hy_sandbox sb;
	struct hy_control *ctl;
	struct hy_execsrv *execsrv; /* exec.sock: `hybox exec` */
	const struct hy_run_hooks *hooks; /* the OCI verbs' (run.h), or NULL */
	bool is_kept;			  /* hooks->created succeeded and hooks->is_kept */
	int wstatus;
};

static int phase_check_privileges(struct run_ctx *c, struct hy_err *err)
{
	if (geteuid() != 0)
		return hy_err_set(err, -EPERM, "hybox run needs root (namespaces, cgroups, seccomp "
					       "supervision); run it with sudo");
	return 0;
}

/*
 * Before any thread or child exists (capabilities are per thread and
 * inherited): drop what the supervisor never uses, unless the container's
 * own capability set (OCI) asks for it, since the container's init starts
 * with the supervisor's.
 */
/* What the supervisor drops: what neither it nor the container needs; with
 * is_setup, less what the container's init still needs to set up. */
static int trim_caps(struct run_ctx *c, bool is_setup, struct hy_err *err)
{
	const struct hy_proc_spec *p = c->o.sandbox ? c->o.sandbox->proc : NULL;
	uint64_t container = p ? p->caps.bounding | p->caps.permitted : hy_caps_default();
	uint64_t drop = hy_caps_supervisor_unneeded() & ~container;
	int r = hy_caps_restrict(~(is_setup ? drop & ~hy_caps_supervisor_setup_only() : drop));
	return r < 0 ? hy_err_setr(err, r, "drop the supervisor's unneeded capabilities") : 0;
}

static int phase_trim_caps(struct run_ctx *c, struct hy_err *err)
{
	return trim_caps(c, true, err);
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
	int r = c->o.policy_text ? hy_policy_parse(c->o.policy, c->o.policy_text, &c->policy, err)
				 : hy_policy_load(c->o.policy, &c->policy, err);
	/* An OCI bundle's mounts are usable under the default policy (oci_bundle.h). */
	if (r == 0 && c->o.sandbox && !c->o.policy && !c->o.policy_text)
		r = hy_oci_policy_for_mounts(&c->policy, c->o.sandbox, err);
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

/* How this container runs, kept with the state for `hybox checkpoint`; and
 * where its cgroup leaf is, for `hybox delete` and `hybox checkpoint`. */
static int save_run_settings(struct run_ctx *c, struct hy_err *err)
{
	json_t *cg = hy_cgroup_record(&c->cg);
	bool profile = c->o.sandbox && c->o.sandbox->profile;
	json_t *joined = json_array();
	for (int i = 0; c->o.sandbox && i < HY_JOIN_N; i++)
		if (hy_ns_is_joined(&c->o.sandbox->joins, i))
			json_array_append_new(joined, json_string(hy_ns_join_type(i)));
	bool is_net_joined = c->o.sandbox && hy_ns_is_joined(&c->o.sandbox->joins, HY_JOIN_NET);
	bool userns = c->o.sandbox && hy_sandbox_has_userns(c->o.sandbox);
	json_t *j = cg ? json_pack("{s:o,s:s,s:I,s:i,s:o,s:b,s:o,s:b}", "rootfs",
				   c->o.rootfs ? json_string(c->rootfs) : json_null(), "net",
				   is_net_joined ? "joined" : c->o.net_none ? "none" : "host",
				   "memory", (json_int_t)c->o.memory,
				   "cpus_milli", (int)c->o.cpus_milli, "cgroup", cg, "seccomp_profile",
				   profile, "joined_namespaces", joined, "user_namespace", userns)
		       : (json_decref(joined), NULL);
	_cleanup_free_ char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	_cleanup_close_ int fd = openat(c->state.dirfd, HY_STATE_RUN_FILE,
					O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (!s || fd < 0 || write_all(fd, s, strlen(s)) < 0)
		return hy_err_setr(err, s ? -errno : -ENOMEM, "save the run settings in %s",
				   c->state.dir);
	return 0;
}

/* The policy's text, kept with the state for `hybox checkpoint` to save. */
static int save_policy(struct run_ctx *c, struct hy_err *err)
{
	_cleanup_free_ char *text = NULL;
	const char *t = c->o.policy_text;
	if (!t && c->o.policy && read_file_at(AT_FDCWD, c->o.policy, &text) < 0)
		return hy_err_setr(err, -errno, "%s", c->o.policy);
	t = t ? t : text;
	_cleanup_close_ int fd =
		t ? openat(c->state.dirfd, HY_STATE_POLICY_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			   0600)
		  : -2;
	if (fd == -1 || (t && write_all(fd, t, strlen(t)) < 0))
		return hy_err_setr(err, -errno, "save the policy in %s", c->state.dir);
	return 0;
}

static int phase_state(struct run_ctx *c, struct hy_err *err)
{
	int r = hy_state_create(&c->state, c->g->root, c->id, err);
	return r < 0 ? r : save_policy(c, err);
}

/* <cgroup2>/hybox/ID, or OCI's linux.cgroupsPath: never an existing leaf there. */
static int phase_cgroup(struct run_ctx *c, struct hy_err *err)
{
	const char *cp = c->o.cgroups_path && *c->o.cgroups_path ? c->o.cgroups_path : NULL;
	char rel[PATH_MAX];
	int r = hy_cgroup_leaf_path(cp, c->id, rel, sizeof(rel));
	if (r < 0)
		r = hy_err_set(err, r, "cgroup path too long");
	else
		r = hy_cgroup_create(&c->cg, c->cg2, rel, !cp, err);
	if (r < 0 && cp)
		return hy_err_wrap(err, "config.json linux.cgroupsPath \"%s\"", cp);
	return r < 0 ? r : save_run_settings(c, err);
}

/* The CPUs init is pinned to and the views show: OCI's cpu.cpus among
 * hybox's own, of them as many as --cpus (cpu.quota) asks for. */
static int pick_cpus(struct run_ctx *c, struct hy_err *err)
{
	cpu_set_t ours;
	char have[256];

	if (!c->o.cpus_milli && !c->o.cpuset)
		return 0;
	if (sched_getaffinity(0, sizeof(ours), &ours) < 0)
		return hy_err_setr(err, -errno, "read hybox's CPU affinity");
	if (hy_limits_cpus(c->o.cpus_milli, c->o.cpuset, &ours, &c->cpus) < 0) {
		hy_cpulist_format(&ours, have, sizeof(have));
		return hy_err_set(err, -EINVAL, "linux.resources.cpu.cpus \"%s\": none of these "
						"CPUs is available (hybox may run on %s)",
				  c->o.oci_limits.cpuset_cpus, have);
	}
	c->has_cpus = true;
	return 0;
}

static int phase_limits(struct run_ctx *c, struct hy_err *err)
{
	int r = pick_cpus(c, err);
	struct hy_limits l = c->o.oci_limits;
	l.memory = c->o.memory;
	l.cpus_milli = c->o.cpus_milli;
	l.is_oci = c->o.sandbox != NULL;
	return r < 0 ? r : hy_limits_apply(c->cg.dirfd, &l, err);
}

/* Always open: events are counted for `hybox stats` and followed through
 * events.sock even without --events (which only adds the sink). */
static int phase_telemetry(struct run_ctx *c, struct hy_err *err)
{
	struct hy_telemetry_config cfg = {
		.container_id = c->id,
		.cgid = c->cg.id,
		.sink = c->o.events,
		.max_size = c->o.events_max_size,
		.keep = c->o.events_keep,
		.sink_kinds = c->o.events_kinds,
		.kinds = hy_evmask_of_policy(c->policy.events),
	};
	return hy_telemetry_open(&c->tel, &cfg, err);
}

/* Kinds only the trace consumer delivers: policy too on the LSM road (its ring). */
static uint32_t bpf_kinds(const struct run_ctx *c)
{
	return HY_EVMASK(HY_EVK_EXEC) | HY_EVMASK(HY_EVK_FORK) | HY_EVMASK(HY_EVK_TASK_EXIT) |
	       (c->lsm ? HY_EVMASK(HY_EVK_POLICY) : 0) |
	       (c->o.has_syscall_trace ? HY_EVMASK(HY_EVK_SYSCALL) : 0);
}

/* The trace consumer's fork/exec/exit events keep the kernel's task set current. */
static void on_task_event(void *ctx, const struct hy_evt_hdr *ev)
{
	struct run_ctx *c = ctx;
	if (c->kernel) /* events are delivered only once it exists */
		emu_kernel_task_event(c->kernel, ev);
}

/*
 * exec/fork/exit events from BPF, loaded now when the --events sink takes
 * them (before the container starts, so its first exec is seen), later when
 * a follower asks for them, else never (no cost). Unavailable (no tp_btf,
 * load refused): one warning, and the run goes on.
 */
static int phase_trace(struct run_ctx *c, struct hy_err *err)
{
	struct hy_trace_config cfg = { .cgid = c->cg.id, .ring_bytes = c->o.events_ring_size,
				       .has_syscalls = c->o.has_syscall_trace,
				       .on_task = on_task_event, .task_ctx = c };
	hy_evtrace_init(&c->trace, &cfg, c->tel, c->lsm ? hy_lsm_ring_fd(c->lsm) : -1,
			c->lsm ? hy_lsm_counters_fd(c->lsm) : -1);
	/* --trace-syscalls: the counts for `hybox stats` start with the container. */
	if (!(hy_telemetry_sink_kinds(c->tel) & bpf_kinds(c)) && !c->o.has_syscall_trace)
		return 0;
	if (hy_evtrace_start(&c->trace) < 0)
		fprintf(stderr, "hybox: warning: exec/fork/exit events unavailable: %s\n",
			c->trace.failure);
	return 0;
}

static int phase_kernel(struct run_ctx *c, struct hy_err *err)
{
	struct emu_kernel_config cfg = {
		.container_id = c->id,
		.hostname = c->o.hostname ? c->o.hostname : c->id,
		.domainname = c->o.sandbox ? c->o.sandbox->domainname : NULL,
		.is_uts_shared = c->o.sandbox && hy_ns_is_joined(&c->o.sandbox->joins, HY_JOIN_UTS),
		.is_userns = c->o.sandbox && hy_sandbox_has_userns(c->o.sandbox),
		.cgroup_fd = c->cg.dirfd,
		.cgid = c->cg.id,
		.policy = &c->policy.sys,
		.obj = &c->policy.obj,
		/* Nobody taking emulated-call events: the notify loop only counts them,
		 * without gathering their fields. */
		.emit = hy_telemetry_emit,
		.emit_ctx = c->tel,
		.emit_active = hy_telemetry_active,
		.count = hy_telemetry_count,
		.mem_limit = c->o.memory ? c->o.memory : UINT64_MAX,
		.cpus = c->has_cpus ? &c->cpus : NULL,
	};
	c->kernel = emu_kernel_new(&cfg);
	return 0;
}

/*
 * kernel-emu serves the /proc views before init mounts them. Without FUSE
 * the views are the host's (`hybox features` says so), and a limit the
 * user set gets a warning, since only the views would have shown it.
 */
static int phase_views(struct run_ctx *c, struct hy_err *err)
{
	int r = emu_viewfs_start(c->kernel);

	if (r < 0 && (c->o.memory || c->has_cpus))
		fprintf(stderr, "hybox: warning: /proc views unavailable (FUSE mount: %s): "
				"/proc/meminfo and /proc/cpuinfo inside show the host's\n",
			strerror(-r));
	c->views_fd = r < 0 ? -1 : r;
	return 0;
}

/* t - ns, normalized (the result may be negative). */
static struct timespec ts_sub_ns(struct timespec t, int64_t ns)
{
	int64_t v = (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec - ns;
	int64_t sec = v / 1000000000LL, rem = v % 1000000000LL;
	if (rem < 0)
		sec--, rem += 1000000000LL;
	return (struct timespec){ .tv_sec = sec, .tv_nsec = rem };
}

static int phase_spawn(struct run_ctx *c, struct hy_err *err)
{
	/* The OCI verbs' settings (process, mounts, cwd, domain name) come first. */
	struct hy_sandbox_spec spec = c->o.sandbox ? *c->o.sandbox : (struct hy_sandbox_spec){ 0 };
	spec.hostname = c->o.hostname ? c->o.hostname : c->id;
	spec.rootfs = c->o.rootfs ? c->rootfs : NULL;
	spec.net_none = c->o.net_none;
	spec.argv = c->o.argv;
	if (!spec.cwd)
		spec.cwd = getcwd(c->cwd, sizeof(c->cwd));
	spec.filter = &c->filter;
	spec.cgroup_fd = c->cg.dirfd;
	spec.cpus = c->has_cpus ? &c->cpus : NULL;
	/* In this order: then boot - mono inside never drops below 0 (below). */
	clock_gettime(CLOCK_BOOTTIME, &spec.boot);
	clock_gettime(CLOCK_MONOTONIC, &spec.mono);
	/* The restorer recreates the image's pids in init's pid namespace, which a
	 * joined one is not (and its pids are the pod's to hand out). */
	if (c->o.restore && hy_ns_is_joined(&spec.joins, HY_JOIN_PID))
		return hy_err_set(err, -EINVAL, "restore: the bundle joins a pid namespace "
						"(linux.namespaces \"pid\" with a path): a "
						"restored container needs a pid namespace of its own");
	if (c->o.restore) { /* the clocks go on from where the image stopped them */
		spec.is_restore = true;
		if (!spec.domainname && strcmp(c->o.restore->domainname, "(none)") != 0)
			spec.domainname = c->o.restore->domainname;
		spec.boot = ts_sub_ns(spec.boot, c->o.restore->boot_ns);
		spec.mono = ts_sub_ns(spec.mono, c->o.restore->mono_ns);
	}
	spec.has_views = c->views_fd >= 0;
	spec.is_init_adopted = c->hooks && c->hooks->is_adopted;
	spec.views_fd = c->views_fd;
	hy_sandbox_block_signals();
	int r = hy_sandbox_spawn(&spec, &c->sb, err);
	closep(&c->views_fd); /* init has its copy, attached or gone */
	c->views_fd = -1;
	return r;
}

/* The command as an event's task: its pid, and its program's name as comm. */
static struct hy_evt_task cmd_task(const struct run_ctx *c)
{
	struct hy_evt_task t = { .pid = c->sb.cmd_pid, .tid = c->sb.cmd_pid };
	const char *slash = strrchr(c->o.argv[0], '/');
	strscpy(t.comm, slash ? slash + 1 : c->o.argv[0], sizeof(t.comm));
	return t;
}

static void emit_lifecycle(struct run_ctx *c, uint32_t type, int wstatus)
{
	struct hy_evt_lifecycle ev = {
		.hdr = { .type = type, .size = sizeof(ev), .ts_ns = now_mono_ns(), .cgid = c->cg.id },
		.task = cmd_task(c),
		.exit_code = -1,
	};
	if (type == HY_EVT_EXIT && WIFEXITED(wstatus))
		ev.exit_code = WEXITSTATUS(wstatus);
	else if (type == HY_EVT_EXIT && WIFSIGNALED(wstatus))
		ev.signal = WTERMSIG(wstatus);
	hy_telemetry_emit(c->tel, &ev.hdr);
}

static void emit_ckpt(struct run_ctx *c, uint32_t type, const struct hy_control_ckpt *ck)
{
	struct hy_evt_ckpt ev = {
		.hdr = { .type = type, .size = sizeof(ev), .ts_ns = now_mono_ns(), .cgid = c->cg.id },
		.task = cmd_task(c),
		.procs = ck->procs, .threads = ck->threads, .bytes = ck->bytes,
		.frozen_ns = ck->frozen_ns, .leave_running = ck->is_leave_running,
	};
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
					 .mnt_ns = c->sb.mnt_ns_fd, .root = c->sb.root_fd,
					 .userns_root_uid = c->sb.userns_root };
	/* owned by kernel-emu now, also on failure */
	c->sb.listener = c->sb.uts_ns_fd = c->sb.mnt_ns_fd = c->sb.root_fd = -1;
	int r = emu_kernel_start(c->kernel, &fds);
	if (r < 0)
		return hy_err_setr(err, r, "start the kernel-emu thread");
	emit_lifecycle(c, HY_EVT_START, 0);
	/* Held until now: `start` comes first (and `restore` second). */
	if (!c->o.restore)
		hy_evtrace_deliver(&c->trace);
	if (c->hooks && c->hooks->is_wait_start)
		return 0; /* the control op "start" releases it (start_command) */
	r = hy_sandbox_go(&c->sb);
	if (r < 0)
		return hy_err_setr(err, r, "release the container's command");
	return 0;
}

/* hybox restore: the command became the image's processes. Before the
 * supervisor confines itself (which forbids ptrace). */
static int phase_restore(struct run_ctx *c, struct hy_err *err)
{
	if (!c->o.restore)
		return 0;
	const struct ck_image *img = c->o.restore;
	int r = ck_restore_tasks(img, c->o.restore_dirfd, c->sb.init_pid, c->sb.cmd_pid, err);
	struct hy_control_ckpt ck = { .procs = (uint32_t)img->nprocs };
	for (size_t i = 0; i < img->nprocs; i++) {
		ck.threads += (uint32_t)img->procs[i].nthreads;
		ck.bytes += img->procs[i].pages_raw;
	}
	if (r == 0)
		emit_ckpt(c, HY_EVT_RESTORE, &ck);
	hy_evtrace_deliver(&c->trace);
	return r;
}

/* `hybox start` (control thread; the main thread waits in hy_sandbox_wait). */
static int start_command(void *ctx)
{
	struct run_ctx *c = ctx;
	return hy_sandbox_go(&c->sb);
}

/* --trace-syscalls: every syscall of the container by number (BPF counts),
 * most frequent first: [{"name", "nr", "count"}], "other" for numbers past
 * the table (and i386 calls). */
static json_t *traced_syscalls(struct run_ctx *c)
{
	static uint64_t counts[HY_SYS_NR_SLOTS]; /* control thread only */
	json_t *a = json_array();
	if (hy_evtrace_syscalls(&c->trace, counts) < 0)
		return a;
	for (;;) {
		int best = -1;
		for (int nr = 0; nr < HY_SYS_NR_SLOTS; nr++)
			if (counts[nr] && (best < 0 || counts[nr] > counts[best]))
				best = nr;
		if (best < 0)
			return a;
		const char *name = best == HY_SYS_NR_OTHER ? "other" : emu_syscall_name(best);
		json_array_append_new(a, json_pack("{s:s,s:i,s:I}", "name", name ? name : "?", "nr",
						   best, "count", (json_int_t)counts[best]));
		counts[best] = 0;
	}
}

/* `hybox stats`: the exporter's counters and the BPF rings' (control thread). */
static json_t *run_stats(void *ctx)
{
	struct run_ctx *c = ctx;
	struct hy_trace_counters tc;
	json_t *s = hy_telemetry_stats(c->tel);
	int r = hy_evtrace_counters(&c->trace, &tc);

	if (r == 0)
		json_object_set_new(s, "bpf", json_pack("{s:b,s:I,s:I}", "loaded", 1, "produced",
							(json_int_t)tc.produced, "dropped",
							(json_int_t)tc.dropped));
	else
		json_object_set_new(s, "bpf", json_pack("{s:b,s:s}", "loaded", 0, "reason",
							r == -ENODEV ? "not loaded" : strerror(-r)));
	if (c->o.has_syscall_trace)
		json_object_set_new(s, "traced", traced_syscalls(c));
	struct emu_task_stats ts;
	emu_kernel_task_stats(c->kernel, &ts);
	json_object_set_new(s, "tasks", json_pack("{s:s,s:I,s:I,s:I}", "source",
						  ts.is_fed ? "events" : "cgroup scan", "known",
						  (json_int_t)ts.tasks, "events", (json_int_t)ts.events,
						  "scans", (json_int_t)ts.scans));
	return s;
}

/* `hybox ps` (control thread): the task set, fed by the trace consumer, which
 * starts now if it does not run yet; where it cannot, every call scans. */
static ssize_t list_processes(void *ctx, struct emu_proc **ret)
{
	struct run_ctx *c = ctx;
	bool fed = hy_evtrace_start(&c->trace) == 0;
	/* Forks that happened before the request are in the set (else: a scan). */
	emu_kernel_tasks_fed(c->kernel, fed && hy_evtrace_sync(&c->trace, 200) == 0);
	ssize_t n = emu_kernel_processes(c->kernel, ret);
	/* In a joined pid namespace init is outside it (ns_join.h): its last
	 * NSpid is a host pid, which the container cannot name; 0 says outside. */
	bool is_pid_joined = c->o.sandbox && hy_ns_is_joined(&c->o.sandbox->joins, HY_JOIN_PID);
	for (ssize_t i = 0; is_pid_joined && i < n; i++)
		if ((*ret)[i].pid == c->sb.init_pid)
			(*ret)[i].cpid = 0;
	return n;
}

/* `hybox checkpoint` saved the container (control thread). */
static void on_checkpointed(void *ctx, const struct hy_control_ckpt *ck)
{
	emit_ckpt(ctx, HY_EVT_CHECKPOINT, ck);
}

/* `hybox exec`: new processes take the command's environment, cwd and ids. */
static int phase_exec(struct run_ctx *c, struct hy_err *err)
{
	const struct hy_proc_spec *p = c->o.sandbox ? c->o.sandbox->proc : NULL;
	const char *cwd = c->o.sandbox && c->o.sandbox->cwd ? c->o.sandbox->cwd : c->cwd;
	struct hy_execsrv_config cfg = {
		.state_dirfd = c->state.dirfd,
		.state_dir = c->state.dir,
		.exec_fd = c->sb.exec_fd,
		.kernel = c->kernel,
		.defaults = { .env = p ? p->envp : NULL, .cwd = cwd[0] ? cwd : "/",
			      .uid = p ? p->uid : 0, .gid = p ? p->gid : 0,
			      .bounding = p ? p->caps.bounding : hy_caps_default(),
			      .effective = p ? p->caps.effective : hy_caps_default(),
			      .permitted = p ? p->caps.permitted : hy_caps_default(),
			      .inheritable = p ? p->caps.inheritable : 0,
			      .rlimits = p ? p->rlimits : NULL, .nrlimits = p ? p->nrlimits : 0 },
	};
	return hy_execsrv_start(&c->execsrv, &cfg, err);
}

/* After supervision starts: every pid a client may ask about exists by now. */
static int phase_control(struct run_ctx *c, struct hy_err *err)
{
	struct hy_control_config cfg = {
		.id = c->id,
		.state_dirfd = c->state.dirfd,
		.state_dir = c->state.dir,
		.cgroup_dirfd = c->cg.dirfd,
		.cgroup_path = c->cg.path + c->cg.rel,
		.cmd_pid = c->sb.cmd_pid,
		.state_pid = c->sb.is_adopted ? c->sb.init_pid : c->sb.cmd_pid,
		.processes = list_processes,
		.processes_ctx = c,
		.stats = run_stats,
		.stats_ctx = c,
		.start = c->hooks && c->hooks->is_wait_start ? start_command : NULL,
		.start_ctx = c,
		.checkpointed = on_checkpointed,
		.checkpointed_ctx = c,
	};
	return hy_control_start(&c->ctl, &cfg, err);
}

/* A follower wants exec/fork/exit or LSM events: start the trace consumer now. */
static const char *on_follow(void *ctx, uint32_t kinds)
{
	struct run_ctx *c = ctx;
	int r = kinds & bpf_kinds(c) ? hy_evtrace_start(&c->trace) : 0;

	if (r == 0 || r == -ESRCH) /* running, or the container has already ended */
		return NULL;
	snprintf(c->follow_warning, sizeof(c->follow_warning),
		 "exec/fork/exit events unavailable: %s", c->trace.failure);
	return c->follow_warning;
}

static int phase_events_socket(struct run_ctx *c, struct hy_err *err)
{
	struct hy_evserver_config cfg = {
		.id = c->id,
		.state_dirfd = c->state.dirfd,
		.state_dir = c->state.dir,
		.tel = c->tel,
		.on_follow = on_follow,
		.ctx = c,
	};
	return hy_evserver_start(&c->evs, &cfg, err);
}

/* Last: the OCI verbs record the container and let their caller go. */
static int phase_created(struct run_ctx *c, struct hy_err *err)
{
	if (!c->hooks || !c->hooks->created)
		return 0;
	int r = c->hooks->created(c->hooks->ctx, c->state.dirfd,
				  c->sb.is_adopted ? c->sb.init_pid : c->sb.cmd_pid, err);
	c->is_kept = r == 0 && c->hooks->is_kept;
	return r;
}

/* Last: from here on the supervisor only serves, reports and tears down. */
static int phase_confine(struct run_ctx *c, struct hy_err *err)
{
	int r = trim_caps(c, false, err);
	return r < 0 ? r : hy_supervisor_confine(err);
}

static const struct {
	const char *name;
	int (*run)(struct run_ctx *c, struct hy_err *err);
} phases[] = {
	{ "check privileges", phase_check_privileges },
	{ "trim capabilities", phase_trim_caps },
	{ "resolve rootfs", phase_resolve_rootfs },
	{ "load policy", phase_policy },
	{ "find cgroup2", phase_cgroup_mount },
	{ "create state directory", phase_state },
	{ "create cgroup", phase_cgroup },
	{ "apply limits", phase_limits },
	{ "open event sink", phase_telemetry },
	{ "attach tracing", phase_trace },
	{ "create kernel-emu", phase_kernel },
	{ "serve /proc views", phase_views },
	{ "start container", phase_spawn },
	{ "bind LSM rules", phase_bind_lsm },
	{ "start supervision", phase_supervise },
	{ "restore tasks", phase_restore },
	{ "open control socket", phase_control },
	{ "open exec socket", phase_exec },
	{ "open events socket", phase_events_socket },
	{ "report created", phase_created },
	{ "confine supervisor", phase_confine },
};

/* Reverse of the phases; each step is a no-op if its phase did not run. */
static void teardown(struct run_ctx *c)
{
	hy_control_stop(c->ctl); /* joined before the state directory goes */
	c->ctl = NULL;
	hy_execsrv_stop(c->execsrv); /* before kernel-emu: it adds listeners there */
	c->execsrv = NULL;
	hy_sandbox_release(&c->sb);
	hy_evtrace_stop(&c->trace); /* its consumer feeds the kernel's task set */
	if (c->kernel) {
		emu_kernel_stop(c->kernel);
		emu_kernel_free(c->kernel);
	}
	hy_evtrace_fini(&c->trace);
	if (c->lsm_bound)
		hy_lsm_remove(c->lsm, c->cg.id);
	hy_lsm_free(c->lsm); /* after the trace consumer: it reads the LSM's ring */
	hy_evserver_stop(c->evs); /* followers get their last lines and the end mark */
	hy_telemetry_close(c->tel);
	hy_cgroup_destroy(&c->cg);
	if (c->is_kept && c->hooks->stopped)
		c->hooks->stopped(c->hooks->ctx, c->state.dirfd, c->wstatus);
	if (c->is_kept)
		hy_state_release(&c->state); /* until `hybox delete` */
	else
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
	struct hy_run_opts o;
	struct hy_err err = { 0 };
	if (hy_run_is_oci(argc, argv)) /* runc's `run ID --bundle DIR` */
		return hy_cmd_oci_run(g, argc, argv);
	int r = hy_run_parse(argc, argv, &o, &err);
	if (r == HY_RUN_HELP) {
		hy_run_usage(stdout);
		return 0;
	}
	if (r < 0)
		return report(&err);
	int status = hy_run_container(g, &o, NULL, &err);
	return err.code ? report(&err) : status;
}

int hy_run_container(const struct hy_global_opts *g, const struct hy_run_opts *o,
		     const struct hy_run_hooks *hooks, struct hy_err *err)
{
	struct run_ctx c = { .g = g, .o = *o, .hooks = hooks, .state = { .dirfd = -1, .lockfd = -1 },
			     .cg = { .dirfd = -1 }, .views_fd = -1,
			     .sb = { .sync_fd = -1, .exec_fd = -1, .listener = -1, .uts_ns_fd = -1, .mnt_ns_fd = -1,
				     .root_fd = -1 } };
	int r;
	if (c.o.id)
		strscpy(c.id, c.o.id, sizeof(c.id));
	else
		hy_id_generate(c.id, sizeof(c.id));
	for (size_t i = 0; i < ARRAY_SIZE(phases); i++) {
		unsigned long long t0 = now_mono_ns();
		r = phases[i].run(&c, err);
		pr_debug("phase %-24s %6llu us", phases[i].name, (now_mono_ns() - t0) / 1000);
		if (r < 0) {
			teardown(&c);
			return HY_EXIT_RUNTIME;
		}
	}
	int status = hy_sandbox_wait(&c.sb, &c.wstatus, err);
	hy_execsrv_stop(c.execsrv); /* its clients learn the container ended */
	c.execsrv = NULL;
	emu_kernel_stop(c.kernel);
	/* The container's tasks are gone: drain their events before `exit`. */
	hy_evtrace_stop(&c.trace);
	emit_lifecycle(&c, HY_EVT_EXIT, c.wstatus);
	teardown(&c);
	return status;
}
