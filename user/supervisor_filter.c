// SPDX-License-Identifier: GPL-2.0-only
/*
 * Install the supervisor's own seccomp filter (the rules and why:
 * supervisor_rules.c). The program was compiled from those rules at build
 * time (tools/gen_supervisor_filter.c), so confining costs one seccomp(2)
 * call, not a libseccomp compile; check_supervisor_filter compares it with
 * a fresh compile.
 */
#include "supervisor_filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gen/supervisor_filter_bpf.h"
#include "util.h"

const struct sock_filter *hy_supervisor_filter_program(size_t *len)
{
	*len = ARRAY_SIZE(hy_supervisor_bpf);
	return hy_supervisor_bpf;
}

int hy_supervisor_confine(struct hy_err *err)
{
	struct sock_fprog prog = { .len = ARRAY_SIZE(hy_supervisor_bpf),
				   .filter = (struct sock_filter *)hy_supervisor_bpf };

	/* As libseccomp's seccomp_load() does by default. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return hy_err_setr(err, -errno, "set no_new_privs for the supervisor's filter");
	/* Every thread at once (TSYNC): > 0 names a thread that could not take it. */
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (r > 0)
		return hy_err_set(err, -EBUSY, "install the supervisor's own seccomp filter: thread "
					       "%ld could not take it", r);
	return r < 0 ? hy_err_setr(err, -errno, "install the supervisor's own seccomp filter") : 0;
}
