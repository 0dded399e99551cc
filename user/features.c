// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host feature probe and the per-area road decision (see hy_features.h for the
 * JSON contract). Every probe exercises the feature for real and reports the
 * errno of the step that failed. Probes that change process state (seccomp
 * filters, unshare) run in a forked child that reports {errno, step} through
 * a pipe (STYLE E7) and _exit()s; the rest run in the caller and release what
 * they create: BPF objects are destroyed, the cgroup probe directory is
 * removed. Runs with the caller's privileges; call it before starting threads
 * (it forks). It must not print (only cmd_features.c does) and never fails hard:
 * a probe that cannot run is a "no" with its reason.
 */
#define LOG_PREFIX "features: "
#include "features.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "cgroup.h"
#include "bpf_log.h"
#include "log.h"
#include "seccomp_compat.h"
#include "util.h"

#include "skel/probe.skel.h"


#define LSM_LIST_PATH "/sys/kernel/security/lsm"
#define VMLINUX_BTF_PATH "/sys/kernel/btf/vmlinux"

static const struct {
	const char *key;  /* JSON key: stable, tests depend on it */
	const char *name; /* text output */
} feature_names[] = {
	[HY_FEAT_SECCOMP_FILTER] = { "seccomp_filter", "seccomp filter" },
	[HY_FEAT_SECCOMP_NOTIF] = { "seccomp_notif", "seccomp user notification" },
	[HY_FEAT_NOTIF_ADDFD] = { "seccomp_notif_addfd", "seccomp NOTIF_ADDFD" },
	[HY_FEAT_NOTIF_SYNC_WAKEUP] = { "seccomp_notif_sync_wakeup",
					"seccomp NOTIF_FD_SYNC_WAKE_UP" },
	[HY_FEAT_BPF] = { "bpf", "BPF syscall" },
	[HY_FEAT_BTF] = { "btf", "BTF" },
	[HY_FEAT_RINGBUF] = { "ringbuf", "BPF ring buffer" },
	[HY_FEAT_BPF_TRACING] = { "bpf_tracing", "BPF tracing (tp_btf)" },
	[HY_FEAT_BPF_LSM] = { "bpf_lsm", "BPF LSM" },
	[HY_FEAT_CGROUP2] = { "cgroup2", "cgroup v2" },
	[HY_FEAT_CGROUP_FREEZE] = { "cgroup_freeze", "cgroup.freeze" },
	[HY_FEAT_CGROUP_KILL] = { "cgroup_kill", "cgroup.kill" },
	[HY_FEAT_USERNS] = { "userns", "user namespace" },
	[HY_FEAT_PIDNS] = { "pidns", "pid namespace" },
	[HY_FEAT_TIMENS] = { "timens", "time namespace" },
	[HY_FEAT_PIDFD_GETFD] = { "pidfd_getfd", "pidfd_getfd" },
	[HY_FEAT_OPENAT2] = { "openat2", "openat2 (RESOLVE_IN_ROOT)" },
	[HY_FEAT_CGROUP_MEMORY] = { "cgroup_memory", "cgroup v2 memory controller (--memory)" },
	[HY_FEAT_CGROUP_CPU] = { "cgroup_cpu", "cgroup v2 cpu controller (--cpus)" },
	[HY_FEAT_CGROUP_PIDS] = { "cgroup_pids",
				  "cgroup v2 pids controller (OCI linux.resources.pids.limit)" },
	[HY_FEAT_CGROUP_CPUSET] = { "cgroup_cpuset",
				    "cgroup v2 cpuset controller (OCI linux.resources.cpu.cpus, mems)" },
	[HY_FEAT_CGROUP_IO] = { "cgroup_io",
				"cgroup v2 io controller (OCI linux.resources.blockIO)" },
	[HY_FEAT_CGROUP_HUGETLB] = { "cgroup_hugetlb",
				     "cgroup v2 hugetlb controller (OCI hugepageLimits)" },
	[HY_FEAT_CGROUP_RDMA] = { "cgroup_rdma",
				  "cgroup v2 rdma controller (OCI linux.resources.rdma)" },
	[HY_FEAT_FUSE] = { "fuse", "FUSE (the container's /proc views)" },
	[HY_FEAT_CHECKPOINT] = { "checkpoint", "checkpoint/restore (CONFIG_CHECKPOINT_RESTORE)" },
};
_Static_assert(ARRAY_SIZE(feature_names) == HY_FEAT__COUNT, "one name per feature");

