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
#include <fcntl.h>
#include <stdbool.h>
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

/* Opens that can change nothing: write access, create, truncate, O_TMPFILE. */
#define OPEN_WRITE_FLAGS ((uint32_t)(O_ACCMODE | O_CREAT | O_TRUNC | (O_TMPFILE & ~O_DIRECTORY)))
#define RO_COND(a) { .arg = (a), .op = EMU_CMP_MASKED_EQ, .mask = OPEN_WRITE_FLAGS, .value = 0 }
static const struct emu_arg_cond ro_open_cond[6] = {
	RO_COND(0), RO_COND(1), RO_COND(2), RO_COND(3), RO_COND(4), RO_COND(5),
};

#define NULL_COND(a) { .arg = (a), .op = EMU_CMP_NULL }
static const struct emu_arg_cond null_addr_cond[6] = {
	NULL_COND(0), NULL_COND(1), NULL_COND(2), NULL_COND(3), NULL_COND(4), NULL_COND(5),
};

/*
 * A syscall of an area the policy routes to kernel-emu leaves the native
 * road. When every path grants r, read-only opens stay native, and so does
 * sendto() without an address (a send on a connected socket): the flags and
 * the pointer are registers, so the filter's check of them cannot be raced.
 */
static bool area_route(const struct emu_syscall_policy *p, const struct emu_syscall_desc *d,
		       struct emu_road_decision *out)
{
	if (!p || !(d->area & p->areas) || !d->handler)
		return false;
	decide(out, EMU_ROAD_EMULATED, 0, "object policy enforced by kernel-emu");
	if (d->ro_arg && d->ro_arg <= 6 && p->files_read_all) {
		out->ncond = 1;
		out->cond = &ro_open_cond[d->ro_arg - 1];
	} else if (d->null_arg && d->null_arg <= 6) {
		out->ncond = 1;
		out->cond = &null_addr_cond[d->null_arg - 1];
	}
	return true;
}

/* process.ptrace / process.mount "allow" reopen their denied syscalls. */
static bool process_allow(const struct emu_syscall_policy *p, const struct emu_syscall_desc *d)
{
	return p && (((d->flags & EMU_SF_PTRACE) && p->ptrace) ||
		     ((d->flags & EMU_SF_MOUNT) && p->mount));
}

/*
 * Returns 0, -ENOENT (unassigned/out of range: DENIED with ENOSYS), -EPERM
 * (allow on a LOCKED syscall: the table's road stands) or -EINVAL (an override
 * value that is not an enum emu_override: DENIED with EPERM, fail closed).
 * Precedence: a syscalls "deny" wins; then an object area routed to
 * kernel-emu (a syscalls "allow" cannot switch object checks off); then a
 * syscalls "allow"; then the process section; then the table.
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
		if (!area_route(p, d, out) && process_allow(p, d))
			decide(out, EMU_ROAD_NATIVE, 0, "allowed by the policy's process section");
		return 0;
	case EMU_OVR_DENY:
		decide(out, EMU_ROAD_DENIED, EPERM, "denied by policy");
		return 0;
	case EMU_OVR_ALLOW:
		if (d->flags & EMU_SF_LOCKED)
			return -EPERM;
		if (area_route(p, d, out))
			return 0;
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
