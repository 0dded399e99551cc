// SPDX-License-Identifier: GPL-2.0-only
/* Per-thread credential switching for file handlers (see cred.h). */
#include "cred.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "task.h"

/* The supervisor's own: root, every capability, its usual umask. */
static const struct emu_task_cred supervisor = { .cap_eff = ~0ULL, .umask = 022 };

static int set_caps(uint64_t eff)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	d[0].effective = (uint32_t)eff & d[0].permitted;
	d[1].effective = (uint32_t)(eff >> 32) & d[1].permitted;
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

static bool same_groups(const struct emu_task_cred *a, const struct emu_task_cred *b)
{
	return a->ngroups == b->ngroups &&
	       !memcmp(a->groups, b->groups, sizeof(gid_t) * (size_t)a->ngroups);
}

/* Move the thread from cur to want, touching only what differs. Raw
 * syscalls: glibc would broadcast setgroups/setfsuid to every thread. */
static int apply(const struct emu_task_cred *cur, const struct emu_task_cred *want)
{
	bool ids = cur->fsuid != want->fsuid || cur->fsgid != want->fsgid || !same_groups(cur, want);
	int r;
	/* CAP_SETUID/SETGID first: the current set may lack them. */
	if (ids && (r = set_caps(~0ULL)) < 0)
		return r;
	if (cur->fsgid != want->fsgid) {
		syscall(SYS_setfsgid, want->fsgid); /* reports the old value, not errors */
		if ((gid_t)syscall(SYS_setfsgid, -1) != want->fsgid)
			return -EPERM;
	}
	if (!same_groups(cur, want) && syscall(SYS_setgroups, want->ngroups, want->groups) < 0)
		return -errno;
	if (cur->fsuid != want->fsuid) {
		syscall(SYS_setfsuid, want->fsuid);
		if ((uid_t)syscall(SYS_setfsuid, -1) != want->fsuid)
			return -EPERM;
	}
	if (cur->umask != want->umask)
		umask(want->umask);
	/* Last: a change of fsuid also changes the effective fs capabilities. */
	if (ids || cur->cap_eff != want->cap_eff)
		return set_caps(want->cap_eff);
	return 0;
}

static int switch_to(struct emu_cred_state *s, const struct emu_task_cred *want)
{
	const struct emu_task_cred *cur = s->adopted ? &s->cur : &supervisor;
	int r = apply(cur, want);
	if (r < 0) {
		/* Unknown state: force everything back to the supervisor's. */
		struct emu_task_cred unknown = { .fsuid = (uid_t)-1, .fsgid = (gid_t)-1,
						 .ngroups = -1, .umask = 0777 };
		if (apply(&unknown, &supervisor) < 0)
			pr_err("cannot restore the supervisor's credentials");
		s->adopted = false;
	}
	return r;
}

int emu_cred_adopt(struct emu_cred_state *s, struct emu_kernel *k, struct emu_call *c)
{
	struct emu_task_cred t;
	int r = emu_task_cred(k, c, &t);
	if (r == 0 && t.ngroups < 0)
		r = -E2BIG;
	if (r == 0)
		r = switch_to(s, &t);
	if (r < 0) {
		pr_warn("cannot take the credentials of task %d: %s", c->pid, strerror(-r));
		return r;
	}
	s->cur = t;
	s->adopted = true;
	return 0;
}

void emu_cred_restore(struct emu_cred_state *s)
{
	if (s->adopted && switch_to(s, &supervisor) == 0)
		s->adopted = false;
}

bool emu_cred_suspend(struct emu_cred_state *s)
{
	bool was = s->adopted;
	emu_cred_restore(s);
	return was;
}

int emu_cred_resume(struct emu_cred_state *s, bool was)
{
	if (!was)
		return 0;
	int r = switch_to(s, &s->cur);
	if (r == 0)
		s->adopted = true;
	return r;
}
