// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox checkpoint`: freeze the container's cgroup, seize every thread
 * but init's (PTRACE_SEIZE + PTRACE_INTERRUPT while frozen, so none can run
 * or fork in between), thaw into the ptrace stops, then read each process
 * (ckpt_proc_dump.c, ckpt_fd_dump.c, ckpt_mem_dump.c) from inside the
 * container's mount namespace, so that every path is the container's. The
 * image is written only when nothing blocks it; then the container is
 * killed (cgroup.kill) or, with --leave-running, let go exactly as it was.
 * Init is hybox's own code and is not saved: restore starts a fresh one.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "ckpt_dump.h"
#include "container.h"
#include "control.h"
#include "log.h"
#include "util.h"

#define FREEZE_TIMEOUT_NS (5ULL * 1000000000)

struct dumper {
	const struct ck_dump_opts *o;
	struct hy_cgroup cg;
	pid_t init_host;
	int init_procfd;
	struct ck_pidmap map;
	pid_t tids[4096];    /* every thread but init's, host tids */
	pid_t tgids[4096];   /* their thread groups */
	pid_t ppids[4096];   /* their parents (host pids) */
	size_t ntids;
	size_t nseized;
	struct ck_task *tasks; /* parallel to tids once opened */
	int *procfds;	       /* one per img.procs[] */
	struct ck_image img;
	struct ck_blockers blockers;
	bool is_pid_joined; /* run.json: the container joined a pid namespace */
	unsigned long long frozen_at;
	struct ck_progress progress;
};

/* The container's threads from its cgroup, with their container ids. */
static int list_threads(struct dumper *d, struct hy_err *err)
{
	_cleanup_free_ char *list = NULL;
	if (read_file_at(d->cg.dirfd, "cgroup.threads", &list) < 0)
		return hy_err_setr(err, -errno, "read %s/cgroup.threads", d->cg.path);
	d->ntids = d->map.n = 0;
	for (char *p = list, *end; *p; p = end) {
		pid_t tid = (pid_t)strtol(p, &end, 10);
		if (end == p)
			break;
		char path[64];
		_cleanup_free_ char *st = NULL;
		snprintf(path, sizeof(path), "/proc/%d/status", tid);
		if (read_file_at(AT_FDCWD, path, &st) < 0)
			continue; /* gone since: it was ending */
		pid_t ns = (pid_t)ck_status_num(st, "\nNSpid:", 10, true);
		pid_t tgid = (pid_t)ck_status_num(st, "\nTgid:", 10, false);
		if (d->map.n == ARRAY_SIZE(d->map.host))
			return hy_err_set(err, -E2BIG, "more than %zu threads",
					  ARRAY_SIZE(d->map.host));
		d->map.host[d->map.n] = tid, d->map.ns[d->map.n++] = ns;
		if (ns == 1) {
			d->init_host = tid;
			continue;
		}
		const char *state = strstr(st, "\nState:");
		if (state && (strchr("ZX", state[8]) || strchr("ZX", state[9])))
			ck_block(&d->blockers, "pid %d is a zombie", ns);
		d->ppids[d->ntids] = (pid_t)ck_status_num(st, "\nPPid:", 10, false);
		d->tids[d->ntids] = tid, d->tgids[d->ntids++] = tgid;
	}
	if (!d->init_host)
		return hy_err_set(err, -ESRCH, "container %s has no init task", d->o->id);
	return 0;
}

