// SPDX-License-Identifier: GPL-2.0-only
/*
 * The task set (taskset.h) against the host kernel: the scan that fills it
 * when events do not (or were lost), and the reader that turns it into the
 * container's process list, checking every entry against /proc first. A
 * task is its tid *and* its start time: a tid the host reused for a task
 * outside the container never matches an entry (and is never reported).
 * Runs in the supervisor's control thread, in the host's mount namespace.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel.h"
#include "task.h"
#include "taskset.h"
#include "util.h"

/* One thread found in cgroup.threads: its ids from /proc/TID/status. */
static int scan_one(struct emu_kernel *k, const char *tid)
{
	char path[64];
	_cleanup_free_ char *status = NULL;
	struct emu_task_stat st;
	unsigned long long tgid = 0, nstgid[8], nspid[8];
	snprintf(path, sizeof(path), "%s/status", tid);
	if (read_file_at(k->proc_fd, path, &status) < 0 || emu_task_stat_read(k->proc_fd, tid, &st) < 0)
		return -ESRCH; /* gone meanwhile */
	int ng = emu_status_field(status, "\nNStgid:", 10, nstgid, 8);
	int np = emu_status_field(status, "\nNSpid:", 10, nspid, 8);
	if (emu_status_field(status, "\nTgid:", 10, &tgid, 1) != 1)
		return -EIO;
	struct emu_task t = { .tid = (pid_t)strtol(tid, NULL, 10), .tgid = (pid_t)tgid,
			      .ctid = np > 0 ? (pid_t)nspid[np - 1] : 0,
			      .ctgid = ng > 0 ? (pid_t)nstgid[ng - 1] : 0,
			      .start_ticks = st.start_ticks };
	const char *name = strstr(status, "Name:\t");
	if (name == status) /* the first line */
		strscpy(t.comm, name + 6, MIN(sizeof(t.comm), strcspn(name + 6, "\n") + 1));
	emu_taskset_put(&k->tasks, &t);
	return 0;
}

/* Add every thread in the container's cgroup to the set. 0 or -errno. */
static int scan_cgroup(struct emu_kernel *k)
{
	_cleanup_free_ char *tids = NULL;
	if (k->cgroup_fd < 0)
		return -ENODEV;
	ssize_t r = read_file_at(k->cgroup_fd, "cgroup.threads", &tids);
	if (r < 0)
		return (int)r;
	for (char *tid = strtok(tids, "\n"); tid; tid = strtok(NULL, "\n"))
		scan_one(k, tid);
	return 0;
}

/* Is the set's task still the live one? Else it leaves the set. */
static bool check_task(struct emu_kernel *k, const struct emu_task *t, struct emu_task_stat *st)
{
	char rel[48];
	snprintf(rel, sizeof(rel), "%d/task/%d", t->tgid, t->tid);
	if (emu_task_stat_read(k->proc_fd, rel, st) == 0 && st->start_ticks == t->start_ticks)
		return true;
	emu_taskset_drop(&k->tasks, t->tid, t->start_ticks);
	return false;
}

/* Fold the checked threads of tasks[*i...] (one process, sorted by tgid) into p. */
static void fold_process(struct emu_kernel *k, const struct emu_task *tasks, size_t n, size_t *i,
			 struct emu_proc *p)
{
	pid_t tgid = tasks[*i].tgid;
	*p = (struct emu_proc){ .pid = tgid };
	for (; *i < n && tasks[*i].tgid == tgid; (*i)++) {
		struct emu_task_stat st;
		if (!check_task(k, &tasks[*i], &st))
			continue;
		p->threads++;
		p->cpid = tasks[*i].ctgid;
		if (tasks[*i].tid == tgid || !p->state) { /* the leader's, else any thread's */
			p->state = st.state;
			p->ppid = st.ppid;
			p->start_ticks = st.start_ticks;
			strscpy(p->comm, tasks[*i].comm, sizeof(p->comm));
		}
	}
}

static int by_tgid_tid(const void *a, const void *b)
{
	const struct emu_task *x = a, *y = b;
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

ssize_t emu_kernel_processes(struct emu_kernel *k, struct emu_proc **ret)
{
	uint64_t gen;
	if (emu_taskset_needs_scan(&k->tasks, &gen)) {
		int r = scan_cgroup(k);
		if (r < 0)
			return r;
		emu_taskset_scanned(&k->tasks, gen);
	}
	_cleanup_free_ struct emu_task *tasks = NULL;
	size_t n = emu_taskset_snapshot(&k->tasks, &tasks), np = 0;
	qsort(tasks, n, sizeof(*tasks), by_tgid_tid);
	struct emu_proc *procs = xcalloc(n ? n : 1, sizeof(*procs));
	for (size_t i = 0; i < n;) {
		fold_process(k, tasks, n, &i, &procs[np]);
		if (procs[np].threads)
			np++;
	}
	*ret = procs;
	return (ssize_t)np;
}

void emu_kernel_task_event(struct emu_kernel *k, const struct hy_evt_hdr *ev)
{
	if (ev->type == HY_EVT_LOST)
		emu_taskset_lost(&k->tasks);
	else
		emu_taskset_apply(&k->tasks, ev);
}

void emu_kernel_tasks_fed(struct emu_kernel *k, bool fed)
{
	emu_taskset_set_fed(&k->tasks, fed);
}

void emu_kernel_task_stats(struct emu_kernel *k, struct emu_task_stats *ret)
{
	emu_taskset_stats(&k->tasks, ret);
}
