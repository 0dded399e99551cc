// SPDX-License-Identifier: GPL-2.0-only
/*
 * Road resolution: the syscall table's default road combined with one
 * container's policy overrides. This is the only place that decides what an
 * "allow" or "deny" in the policy does to a syscall, so the seccomp filter
 * builder and the notify loop cannot disagree about it.
 *
 * Pure functions over caller-owned data: no state, no privilege, no I/O.
 * Fails closed: anything it does not recognise ends up DENIED.
 *
 * Audit mode (p->audit) deliberately does not change the road: a denied call
 * still resolves to DENIED here. The filter builder turns denials into
 * notifications in audit mode, and the notify handler logs and lets the call
 * through; keeping that out of this file means the road is always the one
 * enforce mode would take, which is what the audit log must report.
 */
#include <errno.h>
#include <stddef.h>

#include "emu.h"

static void decision_from_table(const struct emu_syscall_desc *d, struct emu_road_decision *out)
{
	*out = (struct emu_road_decision){
		.road = d->road,
		.ncond = d->road == EMU_ROAD_NATIVE ? d->ncond : 0,
		.err = d->err,
		.cond = d->road == EMU_ROAD_NATIVE && d->ncond ? d->cond : NULL,
		.reason = d->reason,
	};
}

static void decide(struct emu_road_decision *out, enum emu_road road, int err, const char *reason)
{
	*out = (struct emu_road_decision){ .road = road, .err = err, .reason = reason };
}

/*
 * Returns 0, -ENOENT (unassigned/out of range: DENIED with ENOSYS), -EPERM
 * (allow on a LOCKED syscall: the table's road stands) or -EINVAL (an override
 * value that is not an enum emu_override: DENIED with EPERM, fail closed).
 */
int emu_road_resolve(const struct emu_syscall_policy *p, int nr, struct emu_road_decision *out)
{
	const struct emu_syscall_desc *d = emu_syscall(nr);
	uint8_t o;

	if (!d || !d->name) {
		decide(out, EMU_ROAD_DENIED, ENOSYS, "not an x86_64 syscall");
		return -ENOENT;
	}
	decision_from_table(d, out);
	o = p ? p->override[nr] : EMU_OVR_NONE;
	switch (o) {
	case EMU_OVR_NONE:
		return 0;
	case EMU_OVR_DENY:
		decide(out, EMU_ROAD_DENIED, EPERM, "denied by policy");
		return 0;
	case EMU_OVR_ALLOW:
		if (d->flags & EMU_SF_LOCKED)
			return -EPERM;
		/* Also drops the table's arg conds and turns EMULATED into NATIVE. */
		decide(out, EMU_ROAD_NATIVE, 0, "allowed by policy");
		return 0;
	default:
		decide(out, EMU_ROAD_DENIED, EPERM, "invalid policy override");
		return -EINVAL;
	}
}

/* -EINVAL for a NULL policy or an out-of-range o, beyond what emu.h lists. */
int emu_syscall_policy_set(struct emu_syscall_policy *p, const char *name, enum emu_override o)
{
	int nr;

	if (!p || (o != EMU_OVR_NONE && o != EMU_OVR_ALLOW && o != EMU_OVR_DENY))
		return -EINVAL;
	nr = emu_syscall_by_name(name);
	if (nr < 0)
		return nr;
	if (o == EMU_OVR_ALLOW && (emu_syscall(nr)->flags & EMU_SF_LOCKED))
		return -EPERM;
	p->override[nr] = o;
	return 0;
}