static const char *const area_keys[] = {
	[HY_ROADAREA_FILES] = "files",   [HY_ROADAREA_EXEC] = "exec",     [HY_ROADAREA_NETWORK] = "network",
	[HY_ROADAREA_MOUNT] = "mount",   [HY_ROADAREA_PTRACE] = "ptrace", [HY_ROADAREA_SIGNALS] = "signals",
};
_Static_assert(ARRAY_SIZE(area_keys) == HY_ROADAREA__COUNT, "one key per area");

static const char *const road_keys[] = {
	[HY_ROAD_BPF_LSM] = "bpf-lsm",
	[HY_ROAD_EMULATED] = "emulated",
	[HY_ROAD_DENIED] = "denied",
	[HY_ROAD_UNAVAILABLE] = "unavailable",
	[HY_ROAD_NAMESPACE] = "namespace",
};

const char *hy_feature_key(enum hy_feature id)
{
	return (unsigned)id < HY_FEAT__COUNT ? feature_names[id].key : NULL;
}

const char *hy_feature_name(enum hy_feature id)
{
	return (unsigned)id < HY_FEAT__COUNT ? feature_names[id].name : NULL;
}

const char *hy_area_key(enum hy_road_area area)
{
	return (unsigned)area < HY_ROADAREA__COUNT ? area_keys[area] : NULL;
}

const char *hy_road_key(enum hy_road road)
{
	return (unsigned)road < ARRAY_SIZE(road_keys) ? road_keys[road] : NULL;
}

