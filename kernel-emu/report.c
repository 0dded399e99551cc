// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reporting decisions: the container's syslog line, the shared rate limit
 * (denied, audited and unimplemented calls: 100/s, burst 1000) and the
 * events, for syscall-level decisions (notify.c) and object-policy decisions
 * (the area handlers). What is reported about a task comes from /proc and is
 * never trusted for a decision.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel.h"
#include "task.h"
#include "util.h"

void emu_read_task(struct emu_kernel *k, pid_t tid, struct hy_evt_task *t)
{
	char path[32], buf[512];
	snprintf(path, sizeof(path), "%d/status", tid);
	t->tid = tid;
	t->pid = tid;
	int fd = openat(k->proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* "Name:\t<comm>\n" comes first; comm may hold any byte but '\n' is escaped by the kernel. */
	char *name = strncmp(buf, "Name:\t", 6) == 0 ? buf + 6 : NULL;
	char *eol = name ? strchr(name, '\n') : NULL;
	if (eol)
		memcpy(t->comm, name, MIN((size_t)(eol - name), sizeof(t->comm) - 1));
	char *tg = strstr(buf, "\nTgid:");
	if (tg)
		t->pid = (uint32_t)strtoul(tg + 6, NULL, 10);
}

bool emu_denial_admit(struct emu_kernel *k, const char *line, uint64_t *suppressed)
{
	pthread_mutex_lock(&k->lock);
	uint64_t now = now_mono_ns();
	bool ok = emu_ratelimit_allow(&k->denial_rl, now);
	*suppressed = ok ? emu_ratelimit_take_suppressed(&k->denial_rl) : 0;
	if (ok)
		emu_syslog_append(&k->syslog, now, 4, line);
	pthread_mutex_unlock(&k->lock);
	return ok;
}

void emu_emit_suppressed(struct emu_kernel *k, uint64_t count, uint32_t kind)
{
	struct hy_evt_suppressed ev = {
		.hdr = { .type = HY_EVT_SUPPRESSED, .size = sizeof(ev), .ts_ns = now_mono_ns(),
			 .cgid = k->cgid },
		.count = count,
		.kind = kind,
	};
	emu_emit(k, &ev.hdr);
}

static const char *const area_name[] = {
	[HY_AREA_FILES] = "files", [HY_AREA_EXEC] = "exec",
	[HY_AREA_NET] = "network", [HY_AREA_PROCESS] = "process",
};

bool emu_policy_deny(struct emu_kernel *k, struct emu_call *c, struct hy_evt_policy *ev)
{
	bool audit = k->policy && k->policy->audit;
	const char *area = ev->area < ARRAY_SIZE(area_name) && area_name[ev->area] ?
				   area_name[ev->area] : "?";
	char line[HY_PATH_LEN + 96];
	uint64_t lost;

	ev->path[sizeof(ev->path) - 1] = '\0';
	snprintf(line, sizeof(line), "hybox: %s %s policy, %s by pid %d: %s",
		 audit ? "audit:" : "denied by", area, emu_syscall_name(c->nr) ?: "?", c->pid,
		 ev->path);
	if (emu_denial_admit(k, line, &lost) && k->emit) {
		if (lost)
			emu_emit_suppressed(k, lost, HY_EVT_POLICY);
		ev->hdr = (struct hy_evt_hdr){ .type = HY_EVT_POLICY, .size = sizeof(*ev),
					       .ts_ns = now_mono_ns(), .cgid = k->cgid };
		ev->decision = audit ? HY_DECISION_AUDIT : HY_DECISION_DENY;
		ev->road = HY_ROAD_ID_EMULATED;
		if (audit)
			ev->ret = 0;
		emu_read_task(k, c->pid, &ev->task);
		emu_emit(k, &ev->hdr);
	}
	return !audit;
}
