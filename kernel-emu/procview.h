/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container's /proc and /sys views (what LXCFS serves with FUSE): the
 * host's text rewritten to the container's memory limit and CPU set. Pure:
 * every function turns host text plus numbers into the container's text, so
 * the unit tests feed them recorded host files. viewfs.c gathers the inputs
 * and serves the results.
 */
#pragma once
#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#define EMU_VIEW_UNLIMITED UINT64_MAX

struct emu_mem_view {
	uint64_t limit;      /* bytes, EMU_VIEW_UNLIMITED: the host's numbers pass through */
	uint64_t used;       /* bytes charged to the container */
	uint64_t swap_limit; /* bytes, EMU_VIEW_UNLIMITED: the host's swap */
	uint64_t swap_used;
};

/*
 * /proc/meminfo: MemTotal is min(host, limit), MemFree and MemAvailable what
 * the limit leaves, page cache 0 and no other size above the usage. Swap likewise under
 * a swap limit. Writes to out; 0, or -EIO on a write error.
 */
int emu_view_meminfo(FILE *out, const char *host, const struct emu_mem_view *m);
/* /proc/swaps: the host's, or one "none virtual" line under a swap limit. */
int emu_view_swaps(FILE *out, const char *host, const struct emu_mem_view *m);
/* /proc/cpuinfo: only the processors in cpus, with their host numbers (as
 * getcpu(2) returns them). Host text in another shape passes through. */
int emu_view_cpuinfo(FILE *out, const char *host, const cpu_set_t *cpus);
/* /proc/stat: cpuN lines of cpus only, the "cpu" line their sum. */
int emu_view_stat(FILE *out, const char *host, const cpu_set_t *cpus);
/*
 * Load averages of the container, as the kernel keeps the host's: every
 * EMU_LOADAVG_PERIOD_NS, avenrun = avenrun * e + active * (1 - e) in 11-bit
 * fixed point, for the 1, 5 and 15 minute decays (kernel/sched/loadavg.c).
 */
#define EMU_LOADAVG_PERIOD_NS (5ULL * 1000000000ULL)

struct emu_loadavg {
	uint64_t avenrun[3];
};

/* One sample: active = the container's runnable plus uninterruptible tasks. */
void emu_loadavg_sample(struct emu_loadavg *l, unsigned active);
/* /proc/loadavg: "0.50 0.20 0.10 running/total last_pid\n". */
int emu_view_loadavg(FILE *out, const struct emu_loadavg *l, unsigned running, unsigned total,
		     int last_pid);

/* A CPU list as in /sys/devices/system/cpu/online: "0-3,6\n". */
int emu_view_cpulist(FILE *out, const cpu_set_t *cpus);
