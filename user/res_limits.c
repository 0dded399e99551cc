// SPDX-License-Identifier: GPL-2.0-only
/* Container resource limits through cgroup v2 (res_limits.h). */
#include "res_limits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void hy_limits_pick_cpus(uint32_t milli, const cpu_set_t *ours, cpu_set_t *out)
{
	int want = (int)((milli + 999) / 1000);

	CPU_ZERO(out);
	for (int i = 0; i < CPU_SETSIZE && CPU_COUNT(out) < want; i++)
		if (CPU_ISSET(i, ours))
			CPU_SET(i, out);
}

int hy_limits_cpus(uint32_t milli, const cpu_set_t *cpuset, const cpu_set_t *ours,
		   cpu_set_t *out)
{
	cpu_set_t allowed = *ours;

	if (cpuset)
		CPU_AND(&allowed, cpuset, ours);
	if (milli)
		hy_limits_pick_cpus(milli, &allowed, out);
	else
		*out = allowed;
	return CPU_COUNT(out) ? 0 : -ENOENT;
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

/* One limit: its cgroup file, the option that set it, its controller, what
 * still holds where it is not enforced (kernel-emu's /proc views show it,
 * init is pinned) or NULL, and why the kernel may refuse a value hybox has
 * checked (EINVAL, ERANGE) or NULL. */
struct limit {
	const char *file, *option, *controller;
	const char *still, *refused;
};

#define IN_VIEWS "the container's /proc views still show the limit"

static int write_limit(int dirfd, const struct limit *l, const char *value, struct hy_err *err)
{
	int r = write_file_at(dirfd, l->file, value);

	if (r == -ENOENT) {
		fprintf(stderr, "hybox: warning: %s is not enforced: the cgroup v2 %s controller "
				"is not available to hybox on this host (see 'hybox features')%s%s\n",
			l->option, l->controller, l->still ? "; " : "", l->still ? l->still : "");
		return 0;
	}
	if ((r == -EINVAL || r == -ERANGE) && l->refused)
		return hy_err_set(err, r, "%s \"%s\": the kernel refused it as %s (%s): %s",
				  l->option, value, l->file, strerror(-r), l->refused);
	if (r < 0)
		return hy_err_setr(err, r, "set %s to '%s' for %s", l->file, value, l->option);
	return 0;
}

/* OCI's cpu.cpus and cpu.mems, written before any task is in the leaf. */
static int write_cpuset(int dirfd, const struct hy_limits *l, struct hy_err *err)
{
	static const struct limit cpus = { "cpuset.cpus", "linux.resources.cpu.cpus", "cpuset",
					   "the container still runs on those CPUs and its "
					   "/proc views show them",
					   "this host has no such CPU, or the parent cgroup's "
					   "cpuset does not allow it" },
				  mems = { "cpuset.mems", "linux.resources.cpu.mems", "cpuset",
					   NULL, "this host has no such memory node, or the "
					   "parent cgroup's cpuset does not allow it" };
	int r = 0;

	if (l->cpuset_cpus)
		r = write_limit(dirfd, &cpus, l->cpuset_cpus, err);
	if (r == 0 && l->cpuset_mems)
		r = write_limit(dirfd, &mems, l->cpuset_mems, err);
	return r;
}

int hy_limits_apply(int cgroup_dirfd, const struct hy_limits *l, struct hy_err *err)
{
	static const struct limit mem = { "memory.max", "--memory", "memory", IN_VIEWS },
				  cpu = { "cpu.max", "--cpus", "cpu", IN_VIEWS },
				  pid = { "pids.max", "linux.resources.pids.limit", "pids" },
				  swap = { "memory.swap.max", "linux.resources.memory.swap", "memory" },
				  weight = { "cpu.weight", "linux.resources.cpu.shares", "cpu" };
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
	return r < 0 ? r : write_cpuset(cgroup_dirfd, l, err);
}