void hy_features_set(struct hy_features *f, enum hy_feature id, bool is_available,
		     const char *fmt, ...)
{
	struct hy_feature_state *s = &f->feat[id];
	va_list ap;

	s->is_available = is_available;
	s->reason[0] = '\0';
	if (is_available || !fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ roads */

struct hy_road_choice hy_features_road(const struct hy_features *f, enum hy_road_area area)
{
	bool has_notif = hy_features_has(f, HY_FEAT_SECCOMP_NOTIF);

	if (hy_features_has(f, HY_FEAT_BPF_LSM))
		return (struct hy_road_choice){ HY_ROAD_BPF_LSM, "in-kernel hooks: no TOCTOU" };

	switch (area) {
	case HY_ROADAREA_MOUNT:
		return (struct hy_road_choice){ HY_ROAD_DENIED,
						"mount family is denied by the syscall table" };
	case HY_ROADAREA_PTRACE:
		return (struct hy_road_choice){
			HY_ROAD_DENIED, "ptrace is denied by the syscall table unless the policy "
					"allows it; then the pid namespace keeps it in the container"
		};
	case HY_ROADAREA_SIGNALS:
		return (struct hy_road_choice){
			HY_ROAD_NAMESPACE,
			"the container's pid namespace: tasks outside it cannot be named"
		};
	case HY_ROADAREA_EXEC:
		if (!has_notif || !hy_features_has(f, HY_FEAT_OPENAT2))
			return (struct hy_road_choice){
				HY_ROAD_UNAVAILABLE, "needs BPF LSM, or seccomp user notification"
						     " with openat2"
			};
		return (struct hy_road_choice){
			HY_ROAD_EMULATED, "kernel-emu checks the resolved program, then the task's "
					  "own execve runs: racy against the task itself, see "
					  "docs/policy.md"
		};
	case HY_ROADAREA_FILES:
		/* kernel-emu opens with openat2(RESOLVE_IN_ROOT) and injects with NOTIF_ADDFD. */
		if (!has_notif || !hy_features_has(f, HY_FEAT_NOTIF_ADDFD) ||
		    !hy_features_has(f, HY_FEAT_OPENAT2))
			return (struct hy_road_choice){
				HY_ROAD_UNAVAILABLE, "needs BPF LSM, or seccomp user notification"
						     " with NOTIF_ADDFD and openat2"
			};
		break;
	case HY_ROADAREA_NETWORK:
		/* connect/bind act on a duplicate of the task's socket taken with pidfd_getfd. */
		if (!has_notif || !hy_features_has(f, HY_FEAT_PIDFD_GETFD))
			return (struct hy_road_choice){
				HY_ROAD_UNAVAILABLE,
				"needs BPF LSM, or seccomp user notification with pidfd_getfd"
			};
		break;
	default:
		if (!has_notif)
			return (struct hy_road_choice){
				HY_ROAD_UNAVAILABLE, "needs BPF LSM or seccomp user notification"
			};
		break;
	}
	return (struct hy_road_choice){
		HY_ROAD_EMULATED,
		"seccomp user notification; kernel-emu acts on its own copy of the arguments"
	};
}

/* -------------------------------------------------------------- rendering */

/* What the roads above mean for a policy file's object rules. */
static const char *object_policy_status(const struct hy_features *f)
{
	if (hy_features_has(f, HY_FEAT_BPF_LSM))
		return "enforced in the kernel by BPF LSM hooks on the objects themselves";
	return "enforced by kernel-emu on the emulated road: files and network without a "
	       "race window (kernel-emu resolves, checks and performs the call itself); "
	       "exec is checked before the task's own execve, which a task racing itself "
	       "can defeat (docs/policy.md)";
}

static const char *views_status(const struct hy_features *f)
{
	if (hy_features_has(f, HY_FEAT_FUSE))
		return "kernel-emu serves /proc/meminfo, cpuinfo, stat, swaps, loadavg and "
		       "/sys/devices/system/cpu/online over FUSE (--memory, --cpus, OCI cpu.cpus)";
	return "unavailable (no FUSE): these files show the host's; sysinfo(2) still "
	       "shows --memory";
}

static const char *uptime_status(const struct hy_features *f)
{
	if (hy_features_has(f, HY_FEAT_TIMENS))
		return "from the container's start (time namespace boot offset)";
	return "the host's (no time namespace); sysinfo(2) still counts from the start";
}

static const char *tasks_status(const struct hy_features *f)
{
	if (hy_features_has(f, HY_FEAT_BPF_TRACING))
		return "kernel-emu's task set follows BPF fork/exec/exit events (tp_btf), loaded "
		       "at the first hybox ps or when events are asked for";
	return "kernel-emu's task set is rebuilt from the container's cgroup.threads at each "
	       "hybox ps (no tp_btf tracing)";
}

struct json_t *hy_features_to_json(const struct hy_features *f)
{
	json_t *root = json_object(), *feats = json_object(), *cg = json_object();
	json_t *roads = json_object();
	int bad = !root || !feats || !cg || !roads;

	for (int i = 0; !bad && i < HY_FEAT__COUNT; i++) {
		const struct hy_feature_state *s = &f->feat[i];
		json_t *o = json_object();

		bad |= json_object_set_new(o, "available", json_boolean(s->is_available));
		if (!s->is_available)
			bad |= json_object_set_new(o, "reason", json_string(s->reason));
		bad |= json_object_set_new(feats, feature_names[i].key, o);
	}
	bad |= json_object_set_new(cg, "path",
				   f->cgroup2_path[0] ? json_string(f->cgroup2_path) : json_null());
	bad |= json_object_set_new(cg, "freeze",
				   json_boolean(hy_features_has(f, HY_FEAT_CGROUP_FREEZE)));
	bad |= json_object_set_new(cg, "kill",
				   json_boolean(hy_features_has(f, HY_FEAT_CGROUP_KILL)));
	for (int a = 0; !bad && a < HY_ROADAREA__COUNT; a++) {
		struct hy_road_choice c = hy_features_road(f, a);
		json_t *o = json_object();

		bad |= json_object_set_new(o, "road", json_string(road_keys[c.road]));
		bad |= json_object_set_new(o, "why", json_string(c.why));
		bad |= json_object_set_new(roads, area_keys[a], o);
	}
	/* json_object_set_new() consumes its value even when it fails. */
	bad |= json_object_set_new(root, "features", feats);
	bad |= json_object_set_new(root, "cgroup2", cg);
	bad |= json_object_set_new(root, "roads", roads);
	bad |= json_object_set_new(root, "views", json_pack("{s:b,s:s}", "served",
							   hy_features_has(f, HY_FEAT_FUSE), "why",
							   views_status(f)));
	bad |= json_object_set_new(root, "uptime", json_pack("{s:b,s:s}", "container",
							    hy_features_has(f, HY_FEAT_TIMENS),
							    "why", uptime_status(f)));
	bad |= json_object_set_new(root, "tasks", json_pack("{s:b,s:s}", "events",
							   hy_features_has(f, HY_FEAT_BPF_TRACING),
							   "why", tasks_status(f)));
	bad |= json_object_set_new(root, "object_policy",
				   json_pack("{s:b,s:s}", "enforced", 1, "why", object_policy_status(f)));
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return root;
}

int hy_features_print_text(FILE *out, const struct hy_features *f)
{
	for (int i = 0; i < HY_FEAT__COUNT; i++) {
		const struct hy_feature_state *s = &f->feat[i];

		if (s->is_available)
			fprintf(out, "%s: yes\n", feature_names[i].name);
		else
			fprintf(out, "%s: no (%s)\n", feature_names[i].name, s->reason);
	}
	fprintf(out, "cgroup v2 mount: %s\n", f->cgroup2_path[0] ? f->cgroup2_path : "none");
	for (int a = 0; a < HY_ROADAREA__COUNT; a++) {
		struct hy_road_choice c = hy_features_road(f, a);

		fprintf(out, "road for %s: %s (%s)\n", area_keys[a], road_keys[c.road], c.why);
	}
	fprintf(out, "object policy: %s\n", object_policy_status(f));
	fprintf(out, "container views: %s\n", views_status(f));
	fprintf(out, "container uptime: %s\n", uptime_status(f));
	fprintf(out, "container tasks: %s\n", tasks_status(f));
	return ferror(out) ? -EIO : 0;
}

/* ------------------------------------------------------- forked probes */

/*
 * What a probe child reports. `step` points at a string literal: the child is
 * a fork of this image, so the address means the same thing in the parent.
 */
struct probe_step {
	int err; /* positive errno, 0 on success */
	const char *step;
};

#define PROBE_MAX_STEPS 3

typedef void (*probe_child_fn)(struct probe_step *out);

static void fail_all(struct hy_features *f, const enum hy_feature *ids, size_t n,
		     const char *reason)
{
	for (size_t i = 0; i < n; i++)
		hy_features_set(f, ids[i], false, "%s", reason);
}

/* Run fn in a child; out[i] decides ids[i]. A child that dies is a "no" for all of them. */
static void probe_in_child(struct hy_features *f, probe_child_fn fn, const enum hy_feature *ids,
			   size_t n)
{
	struct probe_step out[PROBE_MAX_STEPS] = {};
	int pfd[2], status = 0;
	char why[96];
	ssize_t got;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(why, sizeof(why), "pipe2 for the probe child failed: %s", strerror(errno));
		fail_all(f, ids, n, why);
		return;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, sizeof(why), "fork of the probe child failed: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		fail_all(f, ids, n, why);
		return;
	}
	if (pid == 0) {
		close(pfd[0]);
		fn(out);
		_exit(write_all(pfd[1], out, sizeof(out)) < 0);
	}
	close(pfd[1]);
	got = read_full(pfd[0], out, sizeof(out));
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got == (ssize_t)sizeof(out)) {
		for (size_t i = 0; i < n; i++)
			hy_features_set(f, ids[i], out[i].err == 0, "%s failed: %s", out[i].step,
					strerror(out[i].err));
		return;
	}
	if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "probe child killed by signal %d before reporting",
			 WTERMSIG(status));
	else
		snprintf(why, sizeof(why), "probe child exited with status %d before reporting",
			 WEXITSTATUS(status));
	fail_all(f, ids, n, why);
}

