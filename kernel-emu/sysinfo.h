/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container's sysinfo(2) view: uptime since container start, process
 * count of the container's cgroup, memory bounded by the cgroup limit.
 */
#pragma once
#include <stdatomic.h>
#include <stdint.h>
#include <sys/sysinfo.h>

struct emu_sysinfo_input {
	struct sysinfo host;    /* the host's sysinfo(2) */
	uint64_t uptime_ns;     /* since container start */
	uint64_t mem_max;       /* cgroup memory.max in bytes, UINT64_MAX: none */
	uint64_t mem_current;   /* cgroup memory.current in bytes */
	uint64_t swap_max;      /* memory.swap.max, UINT64_MAX: none */
	uint64_t swap_current;  /* memory.swap.current */
	uint32_t nprocs;        /* tasks in the container's cgroup */
	int has_cgroup_mem;     /* memory numbers known: the memory controller's
				 * files, or a configured limit (apply_limit) */
};

/* Pure: compute the container's struct sysinfo from input. */
void emu_sysinfo_compute(const struct emu_sysinfo_input *in, struct sysinfo *out);
/*
 * Bound the view by a configured limit (--memory; UINT64_MAX: none) as well.
 * Without the memory controller, usage is then the resident set of the
 * container's processes (PID/statm under proc_fd, the host's /proc, for
 * each pid of cgroup.procs).
 */
void emu_sysinfo_apply_limit(struct emu_sysinfo_input *in, int cgroup_fd, int proc_fd,
			     uint64_t limit);
/* Gather input from the host and the cgroup directory (fd may be -1). Returns 0 or -errno. */
int emu_sysinfo_gather(int cgroup_fd, uint64_t start_ns, struct emu_sysinfo_input *in);

/* The cgroup files gather() reads, as bits of the `absent` cache below. */
enum emu_cg_file {
	EMU_CG_MEMORY_MAX, EMU_CG_MEMORY_CURRENT, EMU_CG_SWAP_MAX, EMU_CG_SWAP_CURRENT,
	EMU_CG_PIDS_CURRENT,
};
/* Same, remembering in *absent (shared by threads; zero at first) which
 * files the leaf does not have, so later calls skip them. */
int emu_sysinfo_gather_cached(int cgroup_fd, atomic_uint *absent, uint64_t start_ns,
			      struct emu_sysinfo_input *in);
