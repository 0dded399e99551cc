// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container's sysinfo(2) view: uptime since container start, task count
 * of its cgroup, memory and swap bounded by the cgroup v2 limits. gather()
 * reads the host and the cgroup directory (read-only, the supervisor's own
 * privileges, never a path chosen by the task); compute() is pure.
 */
#define LOG_PREFIX "sysinfo: "
#include "sysinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* Smallest power-of-two unit that makes max fit an unsigned long (1 on 64-bit). */
static unsigned int pick_mem_unit(uint64_t max)
{
	unsigned int unit = 1;

#if ULONG_MAX < UINT64_MAX
	while (max / unit > ULONG_MAX)
		unit <<= 1;
#endif
	(void)max;
	return unit;
}

/* Bytes of a host sysinfo field given in units of mem_unit. */
static uint64_t host_bytes(const struct sysinfo *h, unsigned long v)
{
	return mul_sat(v, h->mem_unit ? h->mem_unit : 1);
}

/* limit - min(used, limit) under a cgroup limit, else the host's free value. */
static uint64_t free_bytes(uint64_t total, int limited, uint64_t used, uint64_t host_free)
{
	if (limited)
		return total - MIN(used, total);
	return MIN(host_free, total);
}

void emu_sysinfo_compute(const struct emu_sysinfo_input *in, struct sysinfo *out)
{
	const struct sysinfo *h = &in->host;
	int mem_limited = in->has_cgroup_mem && in->mem_max != UINT64_MAX;
	int swap_limited = in->has_cgroup_mem && in->swap_max != UINT64_MAX;
	uint64_t total = MIN(host_bytes(h, h->totalram), mem_limited ? in->mem_max : UINT64_MAX);
	uint64_t tswap = MIN(host_bytes(h, h->totalswap), swap_limited ? in->swap_max : UINT64_MAX);
	uint64_t fram = free_bytes(total, mem_limited, in->mem_current, host_bytes(h, h->freeram));
	uint64_t fswap =
		free_bytes(tswap, swap_limited, in->swap_current, host_bytes(h, h->freeswap));
	unsigned int unit = pick_mem_unit(MAX(total, tswap));

	memset(out, 0, sizeof(*out));
	out->uptime = (long)(in->uptime_ns / 1000000000ULL);
	memcpy(out->loads, h->loads, sizeof(out->loads));
	out->totalram = total / unit;
	out->freeram = fram / unit;
	/* Under a limit the charge includes the container's own cache and shared
	 * memory (as /proc/meminfo's view shows, with no cache apart). */
	out->sharedram = mem_limited ? 0 : MIN(host_bytes(h, h->sharedram), total) / unit;
	out->bufferram = mem_limited ? 0 : MIN(host_bytes(h, h->bufferram), total) / unit;
	out->totalswap = tswap / unit;
	out->freeswap = fswap / unit;
	out->procs = in->nprocs > USHRT_MAX ? USHRT_MAX : in->nprocs;
	out->totalhigh = 0;
	out->freehigh = 0;
	out->mem_unit = unit;
}

/*
 * Read one cgroup number; a missing file (controller off) gives def. A file
 * found missing once is not looked for again (absent, bit `file`): the
 * controllers a leaf has are fixed when it is created, and each failed
 * openat on cgroupfs cost the emulated sysinfo(2) ~2 us.
 */
static int read_cg_u64(int cgroup_fd, enum emu_cg_file file, uint64_t def, uint64_t *ret,
		       atomic_uint *absent)
{
	static const char *const names[] = {
		[EMU_CG_MEMORY_MAX] = "memory.max", [EMU_CG_MEMORY_CURRENT] = "memory.current",
		[EMU_CG_SWAP_MAX] = "memory.swap.max", [EMU_CG_SWAP_CURRENT] = "memory.swap.current",
		[EMU_CG_PIDS_CURRENT] = "pids.current",
	};
	unsigned long long v;
	int r = absent && (atomic_load(absent) & (1u << file)) ? -ENOENT :
		read_u64_at(cgroup_fd, names[file], &v);

	if (r < 0) {
		if (r == -ENOENT && absent)
			atomic_fetch_or(absent, 1u << file);
		else if (r != -ENOENT)
			pr_debug("%s: %s", names[file], strerror(-r));
		*ret = def;
		return r;
	}
	*ret = v;
	return 0;
}