static long sys_seccomp(unsigned int op, unsigned int flags, void *args)
{
	return syscall(SYS_seccomp, op, flags, args);
}

/* Install an allow-everything filter; returns the listener fd, 0, or -errno. */
static int install_allow_filter(unsigned int flags, struct probe_step *s)
{
	static struct sock_filter insns[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { .len = ARRAY_SIZE(insns), .filter = insns };
	long r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		*s = (struct probe_step){ errno, "prctl(PR_SET_NO_NEW_PRIVS)" };
		return -s->err;
	}
	r = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0) {
		*s = (struct probe_step){ errno, flags ? "seccomp(SET_MODE_FILTER, NEW_LISTENER)"
						       : "seccomp(SET_MODE_FILTER)" };
		return -s->err;
	}
	return (int)r;
}

static void child_seccomp_filter(struct probe_step *out)
{
	install_allow_filter(0, &out[0]);
}

/* out[0]: user notification, out[1]: NOTIF_ADDFD, out[2]: SYNC_WAKE_UP. */
static void child_seccomp_notif(struct probe_step *out)
{
	__u32 action = SECCOMP_RET_USER_NOTIF;
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif_addfd addfd = {};
	int fd;

	if (sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0)
		out[0] = (struct probe_step){ errno, "seccomp(GET_ACTION_AVAIL, RET_USER_NOTIF)" };
	else if (sys_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		out[0] = (struct probe_step){ errno, "seccomp(GET_NOTIF_SIZES)" };
	if (out[0].err) {
		out[1] = out[2] = out[0];
		return;
	}
	fd = install_allow_filter(SECCOMP_FILTER_FLAG_NEW_LISTENER, &out[0]);
	if (fd < 0) {
		out[1] = out[2] = out[0];
		return;
	}
	/*
	 * SECCOMP_GET_ACTION_AVAIL cannot tell whether ADDFD exists: ask the listener
	 * about a notification that does not exist. Kernels with ADDFD look the id up
	 * and say ENOENT; older ones reject the ioctl itself (EINVAL/ENOTTY).
	 */
	addfd.id = 0;
	addfd.srcfd = fd;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0 && errno != ENOENT)
		out[1] = (struct probe_step){ errno,
					      "ioctl(SECCOMP_IOCTL_NOTIF_ADDFD, unknown id)" };
	/* The flag is passed by value, not by pointer. */
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		out[2] = (struct probe_step){ errno, "ioctl(SECCOMP_IOCTL_NOTIF_SET_FLAGS,"
						     " SYNC_WAKE_UP)" };
	close(fd);
}

