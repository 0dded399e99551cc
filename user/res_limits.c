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

static int write_limit(int dirfd, const char *file, const char *value, const char *option,
		       const char *controller, struct hy_err *err)
{
	int r = write_file_at(dirfd, file, value);

	if (r == -ENOENT) {
		fprintf(stderr, "hybox: warning: %s is not enforced: the cgroup v2 %s controller "
				"is not available to hybox on this host (see 'hybox features'); "
				"the container's /proc views still show the limit\n",
			option, controller);
		return 0;
	}
	if (r < 0)
		return hy_err_setr(err, r, "set %s to '%s' for %s", file, value, option);
	return 0;
}

int hy_limits_apply(int cgroup_dirfd, uint64_t memory, uint32_t cpus_milli, struct hy_err *err)
{
	char buf[64];
	int r = 0;

	if (memory) {
		snprintf(buf, sizeof(buf), "%" PRIu64, memory);
		r = write_limit(cgroup_dirfd, "memory.max", buf, "--memory", "memory", err);
	}
	if (r == 0 && cpus_milli) {
		hy_limits_cpu_max(cpus_milli, buf, sizeof(buf));
		r = write_limit(cgroup_dirfd, "cpu.max", buf, "--cpus", "cpu", err);
	}
	return r;
}
