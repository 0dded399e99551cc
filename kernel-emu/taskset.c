// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container's task set (taskset.h): a tid-sorted array. Containers hold
 * tens to thousands of threads and new tids mostly grow, so inserts are
 * nearly always appends, and a copy for a reader is one memcpy.
 *
 * How the events map onto the set (kernel/exit.c, fs/exec.c):
 * - fork: a new thread or process, already in the container's cgroup.
 * - task_exit of a thread: it is gone from the set, except a thread-group
 *   leader whose process lives on (its /proc/PID stays, as a zombie leader,
 *   until the last thread exits).
 * - task_exit with group_dead: the whole process is gone.
 * - exec: de_thread() has killed every other thread, and a non-leader that
 *   called exec took over the leader's tid and start time, so the process is
 *   one thread again: the leader, with the new comm.
 */
#include "taskset.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void emu_taskset_init(struct emu_taskset *s, long ticks_hz)
{
	*s = (struct emu_taskset){ .ticks_hz = ticks_hz > 0 ? ticks_hz : 100 };
	pthread_mutex_init(&s->lock, NULL);
}

void emu_taskset_fini(struct emu_taskset *s)
{
	free(s->tasks);
	s->tasks = NULL;
	s->n = s->cap = 0;
	pthread_mutex_destroy(&s->lock);
}

/* Index of tid, or where it would go. */
static size_t find(const struct emu_taskset *s, pid_t tid)
{
	size_t lo = 0, hi = s->n;
	if (s->n && s->tasks[s->n - 1].tid < tid) /* the common case: a new, larger tid */
		return s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->tasks[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void put_locked(struct emu_taskset *s, const struct emu_task *t)
{
	size_t i = find(s, t->tid);
	if (i < s->n && s->tasks[i].tid == t->tid) {
		s->tasks[i] = *t;
		return;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct emu_task *grown = xmalloc(cap * sizeof(*grown));
		memcpy(grown, s->tasks, s->n * sizeof(*grown));
		free(s->tasks);
		s->tasks = grown;
		s->cap = cap;
	}
	memmove(&s->tasks[i + 1], &s->tasks[i], (s->n - i) * sizeof(*s->tasks));
	s->tasks[i] = *t;
	s->n++;
}

static void remove_at(struct emu_taskset *s, size_t i)
{
	memmove(&s->tasks[i], &s->tasks[i + 1], (s->n - i - 1) * sizeof(*s->tasks));
	s->n--;
}

/* Remove the threads of process tgid, keeping its leader when keep_leader. */
static void remove_group(struct emu_taskset *s, pid_t tgid, bool keep_leader)
{
	size_t w = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->tasks[i].tgid != tgid || (keep_leader && s->tasks[i].tid == tgid))
			s->tasks[w++] = s->tasks[i];
	s->n = w;
}

static void on_fork(struct emu_taskset *s, const struct hy_evt_fork *e)
{
	struct emu_task t = { .tid = (pid_t)e->task.tid, .tgid = (pid_t)e->task.pid,
			      .ctid = (pid_t)e->ctid, .ctgid = (pid_t)e->cpid,
			      .start_ticks = e->start_ns / (1000000000ULL / (uint64_t)s->ticks_hz) };
	strscpy(t.comm, e->task.comm, sizeof(t.comm));
	put_locked(s, &t);
}

static void on_exec(struct emu_taskset *s, const struct hy_evt_exec *e)
{
	pid_t tgid = (pid_t)e->task.pid;
	remove_group(s, tgid, true);
	size_t i = find(s, tgid);
	if (i < s->n && s->tasks[i].tid == tgid)
		strscpy(s->tasks[i].comm, e->task.comm, sizeof(s->tasks[i].comm));
}

static void on_task_exit(struct emu_taskset *s, const struct hy_evt_task_exit *e)
{
	pid_t tid = (pid_t)e->task.tid, tgid = (pid_t)e->task.pid;
	if (e->flags & HY_TASK_F_GROUP_DEAD) {
		remove_group(s, tgid, false);
		return;
	}
	size_t i = find(s, tid);
	if (tid != tgid && i < s->n && s->tasks[i].tid == tid)
		remove_at(s, i);
}

void emu_taskset_apply(struct emu_taskset *s, const struct hy_evt_hdr *ev)
{
	static const size_t sizes[] = { [HY_EVT_FORK] = sizeof(struct hy_evt_fork),
					[HY_EVT_EXEC] = sizeof(struct hy_evt_exec),
					[HY_EVT_TASK_EXIT] = sizeof(struct hy_evt_task_exit) };
	if (ev->type >= ARRAY_SIZE(sizes) || !sizes[ev->type] || ev->size < sizes[ev->type])
		return;
	pthread_mutex_lock(&s->lock);
	if (ev->type == HY_EVT_FORK)
		on_fork(s, (const struct hy_evt_fork *)ev);
	else if (ev->type == HY_EVT_EXEC)
		on_exec(s, (const struct hy_evt_exec *)ev);
	else
		on_task_exit(s, (const struct hy_evt_task_exit *)ev);
	s->events++;
	pthread_mutex_unlock(&s->lock);
}

void emu_taskset_lost(struct emu_taskset *s)
{
	pthread_mutex_lock(&s->lock);
	s->stale_gen++;
	pthread_mutex_unlock(&s->lock);
}

void emu_taskset_set_fed(struct emu_taskset *s, bool fed)
{
	pthread_mutex_lock(&s->lock);
	if (fed && !s->is_fed)
		s->stale_gen++;
	s->is_fed = fed;
	pthread_mutex_unlock(&s->lock);
}

void emu_taskset_put(struct emu_taskset *s, const struct emu_task *t)
{
	pthread_mutex_lock(&s->lock);
	put_locked(s, t);
	pthread_mutex_unlock(&s->lock);
}

void emu_taskset_drop(struct emu_taskset *s, pid_t tid, uint64_t start_ticks)
{
	pthread_mutex_lock(&s->lock);
	size_t i = find(s, tid);
	/* Only the task the reader saw: the tid may have been reused since. */
	if (i < s->n && s->tasks[i].tid == tid && s->tasks[i].start_ticks == start_ticks)
		remove_at(s, i);
	pthread_mutex_unlock(&s->lock);
}

bool emu_taskset_needs_scan(struct emu_taskset *s, uint64_t *gen)
{
	pthread_mutex_lock(&s->lock);
	bool needs = !s->is_fed || s->clean_gen != s->stale_gen;
	*gen = s->stale_gen;
	pthread_mutex_unlock(&s->lock);
	return needs;
}

void emu_taskset_scanned(struct emu_taskset *s, uint64_t gen)
{
	pthread_mutex_lock(&s->lock);
	s->clean_gen = gen;
	s->scans++;
	pthread_mutex_unlock(&s->lock);
}

size_t emu_taskset_snapshot(struct emu_taskset *s, struct emu_task **ret)
{
	pthread_mutex_lock(&s->lock);
	size_t n = s->n;
	*ret = xmalloc((n ? n : 1) * sizeof(**ret));
	memcpy(*ret, s->tasks, n * sizeof(**ret));
	pthread_mutex_unlock(&s->lock);
	return n;
}

void emu_taskset_stats(struct emu_taskset *s, struct emu_task_stats *ret)
{
	pthread_mutex_lock(&s->lock);
	*ret = (struct emu_task_stats){ .is_fed = s->is_fed, .tasks = s->n, .events = s->events,
					.scans = s->scans };
	pthread_mutex_unlock(&s->lock);
}