static void child_userns(struct probe_step *out)
{
	if (unshare(CLONE_NEWUSER) < 0)
		out[0] = (struct probe_step){ errno, "unshare(CLONE_NEWUSER)" };
}

/* A pid namespace only shows in the next child: check that it is pid 1 there. */
static void child_pidns(struct probe_step *out)
{
	int status = 0;
	pid_t pid;

	if (unshare(CLONE_NEWPID) < 0) {
		out[0] = (struct probe_step){ errno, "unshare(CLONE_NEWPID)" };
		return;
	}
	pid = fork();
	if (pid < 0) {
		out[0] = (struct probe_step){ errno, "fork into the new pid namespace" };
		return;
	}
	if (pid == 0)
		_exit(getpid() == 1 ? 0 : 1);
	if (waitpid(pid, &status, 0) < 0)
		out[0] = (struct probe_step){ errno, "waitpid in the new pid namespace" };
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		out[0] = (struct probe_step){ ESRCH,
					      "first task of the new pid namespace as pid 1" };
}

static void child_timens(struct probe_step *out)
{
	if (unshare(CLONE_NEWTIME) < 0)
		out[0] = (struct probe_step){ errno, "unshare(CLONE_NEWTIME)" };
}

static void probe_forked(struct hy_features *f)
{
	static const enum hy_feature notif_ids[] = { HY_FEAT_SECCOMP_NOTIF, HY_FEAT_NOTIF_ADDFD,
						     HY_FEAT_NOTIF_SYNC_WAKEUP };
	static const struct {
		probe_child_fn fn;
		enum hy_feature id;
	} single[] = {
		{ child_seccomp_filter, HY_FEAT_SECCOMP_FILTER },
		{ child_userns, HY_FEAT_USERNS },
		{ child_pidns, HY_FEAT_PIDNS },
		{ child_timens, HY_FEAT_TIMENS },
	};

	for (size_t i = 0; i < ARRAY_SIZE(single); i++)
		probe_in_child(f, single[i].fn, &single[i].id, 1);
	probe_in_child(f, child_seccomp_notif, notif_ids, ARRAY_SIZE(notif_ids));
	/* Without a listener the ioctl probes say nothing of their own: name the cause. */
	if (!hy_features_has(f, HY_FEAT_SECCOMP_NOTIF))
		for (size_t i = 1; i < ARRAY_SIZE(notif_ids); i++)
			hy_features_set(f, notif_ids[i], false, "no seccomp listener: %s",
					f->feat[HY_FEAT_SECCOMP_NOTIF].reason);
}

/* ------------------------------------------------------------ BPF probes */

static void probe_bpfp(struct probe_bpf **p)
{
	probe_bpf__destroy(*p);
}

static void bpf_linkp(struct bpf_link **p)
{
	bpf_link__destroy(*p);
}

static void btfp(struct btf **p)
{
	btf__free(*p);
}


static void probe_bpf_maps(struct hy_features *f)
{
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "hy_probe", 4, 4, 1, NULL);
	hy_features_set(f, HY_FEAT_BPF, fd >= 0, "bpf(BPF_MAP_CREATE) failed: %s", strerror(-fd));
	if (fd >= 0)
		close(fd);

	/* A ring buffer's size is a power-of-two multiple of the page size. */
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "hy_probe_rb", 0, 0,
			    (__u32)sysconf(_SC_PAGESIZE), NULL);
	hy_features_set(f, HY_FEAT_RINGBUF, fd >= 0,
			"bpf(BPF_MAP_CREATE) of a ring buffer failed: %s", strerror(-fd));
	if (fd >= 0)
		close(fd);
}

