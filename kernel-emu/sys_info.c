// SPDX-License-Identifier: GPL-2.0-only
/*
 * Handlers for sysinfo(2) and syslog(2): the container's view of memory,
 * uptime and task count, and its own kernel log (not the host's: no
 * CAP_SYSLOG check, the log holds only what kernel-emu wrote for this
 * container). Task memory is touched only outside k->lock.
 */
#include <errno.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "kernel.h"
#include "sys.h"
#include "sysinfo.h"
#include "util.h"

int emu_kernel_sysinfo_input(struct emu_kernel *k, struct emu_sysinfo_input *in)
{
	/* cgroup_fd, start_ns and mem_limit are fixed for the kernel's life: no lock needed. */
	int r = emu_sysinfo_gather_cached(k->cgroup_fd, &k->cg_absent, k->start_ns, in);

	if (r == 0)
		emu_sysinfo_apply_limit(in, k->cgroup_fd, k->proc_fd, k->mem_limit);
	return r;
}

long emu_sys_sysinfo(struct emu_kernel *k, struct emu_call *c)
{
	struct emu_sysinfo_input in;
	struct sysinfo out;
	int r = emu_kernel_sysinfo_input(k, &in);

	if (r < 0)
		return r;
	emu_sysinfo_compute(&in, &out);
	/* The container's load averages where viewfs samples them (the host's
	 * otherwise). sysinfo's are 16-bit fixed point, the kernel's 11-bit. */
	pthread_mutex_lock(&k->lock);
	if (k->views)
		for (int i = 0; i < 3; i++)
			out.loads[i] = (unsigned long)(k->load.avenrun[i] << (SI_LOAD_SHIFT - 11));
	pthread_mutex_unlock(&k->lock);
	if (emu_call_write(c, c->args[0], &out, sizeof(out)) < 0)
		return -EFAULT;
	return 0;
}

enum { SYSLOG_READ = 2, SYSLOG_READ_ALL = 3, SYSLOG_READ_CLEAR = 4 };

static bool is_read_action(int type)
{
	return type == SYSLOG_READ || type == SYSLOG_READ_ALL || type == SYSLOG_READ_CLEAR;
}

/*
 * A destructive READ whose copy-out faulted: give the bytes back unless
 * another reader moved on meanwhile (Linux loses them; we need not).
 */
static void unread(struct emu_kernel *k, size_t saved, long n)
{
	pthread_mutex_lock(&k->lock);
	if (k->syslog.read_pos == saved + (size_t)n)
		k->syslog.read_pos = MAX(saved, k->syslog.start);
	pthread_mutex_unlock(&k->lock);
}

static long syslog_read(struct emu_kernel *k, struct emu_call *c, int type, int len)
{
	uint64_t ubuf = c->args[1];
	size_t n, saved;
	long r;

	if (!ubuf || len < 0)
		return -EINVAL;
	if (len == 0)
		return 0;
	n = MIN((size_t)len, (size_t)EMU_SYSLOG_SIZE);
	_cleanup_free_ char *out = xmalloc(n);

	pthread_mutex_lock(&k->lock);
	saved = k->syslog.read_pos;
	r = emu_syslog_action(&k->syslog, type, out, n);
	pthread_mutex_unlock(&k->lock);
	if (r > 0 && emu_call_write(c, ubuf, out, (size_t)r) < 0) {
		if (type == SYSLOG_READ)
			unread(k, saved, r);
		return -EFAULT;
	}
	return r;
}

long emu_sys_syslog(struct emu_kernel *k, struct emu_call *c)
{
	int type = (int)c->args[0];
	int len = (int)c->args[2];
	long r;

	if (is_read_action(type))
		return syslog_read(k, c, type, len);
	/* Non-read actions use len only as CONSOLE_LEVEL's level; negative is invalid. */
	pthread_mutex_lock(&k->lock);
	r = emu_syslog_action(&k->syslog, type, NULL, len < 0 ? 0 : (size_t)len);
	pthread_mutex_unlock(&k->lock);
	return r;
}
