/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event kinds as sets: the kind names of docs/events.md, the kind of a wire
 * event, `--events-filter kind=A,B` and the policy file's `events` setting as
 * masks, and the rule that decides whether a mask takes an event. Pure
 * functions, no I/O; used by the exporter (telemetry.c), the events socket
 * and the CLI.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/events.h"
#include "error.h"

enum hy_evkind {
	HY_EVK_START,
	HY_EVK_EXIT,
	HY_EVK_SYSCALL_DENIED,
	HY_EVK_SYSCALL_EMULATED,
	HY_EVK_UNIMPLEMENTED,
	HY_EVK_SUPPRESSED,
	HY_EVK_EXEC,
	HY_EVK_FORK,
	HY_EVK_TASK_EXIT,
	HY_EVK_LOST,
	HY_EVK_POLICY,
	HY_EVK_SYSCALL, /* one traced syscall (--trace-syscalls) */
	HY_EVK_CHECKPOINT,
	HY_EVK_RESTORE,
	HY_EVK__COUNT
};

#define HY_EVMASK(k) (1u << (k))
#define HY_EVMASK_ALL ((1u << HY_EVK__COUNT) - 1)
/* Kinds that only the BPF programs make (the trace consumer must run for them). */
#define HY_EVMASK_BPF                                                                              \
	(HY_EVMASK(HY_EVK_EXEC) | HY_EVMASK(HY_EVK_FORK) | HY_EVMASK(HY_EVK_TASK_EXIT) |          \
	 HY_EVMASK(HY_EVK_POLICY) | HY_EVMASK(HY_EVK_SYSCALL))

/* "exec", "syscall_denied", ...: the `kind` field of the JSON line. */
const char *hy_evkind_name(enum hy_evkind k);
/* Kind named s, or -EINVAL. */
int hy_evkind_from_name(const char *s);
/* Kind of a wire event, or -1 for a type this build does not know (or too short). */
int hy_evkind_of(const struct hy_evt_hdr *ev);

/*
 * Does a sink whose mask is `mask` take ev? A kind in the mask is taken.
 * Accounting kinds follow what they account for, so a filtered stream still
 * says when it has a hole: a `suppressed` event is taken when the mask has a
 * kind it stands for (of "syscall": syscall_denied or unimplemented; of
 * "policy": policy); a kernel `lost` event when the mask has any kind the BPF
 * programs make (exec, fork, task_exit, policy, syscall). Unknown types: never.
 */
bool hy_evmask_admits(uint32_t mask, const struct hy_evt_hdr *ev);

/*
 * Parse one `--events-filter` value, "kind=K1,K2,...", into *mask (kinds are
 * OR-ed in: the option may be given more than once). opt names the option in
 * messages. Returns 0, or -EINVAL with err naming the option, the expected
 * form, and for an unknown kind the valid ones.
 */
int hy_evfilter_parse(const char *opt, const char *s, uint32_t *mask, struct hy_err *err);

/* The kinds a policy file's `events` setting lets out (enum hy_policy_events value). */
uint32_t hy_evmask_of_policy(int events_setting);

/* "exec,fork,policy" (or "all", or "none") into buf; returns strlen or -ENOSPC. */
int hy_evmask_format(uint32_t mask, char *buf, size_t cap);

/*
 * A size with an optional binary suffix: "4096", "64K", "10M", "1G" (K = 1024;
 * k/m/g too). Returns 0 or -EINVAL (not a size, no digits, junk after the
 * suffix) / -ERANGE (does not fit in 64 bits).
 */
int hy_size_parse(const char *s, uint64_t *ret);