static void probe_btf(struct hy_features *f)
{
	_cleanup_(btfp) struct btf *vmlinux = NULL, *tiny = NULL;
	_cleanup_close_ int fd = open(VMLINUX_BTF_PATH, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return hy_features_set(f, HY_FEAT_BTF, false,
				       "open " VMLINUX_BTF_PATH " failed: %s", strerror(errno));
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return hy_features_set(f, HY_FEAT_BTF, false, "parsing " VMLINUX_BTF_PATH
				       " failed: %s", strerror(errno));
	/* Kernel side: CO-RE and tp_btf need the kernel to accept BTF (BPF_BTF_LOAD). */
	tiny = btf__new_empty();
	if (!tiny)
		return hy_features_set(f, HY_FEAT_BTF, false, "btf__new_empty failed: %s",
				       strerror(errno));
	r = btf__add_int(tiny, "int", 4, BTF_INT_SIGNED);
	if (r >= 0)
		r = btf__load_into_kernel(tiny);
	hy_features_set(f, HY_FEAT_BTF, r >= 0, "bpf(BPF_BTF_LOAD) failed: %s", strerror(-r));
}

/* Open the probe skeleton with only the program pick() names set to load. */
static int open_probe_skel(struct bpf_program *(*pick)(struct probe_bpf *), struct probe_bpf **ret)
{
	struct probe_bpf *skel = probe_bpf__open();
	struct bpf_program *prog;

	if (!skel)
		return -errno;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == pick(skel));
	*ret = skel;
	return 0;
}

static struct bpf_program *pick_tp(struct probe_bpf *s)
{
	return s->progs.hy_probe_tp;
}

static struct bpf_program *pick_lsm(struct probe_bpf *s)
{
	return s->progs.hy_probe_lsm;
}

static void probe_bpf_tracing(struct hy_features *f)
{
	_cleanup_(probe_bpfp) struct probe_bpf *skel = NULL;
	_cleanup_(bpf_linkp) struct bpf_link *link = NULL;
	int r;

	r = open_probe_skel(pick_tp, &skel);
	if (r < 0)
		return hy_features_set(f, HY_FEAT_BPF_TRACING, false,
				       "opening the probe BPF object failed: %s", strerror(-r));
	r = probe_bpf__load(skel);
	if (r < 0)
		return hy_features_set(f, HY_FEAT_BPF_TRACING, false,
				       "bpf(PROG_LOAD) of a tp_btf program failed: %s",
				       strerror(-r));
	link = bpf_program__attach(skel->progs.hy_probe_tp);
	hy_features_set(f, HY_FEAT_BPF_TRACING, link != NULL,
			"attaching tp_btf/sched_process_exit failed: %s", strerror(errno));
}

/*
 * 1 if "bpf" is in the active LSM list, 0 if not, -errno if the list cannot be
 * read (securityfs not mounted). The list is copied to note for the reason text.
 */
static int lsm_list_has_bpf(char *note, size_t len)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_file_at(AT_FDCWD, LSM_LIST_PATH, &buf);
	char *save = NULL;

	if (n < 0) {
		snprintf(note, len, "%s: %s", LSM_LIST_PATH, strerror((int)-n));
		return (int)n;
	}
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(note, len, "%s is \"%s\"", LSM_LIST_PATH, buf);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (strcmp(t, "bpf") == 0)
			return 1;
	return 0;
}

int hy_features_lsm_listed(void)
{
	char note[160];
	return lsm_list_has_bpf(note, sizeof(note));
}

static void probe_bpf_lsm(struct hy_features *f)
{
	_cleanup_(probe_bpfp) struct probe_bpf *skel = NULL;
	_cleanup_(bpf_linkp) struct bpf_link *link = NULL;
	char note[160];
	int active, r;

	active = lsm_list_has_bpf(note, sizeof(note));
	r = open_probe_skel(pick_lsm, &skel);
	if (r < 0)
		return hy_features_set(f, HY_FEAT_BPF_LSM, false,
				       "opening the probe BPF object failed: %s", strerror(-r));
	r = probe_bpf__load(skel);
	if (r < 0)
		return hy_features_set(f, HY_FEAT_BPF_LSM, false,
				       "bpf(PROG_LOAD) of an LSM program failed: %s; %s",
				       strerror(-r), note);
	/* The hook passes `ret` through, so attaching it for a moment changes nothing. */
	link = bpf_program__attach_lsm(skel->progs.hy_probe_lsm);
	if (!link)
		return hy_features_set(f, HY_FEAT_BPF_LSM, false,
				       "attaching lsm/file_open failed: %s; %s", strerror(errno),
				       note);
	/* Loaded and attached but not an active LSM: the hook would never run. */
	hy_features_set(f, HY_FEAT_BPF_LSM, active != 0,
			"LSM program loads, but \"bpf\" is not an active LSM (%s)", note);
}

