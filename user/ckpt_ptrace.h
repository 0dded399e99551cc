/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Driving a stopped task from outside, for checkpoint and restore: seize and
 * interrupt, registers, and syscalls injected into the task (CRIU's
 * "compel" idea without a parasite blob: the task executes one `syscall`
 * instruction of its own vDSO with registers we chose, between two ptrace
 * syscall stops). Injected syscalls pass the task's seccomp filter like any
 * other, so a restored task can do nothing its filter would not let it do.
 */
#pragma once
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "error.h"

struct ck_task {
	pid_t tid;		     /* host tid */
	uint64_t syscall_insn;	     /* address of a `syscall` instruction in its vDSO */
	struct user_regs_struct regs; /* as it stopped (restored by ck_task_release) */
	int memfd;		     /* /proc/TID/mem */
	uint64_t new_child;	     /* host pid a clone/fork reported (PTRACE_GETEVENTMSG) */
	int pending_sig;	     /* a signal that arrived meanwhile, re-sent on detach */
};

/* PTRACE_SEIZE with options, then PTRACE_INTERRUPT; ck_task_wait_stop() waits. */
int ck_task_seize(pid_t tid, unsigned long options, struct hy_err *err);
int ck_task_wait_stop(pid_t tid, struct hy_err *err);
/* After the stop: registers, /proc/TID/mem, the vDSO's syscall instruction. */
int ck_task_open(struct ck_task *t, pid_t tid, struct hy_err *err);
void ck_task_close(struct ck_task *t);
/* Run syscall nr(a0..a5) in the task; *ret gets its return value (-errno or
 * the result). Returns 0 when the task ran it, -errno when the task could
 * not be driven (then err says why). */
int ck_task_syscall(struct ck_task *t, long *ret, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3, uint64_t a4, uint64_t a5, struct hy_err *err);
/* Read or write task memory (FOLL_FORCE: any mapping, any protection). */
int ck_task_read(struct ck_task *t, uint64_t addr, void *buf, size_t len, struct hy_err *err);
int ck_task_write(struct ck_task *t, uint64_t addr, const void *buf, size_t len,
		  struct hy_err *err);
/* Find the vDSO and a `syscall` instruction in it (after a move too). */
int ck_task_find_syscall(struct ck_task *t, struct hy_err *err);
/* The thread's rseq registration (PTRACE_GET_RSEQ_CONFIGURATION): 1 with
 * addr, len, sig filled, 0 when it has none (or the kernel cannot say). */
int ck_task_rseq(pid_t tid, uint64_t *addr, uint32_t *len, uint32_t *sig);
/* Put the saved registers back and detach (re-sending a signal that came). */
int ck_task_release(struct ck_task *t);
