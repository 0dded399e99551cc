// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulation kernel object: per-container state that emulated syscalls
 * act on. Runs in the supervisor. Lock order: see kernel.h.
 */
#include "kernel.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"
#include "version.h"

struct emu_kernel *emu_kernel_new(const struct emu_kernel_config *cfg)
{
	struct emu_kernel *k = xcalloc(1, sizeof(*k));
	pthread_mutex_init(&k->lock, NULL);
	strscpy(k->id, cfg->container_id, sizeof(k->id));
	k->cgid = cfg->cgid;
	k->start_ns = now_mono_ns();
	k->cgroup_fd = cfg->cgroup_fd >= 0 ? dup(cfg->cgroup_fd) : -1;
	k->policy = cfg->policy;
	k->mem_limit = cfg->mem_limit ? cfg->mem_limit : UINT64_MAX;
	if (cfg->cpus)
		k->cpus = *cfg->cpus;
	else if (sched_getaffinity(0, sizeof(k->cpus), &k->cpus) < 0)
		CPU_ZERO(&k->cpus);
	if (cfg->obj) {
		k->obj_copy = *cfg->obj;
		k->obj = &k->obj_copy;
	}
	k->mnt_ns_fd = -1;
	k->root_fd = -1;
	k->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	k->emit = cfg->emit;
	k->emit_ctx = cfg->emit_ctx;
	k->emit_active = cfg->emit_active;
	k->count = cfg->count;
	k->listener = -1;
	k->uts_ns_fd = -1;
	emu_uts_init(&k->uts, cfg->hostname, cfg->domainname);
	k->is_uts_shared = cfg->is_uts_shared;
	k->is_userns = cfg->is_userns;
	emu_syslog_init(&k->syslog, k->start_ns);
	emu_taskset_init(&k->tasks, sysconf(_SC_CLK_TCK));
	emu_ratelimit_init(&k->denial_rl, 100, 1000, k->start_ns);

	uname(&k->host_uts);
	emu_kernel_log(k, 5, "Linux version %s (hybox kernel-emu %s) %s", k->host_uts.release,
		       HYBOX_VERSION, k->host_uts.version);
	emu_kernel_log(k, 6, "hybox: container %s booted", k->id);
	return k;
}

void emu_kernel_free(struct emu_kernel *k)
{
	if (k->running)
		emu_kernel_stop(k);
	emu_viewfs_stop(k);
	if (k->cgroup_fd >= 0)
		close(k->cgroup_fd);
	if (k->proc_fd >= 0)
		close(k->proc_fd);
	if (k->root_fd >= 0)
		close(k->root_fd);
	if (k->uts_ns_fd >= 0) /* left open when the thread never started */
		close(k->uts_ns_fd);
	if (k->mnt_ns_fd >= 0)
		close(k->mnt_ns_fd);
	emu_taskset_fini(&k->tasks);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

void emu_kernel_log(struct emu_kernel *k, int level, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&k->lock);
	emu_syslog_append(&k->syslog, now_mono_ns(), level, text);
	pthread_mutex_unlock(&k->lock);
}

void emu_emit(struct emu_kernel *k, const struct hy_evt_hdr *ev)
{
	if (k->emit)
		k->emit(k->emit_ctx, ev);
}