/* ---------------------------------------------------------- other probes */

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/*
 * cgroup.freeze/cgroup.kill exist only below the root, so look in a child:
 * <mount>/hybox if present, else any existing child; else create a private
 * probe directory (a sibling of hybox/, so a concurrent hy_cgroup_create()
 * never races with its removal) and remove it again.
 */
static int cgroup_probe_dir(const char *mount, char *dir, size_t len, bool *ret_created)
{
	_cleanup_(closedirp) DIR *d = NULL;
	struct stat st;
	struct dirent *de;

	*ret_created = false;
	snprintf(dir, len, "%s/hybox", mount);
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	d = opendir(mount);
	while (d && (de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.' &&
		    snprintf(dir, len, "%s/%s", mount, de->d_name) < (int)len)
			return 0;
	snprintf(dir, len, "%s/hybox-probe.%d", mount, (int)getpid());
	if (mkdir(dir, 0700) < 0)
		return -errno;
	*ret_created = true;
	return 0;
}

/* Is word in the space-separated list? */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* Controllers hybox can enable for its containers: those of the cgroup2 root
 * (on a hybrid host, controllers bound to v1 hierarchies are missing here). */
static void probe_controllers(struct hy_features *f)
{
	static const struct {
		enum hy_feature id;
		const char *name;
		const char *consequence;
	} ctl[] = {
		{ HY_FEAT_CGROUP_MEMORY, "memory", "the limit is not enforced, the views still show it" },
		{ HY_FEAT_CGROUP_CPU, "cpu", "the limit is not enforced, the views still show it" },
		{ HY_FEAT_CGROUP_PIDS, "pids", "the limit is not enforced" },
		{ HY_FEAT_CGROUP_CPUSET, "cpuset",
		  "cpu.cpus and cpu.mems are not enforced, the container still starts pinned to "
		  "the CPUs" },
		{ HY_FEAT_CGROUP_IO, "io", "blockIO and io.* unified keys are not enforced" },
		{ HY_FEAT_CGROUP_HUGETLB, "hugetlb", "hugepageLimits are not enforced" },
		{ HY_FEAT_CGROUP_RDMA, "rdma", "rdma limits are not enforced" },
	};
	_cleanup_free_ char *list = NULL;
	char path[4096 + 32];

	snprintf(path, sizeof(path), "%s/cgroup.controllers", f->cgroup2_path);
	if (read_file_at(AT_FDCWD, path, &list) < 0)
		list = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(ctl); i++)
		hy_features_set(f, ctl[i].id, list && has_word(list, ctl[i].name),
				"no %s controller in %s (bound to a cgroup v1 hierarchy, or "
				"disabled): %s",
				ctl[i].name, path, ctl[i].consequence);
}

