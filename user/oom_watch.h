/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * OOM kills in a cgroup v2 leaf, for runc's `oom` events: the `oom_kill`
 * count of memory.events, read again whenever the kernel notifies a change
 * (inotify IN_MODIFY: cgroup v2 files are "modified" when their values
 * change), and compared with the last count. cgroup.events is watched too,
 * so that the fd also wakes its reader when the leaf empties.
 * Runs with the caller's privileges; only reads the leaf.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct hy_oom_watch {
	int dirfd;	/* the leaf (borrowed) */
	int notify_fd;	/* inotify, -1 if it could not be set up (then poll) */
	uint64_t kills; /* oom_kill at the last look */
	bool has_file;	/* memory.events exists (the memory controller is on) */
};

/* oom_kill's value in a memory.events text into *ret; 0, or -ENOENT without one. */
int hy_oom_kills_parse(const char *text, uint64_t *ret);
/* Kills between two looks: cur - prev, or 0 when the count did not rise. */
uint64_t hy_oom_kills_rise(uint64_t prev, uint64_t cur);

/*
 * Start watching the leaf at dirfd: the current count is the baseline (kills
 * before the watch are not reported). Never fails: without memory.events
 * there is nothing to report, without inotify the caller polls.
 */
void hy_oom_watch_init(struct hy_oom_watch *w, int dirfd);
void hy_oom_watch_fini(struct hy_oom_watch *w);
/* The fd that becomes readable on a change of memory.events or cgroup.events
 * (-1: none, poll instead). */
int hy_oom_watch_fd(const struct hy_oom_watch *w);
/*
 * Consume pending notifications and look at memory.events again. Returns
 * the number of kills since the last look (0 also when the file is gone,
 * i.e. the leaf was removed).
 */
uint64_t hy_oom_watch_check(struct hy_oom_watch *w);
