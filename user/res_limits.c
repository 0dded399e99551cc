// SPDX-License-Identifier: GPL-2.0-only
/* Container resource limits through cgroup v2 (res_limits.h). */
#include "res_limits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "util.h"

void hy_limits_pick_cpus(uint32_t milli, const cpu_set_t *ours, cpu_set_t *out)
{
	int want = (int)((milli + 999) / 1000);

	CPU_ZERO(out);
	for (int i = 0; i < CPU_SETSIZE && CPU_COUNT(out) < want; i++)
		if (CPU_ISSET(i, ours))
			CPU_SET(i, out);
}

void hy_limits_cpu_max(uint32_t milli, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64 " %d", (uint64_t)milli * HY_CPU_PERIOD_US / 1000,
		 HY_CPU_PERIOD_US);
}

uint64_t hy_limits_cpu_weight(uint64_t shares)
{
	shares = MIN(MAX(shares, HY_CPU_SHARES_MIN), HY_CPU_SHARES_MAX);
	return 1 + (shares - HY_CPU_SHARES_MIN) * 9999 / (HY_CPU_SHARES_MAX - HY_CPU_SHARES_MIN);
}

/* One limit: its cgroup file, the option that set it, its controller, and
 * whether kernel-emu's /proc views show it even where it is not enforced. */
struct limit {
	const char *file, *option, *controller;
	bool is_in_views;
};

static int write_limit(int dirfd, const struct limit *l, const char *value, struct hy_err *err)
{
	int r = write_file_at(dirfd, l->file, value);

	if (r == -ENOENT) {
		fprintf(stderr, "hybox: warning: %s is not enforced: the cgroup v2 %s controller "
				"is not available to hybox on this host (see 'hybox features')%s\n",
			l->option, l->controller,
			l->is_in_views ? "; the container's /proc views still show the limit" : "");
		return 0;
	}
	if (r < 0)
		return hy_err_setr(err, r, "set %s to '%s' for %s", l->file, value, l->option);
	return 0;
}

int hy_limits_apply(int cgroup_dirfd, const struct hy_limits *l, struct hy_err *err)
{
	static const struct limit mem = { "memory.max", "--memory", "memory", true },
				  cpu = { "cpu.max", "--cpus", "cpu", true },
				  pid = { "pids.max", "linux.resources.pids.limit", "pids", false },
				  swap = { "memory.swap.max", "linux.resources.memory.swap", "memory",
					   false },
				  weight = { "cpu.weight", "linux.resources.cpu.shares", "cpu", false };
	char buf[64];
	int r = 0;

	if (l->memory) {
		snprintf(buf, sizeof(buf), "%" PRIu64, l->memory);
		r = write_limit(cgroup_dirfd, &mem, buf, err);
	}
	if (r == 0 && l->has_swap_max) {
		if (l->swap_max == UINT64_MAX)
			snprintf(buf, sizeof(buf), "max");
		else
			snprintf(buf, sizeof(buf), "%" PRIu64, l->swap_max);
		r = write_limit(cgroup_dirfd, &swap, buf, err);
	}
	if (r == 0 && l->cpus_milli) {
		hy_limits_cpu_max(l->cpus_milli, buf, sizeof(buf));
		r = write_limit(cgroup_dirfd, &cpu, buf, err);
	}
	if (r == 0 && l->pids) {
		snprintf(buf, sizeof(buf), "%" PRIu64, l->pids);
		r = write_limit(cgroup_dirfd, &pid, buf, err);
	}
	if (r == 0 && l->cpu_weight) {
		snprintf(buf, sizeof(buf), "%" PRIu64, l->cpu_weight);
		r = write_limit(cgroup_dirfd, &weight, buf, err);
	}
	return r;
}