static void probe_cgroup(struct hy_features *f)
{
	static const struct {
		enum hy_feature id;
		const char *file;
		const char *since;
	} files[] = {
		{ HY_FEAT_CGROUP_FREEZE, "cgroup.freeze", "Linux 5.2" },
		{ HY_FEAT_CGROUP_KILL, "cgroup.kill", "Linux 5.14" },
	};
	char dir[4096 + 64];
	bool created;
	int r;

	r = hy_cgroup2_find_mount(f->cgroup2_path, sizeof(f->cgroup2_path));
	if (r < 0) {
		f->cgroup2_path[0] = '\0';
		if (r == -ENOENT)
			hy_features_set(f, HY_FEAT_CGROUP2, false,
					"no cgroup2 mount in /proc/self/mountinfo");
		else
			hy_features_set(f, HY_FEAT_CGROUP2, false,
					"reading /proc/self/mountinfo failed: %s", strerror(-r));
		for (size_t i = 0; i < ARRAY_SIZE(files); i++)
			hy_features_set(f, files[i].id, false, "no cgroup2 mount");
		hy_features_set(f, HY_FEAT_CGROUP_MEMORY, false, "no cgroup2 mount");
		hy_features_set(f, HY_FEAT_CGROUP_CPU, false, "no cgroup2 mount");
		hy_features_set(f, HY_FEAT_CGROUP_PIDS, false, "no cgroup2 mount");
		hy_features_set(f, HY_FEAT_CGROUP_CPUSET, false, "no cgroup2 mount");
		hy_features_set(f, HY_FEAT_CGROUP_IO, false, "no cgroup2 mount");
		hy_features_set(f, HY_FEAT_CGROUP_HUGETLB, false, "no cgroup2 mount");
		hy_features_set(f, HY_FEAT_CGROUP_RDMA, false, "no cgroup2 mount");
		return;
	}
	hy_features_set(f, HY_FEAT_CGROUP2, true, NULL);
	r = cgroup_probe_dir(f->cgroup2_path, dir, sizeof(dir), &created);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (r < 0)
			hy_features_set(f, files[i].id, false, "mkdir %s failed: %s", dir,
					strerror(-r));
		else
			hy_features_set(f, files[i].id, hy_cgroup_has_file(dir, files[i].file) > 0,
					"%s missing in %s (added in %s)", files[i].file, dir,
					files[i].since);
	}
	if (created && rmdir(dir) < 0)
		pr_warn("cannot remove probe cgroup %s: %s", dir, strerror(errno));
	probe_controllers(f);
}

static void probe_pidfd_getfd(struct hy_features *f)
{
	_cleanup_close_ int pidfd = -1, fd = -1;

	pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0)
		return hy_features_set(f, HY_FEAT_PIDFD_GETFD, false,
				       "pidfd_open(self) failed: %s", strerror(errno));
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, pidfd, 0);
	hy_features_set(f, HY_FEAT_PIDFD_GETFD, fd >= 0, "pidfd_getfd(self) failed: %s",
			strerror(errno));
}

static void probe_openat2(struct hy_features *f)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT,
	};
	_cleanup_close_ int root = -1, fd = -1;

	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return hy_features_set(f, HY_FEAT_OPENAT2, false, "open(\"/\") failed: %s",
				       strerror(errno));
	fd = (int)syscall(SYS_openat2, root, "/", &how, sizeof(how));
	hy_features_set(f, HY_FEAT_OPENAT2, fd >= 0, "openat2(RESOLVE_IN_ROOT) failed: %s",
			strerror(errno));
}

static void probe_fuse(struct hy_features *f)
{
	_cleanup_free_ char *fs = NULL;
	_cleanup_close_ int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return hy_features_set(f, HY_FEAT_FUSE, false, "open /dev/fuse failed: %s",
				       strerror(errno));
	bool listed = read_file_at(AT_FDCWD, "/proc/filesystems", &fs) >= 0 &&
		      strstr(fs, "\tfuse\n");
	hy_features_set(f, HY_FEAT_FUSE, listed, "no fuse file system in /proc/filesystems");
}

int hy_checkpoint_probe(char *why, size_t len)
{
	unsigned int size = 0;
	if (access("/proc/sys/kernel/ns_last_pid", W_OK) < 0)
		return snprintf(why, len, "no writable /proc/sys/kernel/ns_last_pid: %s",
				strerror(errno)), -ENOTSUP;
	if (prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE, &size, 0, 0) < 0 || !size)
		return snprintf(why, len, "prctl(PR_SET_MM_MAP_SIZE) failed: %s", strerror(errno)),
		       -ENOTSUP;
	return 0;
}

static void probe_checkpoint(struct hy_features *f)
{
	char why[160];
	bool ok = hy_checkpoint_probe(why, sizeof(why)) == 0;
	hy_features_set(f, HY_FEAT_CHECKPOINT, ok, "%s", why);
}

int hy_features_probe(struct hy_features *f)
{
	libbpf_print_fn_t old_print = hy_bpf_log_quiet();

	memset(f, 0, sizeof(*f));
	probe_forked(f);
	probe_bpf_maps(f);
	probe_btf(f);
	probe_bpf_tracing(f);
	probe_bpf_lsm(f);
	probe_cgroup(f);
	probe_pidfd_getfd(f);
	probe_openat2(f);
	probe_fuse(f);
	probe_checkpoint(f);
	hy_bpf_log_restore(old_print);
	for (int i = 0; i < HY_FEAT__COUNT; i++)
		pr_debug("%s: %s%s", feature_names[i].key, f->feat[i].is_available ? "yes" : "no: ",
			 f->feat[i].reason);
	return 0;
}