static int set_frozen(struct dumper *d, int want, struct hy_err *err)
{
	char line[16];
	int r = write_file_at(d->cg.dirfd, "cgroup.freeze", want ? "1" : "0");
	if (r < 0)
		return hy_err_setr(err, r, "%s %s", want ? "freeze" : "thaw", d->cg.path);
	snprintf(line, sizeof(line), "frozen %d\n", want);
	for (unsigned long long end = now_mono_ns() + FREEZE_TIMEOUT_NS; now_mono_ns() < end;) {
		_cleanup_free_ char *ev = NULL;
		if (read_file_at(d->cg.dirfd, "cgroup.events", &ev) >= 0 && strstr(ev, line))
			return 0;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	return hy_err_set(err, -ETIMEDOUT, "container %s did not %s within 5 s", d->o->id,
			  want ? "freeze" : "thaw");
}

/* The container's clocks now: the host's plus its time namespace's offsets. */
static void sample_clocks(struct dumper *d)
{
	struct timespec mono, boot;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	int64_t off_mono = 0, off_boot = 0;
	_cleanup_free_ char *offs = NULL;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/timens_offsets", d->init_host);
	if (read_file_at(AT_FDCWD, path, &offs) >= 0) {
		long long s, ns;
		char *m = strstr(offs, "monotonic"), *b = strstr(offs, "boottime");
		if (m && sscanf(m, "monotonic %lld %lld", &s, &ns) == 2)
			off_mono = s * 1000000000LL + ns;
		if (b && sscanf(b, "boottime %lld %lld", &s, &ns) == 2)
			off_boot = s * 1000000000LL + ns;
	}
	d->img.mono_ns = mono.tv_sec * 1000000000LL + mono.tv_nsec + off_mono;
	d->img.boot_ns = boot.tv_sec * 1000000000LL + boot.tv_nsec + off_boot;
}

/* Seize everything while frozen, then thaw into the ptrace stops. */
static int seize_all(struct dumper *d, struct hy_err *err)
{
	int r = set_frozen(d, 1, err);
	if (r < 0)
		return r;
	d->frozen_at = now_mono_ns();
	sample_clocks(d);
	for (; d->nseized < d->ntids && r == 0; d->nseized++)
		r = ck_task_seize(d->tids[d->nseized], 0, err);
	int r2 = set_frozen(d, 0, r < 0 ? NULL : err);
	for (size_t i = 0; i < d->nseized && r == 0; i++)
		r = ck_task_wait_stop(d->tids[i], err);
	return r < 0 ? r : r2;
}

/* The process whose leader is tids[leader], with its threads. */
static int add_proc(struct dumper *d, size_t leader, struct hy_err *err)
{
	pid_t tgid = d->tids[leader];
	struct ck_proc *p = &d->img.procs[d->img.nprocs++];
	p->host_pid = tgid;
	p->pid = ck_pidmap_ns(&d->map, tgid);
	p->ppid = ck_pidmap_ns(&d->map, d->ppids[leader]);
	if (!p->ppid)
		return hy_err_set(err, -ESRCH, "the parent of pid %d is outside the container", p->pid);
	size_t n = 0;
	for (size_t i = 0; i < d->ntids; i++)
		n += d->tgids[i] == tgid;
	p->threads = calloc(n, sizeof(*p->threads));
	if (!p->threads)
		return hy_err_set(err, -ENOMEM, "list threads");
	/* the leader first */
	p->threads[p->nthreads++].host_tid = tgid;
	for (size_t i = 0; i < d->ntids; i++)
		if (d->tgids[i] == tgid && d->tids[i] != tgid)
			p->threads[p->nthreads++].host_tid = d->tids[i];
	for (size_t i = 0; i < p->nthreads; i++)
		p->threads[i].tid = ck_pidmap_ns(&d->map, p->threads[i].host_tid);
	return 0;
}

/* Processes, parents before children: the command (container pid 2) and
 * the orphans init adopted, then their descendants. */
static int build_tree(struct dumper *d, struct hy_err *err)
{
	d->img.procs = calloc(d->ntids + 1, sizeof(*d->img.procs));
	if (!d->img.procs)
		return hy_err_set(err, -ENOMEM, "list processes");
	int r = 0;
	for (size_t i = 0; i < d->ntids && r == 0; i++)
		if (d->tids[i] == d->tgids[i] && ck_pidmap_ns(&d->map, d->tids[i]) == 2)
			r = add_proc(d, i, err);
	if (r == 0 && d->img.nprocs == 0)
		return hy_err_set(err, -ESRCH,
				  "container %s: its command (pid 2) has ended or its main thread has "
				  "exited (pthread_exit), which hybox cannot save yet",
				  d->o->id);
	/* init's other children (orphans) first, then each listed process's */
	for (size_t k = 0; r == 0 && k <= d->img.nprocs; k++) {
		pid_t parent = k == 0 ? d->init_host : d->img.procs[k - 1].host_pid;
		for (size_t i = 0; i < d->ntids && r == 0; i++)
			if (d->tids[i] == d->tgids[i] && d->ppids[i] == parent &&
			    ck_pidmap_ns(&d->map, d->tids[i]) != 2)
				r = add_proc(d, i, err);
	}
	/* A thread whose group leader has exited (pthread_exit in main) is in no
	 * listed process: say so rather than lose it. */
	for (size_t i = 0; r == 0 && i < d->ntids; i++) {
		bool listed = false;
		for (size_t k = 0; k < d->img.nprocs && !listed; k++)
			listed = d->img.procs[k].host_pid == d->tgids[i];
		if (!listed)
			ck_block(&d->blockers, "thread %d: its main thread has exited",
				 ck_pidmap_ns(&d->map, d->tids[i]));
	}
	return r;
}

/* Record zombie kid of p: its container pid and wait status (/proc/KID). */
static void add_zombie(struct dumper *d, const struct ck_proc *p, pid_t kid)
{
	char path[64];
	_cleanup_free_ char *st = NULL, *stat = NULL;
	snprintf(path, sizeof(path), "/proc/%d/status", kid);
	if (read_file_at(AT_FDCWD, path, &st) < 0)
		return; /* reaped since */
	snprintf(path, sizeof(path), "/proc/%d/stat", kid);
	/* the last field (52) is the exit code, a wait status */
	const char *last = read_file_at(AT_FDCWD, path, &stat) < 0 ? NULL : strrchr(stat, ' ');
	struct ck_zombie *z = realloc(d->img.zombies, (d->img.nzombies + 1) * sizeof(*z));
	if (z)
		d->img.zombies = z;
	if (!z || !last) {
		ck_block(&d->blockers, "pid %d: cannot read its ended child %d", p->pid, kid);
		return;
	}
	z[d->img.nzombies++] = (struct ck_zombie){ .pid = (pid_t)ck_status_num(st, "\nNSpid:", 10, true),
						    .ppid = p->pid, .status = atoi(last + 1) };
}

/*
 * A child that ended and was not waited for has left the cgroup's lists
 * (only its parent knows it): saved from its parent's children list, so the
 * parent comes back with it and its wait() finds it.
 */
static void find_zombies(struct dumper *d)
{
	for (size_t i = 0; i < d->img.nprocs; i++) {
		const struct ck_proc *p = &d->img.procs[i];
		for (size_t t = 0; t < p->nthreads; t++) {
			char path[96];
			_cleanup_free_ char *kids = NULL;
			snprintf(path, sizeof(path), "/proc/%d/task/%d/children", p->host_pid,
				 p->threads[t].host_tid);
			if (read_file_at(AT_FDCWD, path, &kids) < 0)
				continue;
			for (char *k = kids, *end; *k; k = end) {
				pid_t kid = (pid_t)strtol(k, &end, 10);
				if (end == k)
					break;
				if (!ck_pidmap_ns(&d->map, kid))
					add_zombie(d, p, kid);
			}
		}
	}
}

/* ptrace handles and /proc dirs for every task, before leaving the host's mounts. */
static int open_tasks(struct dumper *d, struct hy_err *err)
{
	size_t n = 0;
	for (size_t i = 0; i < d->img.nprocs; i++)
		n += d->img.procs[i].nthreads;
	d->tasks = calloc(n + 1, sizeof(*d->tasks));
	d->procfds = calloc(d->img.nprocs + 1, sizeof(int));
	if (!d->tasks || !d->procfds)
		return hy_err_set(err, -ENOMEM, "open tasks");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d", d->init_host);
	d->init_procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d->init_procfd < 0)
		return hy_err_setr(err, -errno, "open %s", path);
	for (size_t i = 0, k = 0; i < d->img.nprocs; i++) {
		struct ck_proc *p = &d->img.procs[i];
		snprintf(path, sizeof(path), "/proc/%d", p->host_pid);
		d->procfds[i] = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (d->procfds[i] < 0)
			return hy_err_setr(err, -errno, "open %s", path);
		for (size_t t = 0; t < p->nthreads; t++, k++) {
			int r = ck_task_open(&d->tasks[k], p->threads[t].host_tid, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Join the container's UTS (for its names), network (for sock_diag) and
 * mount namespaces (for its paths). */
static int enter_container(struct dumper *d, struct hy_err *err)
{
	static const struct {
		const char *name;
		int type;
	} ns[] = { { "ns/uts", CLONE_NEWUTS }, { "ns/net", CLONE_NEWNET }, { "ns/mnt", CLONE_NEWNS } };
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		_cleanup_close_ int fd = openat(d->init_procfd, ns[i].name, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, ns[i].type) < 0)
			return hy_err_setr(err, -errno, "enter the container's %s", ns[i].name + 3);
		if (ns[i].type == CLONE_NEWUTS) {
			struct utsname u;
			uname(&u);
			d->img.hostname = strdup(u.nodename);
			d->img.domainname = strdup(u.domainname);
		}
	}
	return 0;
}

static int dump_procs(struct dumper *d, struct hy_err *err)
{
	int r = 0;
	for (size_t i = 0, k = 0; i < d->img.nprocs && r == 0; i++) {
		struct ck_dump_proc dp = { .img = &d->img, .p = &d->img.procs[i], .tasks = &d->tasks[k],
					   .procfd = d->procfds[i], .init_procfd = d->init_procfd,
					   .map = &d->map, .blockers = &d->blockers,
					   .compress_level = d->o->compress_level,
					   .image_dirfd = d->o->is_check ? -1 : d->o->image_dirfd,
					   .progress = &d->progress };
		k += d->img.procs[i].nthreads;
		r = ck_dump_proc_state(&dp, err);
		if (r == 0)
			r = ck_dump_fds(&dp, err);
		if (r == 0)
			r = ck_dump_memory(&dp, dp.image_dirfd, err);
	}
	return r;
}

static void report_blockers(const struct dumper *d)
{
	for (size_t i = 0; i < d->blockers.n; i++)
		fprintf(stderr, "hybox checkpoint: %s: %s\n", d->o->id, d->blockers.line[i]);
	if (d->blockers.total > d->blockers.n)
		fprintf(stderr, "hybox checkpoint: %s: and %zu more\n", d->o->id,
			d->blockers.total - d->blockers.n);
}

/* Let every task go as it was, or end the container first. */
static void finish(struct dumper *d, bool kill)
{
	if (kill)
		write_file_at(d->cg.dirfd, "cgroup.kill", "1");
	size_t n = 0;
	for (size_t i = 0; i < d->img.nprocs; i++)
		n += d->img.procs[i].nthreads;
	for (size_t i = 0; d->tasks && i < n; i++)
		if (d->tasks[i].tid)
			ck_task_release(&d->tasks[i]);
}

/* The reasons found, one line each, then the error. */
static int refuse_blocked(const struct dumper *d, struct hy_err *err)
{
	report_blockers(d);
	return hy_err_set(err, -ENOTSUP, "container %s cannot be checkpointed (%zu reason%s above)",
			  d->o->id, d->blockers.total, d->blockers.total > 1 ? "s" : "");
}

static int dump(struct dumper *d, struct hy_err *err)
{
	/* A joined pid namespace has no pid 1 of the container's, and its pids are
	 * the pod's: nothing to list or seize, refused before touching a task. */
	if (d->is_pid_joined)
		return refuse_blocked(d, err);
	int r = list_threads(d, err);
	if (r < 0 || (r = build_tree(d, err)) < 0 || (r = seize_all(d, err)) < 0)
		return r;
	find_zombies(d); /* all stopped: none can end now */
	if ((r = open_tasks(d, err)) < 0 || (r = enter_container(d, err)) < 0 ||
	    (r = dump_procs(d, err)) < 0)
		return r;
	if (d->blockers.total)
		return refuse_blocked(d, err);
	if (d->o->is_check)
		return 0;
	d->img.version = CK_FORMAT_VERSION;
	d->img.id = strdup(d->o->id);
	ck_cpu_features(&d->img.xcr0, d->img.cpuid);
	return ck_image_write(d->o->image_dirfd, &d->img, err);
}

static void count(const struct dumper *d, struct ck_dump_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->procs = d->img.nprocs;
	for (size_t i = 0; i < d->img.nprocs; i++) {
		s->threads += d->img.procs[i].nthreads;
		s->bytes += d->img.procs[i].pages_raw;
		s->file_bytes += d->img.procs[i].pages_size;
	}
	s->frozen_ns = d->frozen_at ? now_mono_ns() - d->frozen_at : 0;
}

/* rootfs, net, memory, cpus as the supervisor saved them (run.json). */
static void read_run_settings(struct dumper *d, const struct ck_dump_opts *o)
{
	json_t *j = hy_state_run_settings(o->root, o->id);
	const char *rootfs = json_string_value(json_object_get(j, "rootfs"));
	const char *net = json_string_value(json_object_get(j, "net"));
	d->img.rootfs = rootfs ? strdup(rootfs) : NULL;
	d->img.is_net_none = net && strcmp(net, "none") == 0;
	d->img.memory = (uint64_t)json_integer_value(json_object_get(j, "memory"));
	d->img.cpus_milli = (uint32_t)json_integer_value(json_object_get(j, "cpus_milli"));
	json_t *joined = json_object_get(j, "joined_namespaces"), *el;
	char names[64] = "";
	size_t i;
	json_array_foreach (joined, i, el) {
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? ", " : "", json_is_string(el) ? json_string_value(el) : "?");
		d->is_pid_joined |= json_is_string(el) && strcmp(json_string_value(el), "pid") == 0;
	}
	if (*names)
		ck_block(&d->blockers, "the container joined namespaces by path (%s, in "
				       "linux.namespaces), which a restore cannot join again yet",
			 names);
	if (json_is_true(json_object_get(j, "user_namespace")))
		ck_block(&d->blockers, "the container has a user namespace of its own (\"user\" "
				       "in linux.namespaces), which a restore cannot make again "
				       "yet (its id maps, the ids of its files and processes)");
	/* A restore installs hybox's filter only: the container would lose the profile. */
	if (json_is_true(json_object_get(j, "seccomp_profile")))
		ck_block(&d->blockers, "the container runs under a linux.seccomp profile, which "
				       "a restore cannot install again yet");
	json_decref(j);
}

/* The supervisor emits the `checkpoint` event (before the container ends). */
static void report_checkpoint(int ctl, const struct ck_dump_opts *o, const struct ck_dump_stats *s)
{
	json_t *reply = NULL;
	json_t *req = json_pack("{s:s,s:I,s:I,s:I,s:I,s:b}", "op", "checkpointed", "procs",
				(json_int_t)s->procs, "threads", (json_int_t)s->threads, "bytes",
				(json_int_t)s->bytes, "frozen_ns", (json_int_t)s->frozen_ns,
				"leave_running", o->is_leave_running);
	struct hy_err err = { 0 };
	if (hy_control_call_fd(ctl, o->id, req, &reply, &err) < 0)
		pr_debug("no checkpoint event: %s", err.msg);
	json_decref(req);
	json_decref(reply);
}

int ck_dump(const struct ck_dump_opts *o, struct ck_dump_stats *stats, struct hy_err *err)
{
	struct dumper *d = calloc(1, sizeof(*d));
	if (!d)
		return hy_err_set(err, -ENOMEM, "checkpoint");
	d->o = o;
	d->init_procfd = d->cg.dirfd = -1;
	d->progress = (struct ck_progress){ .id = o->id, .start_ns = now_mono_ns() };
	d->progress.last_ns = d->progress.start_ns;
	int r = hy_state_is_live(o->root, o->id);
	if (r <= 0)
		r = hy_err_set(err, -ENOENT, "no running container %s under %s", o->id, o->root);
	else if ((r = hy_state_open_cgroup(o->root, o->id, &d->cg)) < 0)
		hy_err_setr(err, r, "open the cgroup of container %s", o->id);
	else {
		/* Both now: their paths are not in the container's mounts. */
		int ctl = hy_control_connect(o->root, o->id, HY_CONTROL_SOCK, NULL);
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s/%s", o->root, o->id, HY_STATE_POLICY_FILE);
		if (read_file_at(AT_FDCWD, path, &d->img.policy) < 0)
			d->img.policy = NULL; /* the default policy */
		read_run_settings(d, o);
		r = dump(d, err);
		count(d, stats);
		if (r == 0 && !o->is_check && ctl >= 0)
			report_checkpoint(ctl, o, stats);
		if (ctl >= 0)
			close(ctl);
	}
	finish(d, r == 0 && !o->is_check && !o->is_leave_running);
	stats->frozen_ns = d->frozen_at ? now_mono_ns() - d->frozen_at : 0;
	for (size_t i = 0; d->procfds && i < d->img.nprocs; i++)
		if (d->procfds[i] > 0)
			close(d->procfds[i]);
	if (d->init_procfd >= 0)
		close(d->init_procfd);
	if (d->cg.dirfd >= 0)
		close(d->cg.dirfd);
	free(d->procfds);
	free(d->tasks);
	ck_image_free(&d->img);
	free(d);
	return r;
}