static uint32_t count_lines(const char *s)
{
	uint32_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * Tasks (threads, as Linux's procs counts) in the container. pids.current is
 * hierarchical, so it also counts tasks in child cgroups the container made;
 * cgroup.threads (own cgroup only) is the fallback when the pids controller
 * is off. Never 0: the caller itself is a task of the container.
 */
static uint32_t count_tasks(int cgroup_fd, atomic_uint *absent)
{
	_cleanup_free_ char *buf = NULL;
	uint64_t v;
	uint32_t n = 0;

	if (read_cg_u64(cgroup_fd, EMU_CG_PIDS_CURRENT, 0, &v, absent) == 0)
		n = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	else if (read_file_at(cgroup_fd, "cgroup.threads", &buf) >= 0)
		n = count_lines(buf);
	return MAX(n, 1u);
}

static void gather_cgroup(int cgroup_fd, struct emu_sysinfo_input *in, atomic_uint *absent)
{
	int r1 = read_cg_u64(cgroup_fd, EMU_CG_MEMORY_MAX, UINT64_MAX, &in->mem_max, absent);
	int r2 = r1 < 0 ? r1 : read_cg_u64(cgroup_fd, EMU_CG_MEMORY_CURRENT, 0, &in->mem_current,
					     absent);

	in->has_cgroup_mem = r1 == 0 && r2 == 0;
	if (!in->has_cgroup_mem) {
		in->mem_max = UINT64_MAX;
		in->mem_current = 0;
	}
	/* Swap files are absent when swap accounting is off: no swap limit then. */
	if (read_cg_u64(cgroup_fd, EMU_CG_SWAP_MAX, UINT64_MAX, &in->swap_max, absent) < 0 ||
	    read_cg_u64(cgroup_fd, EMU_CG_SWAP_CURRENT, 0, &in->swap_current, absent) < 0) {
		in->swap_max = UINT64_MAX;
		in->swap_current = 0;
	}
	in->nprocs = count_tasks(cgroup_fd, absent);
}

int emu_sysinfo_gather(int cgroup_fd, uint64_t start_ns, struct emu_sysinfo_input *in)
{
	return emu_sysinfo_gather_cached(cgroup_fd, NULL, start_ns, in);
}

int emu_sysinfo_gather_cached(int cgroup_fd, atomic_uint *absent, uint64_t start_ns,
			      struct emu_sysinfo_input *in)
{
	uint64_t now = now_mono_ns();

	memset(in, 0, sizeof(*in));
	if (sysinfo(&in->host) < 0)
		return -errno;
	in->uptime_ns = now > start_ns ? now - start_ns : 0;
	in->mem_max = UINT64_MAX;
	in->swap_max = UINT64_MAX;
	in->nprocs = 1;
	if (cgroup_fd >= 0)
		gather_cgroup(cgroup_fd, in, absent);
	return 0;
}

/* Resident bytes of the processes in the cgroup (threads share their process's). */
static uint64_t resident_bytes(int cgroup_fd, int proc_fd)
{
	_cleanup_free_ char *pids = NULL;
	uint64_t total = 0, page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (cgroup_fd < 0 || read_file_at(cgroup_fd, "cgroup.procs", &pids) < 0)
		return 0;
	for (char *p = pids, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);
		char path[64];
		_cleanup_free_ char *statm = NULL;

		if (end == p)
			break;
		snprintf(path, sizeof(path), "%ld/statm", pid);
		if (pid > 0 && read_file_at(proc_fd, path, &statm) >= 0) {
			char *rss = strchr(statm, ' ');
			total += rss ? strtoull(rss + 1, NULL, 10) * page : 0;
		}
	}
	return total;
}

void emu_sysinfo_apply_limit(struct emu_sysinfo_input *in, int cgroup_fd, int proc_fd,
			     uint64_t limit)
{
	if (limit == UINT64_MAX)
		return;
	if (!in->has_cgroup_mem) {
		in->has_cgroup_mem = 1;
		in->mem_max = limit;
		in->mem_current = resident_bytes(cgroup_fd, proc_fd);
		return;
	}
	in->mem_max = MIN(in->mem_max, limit);
}
