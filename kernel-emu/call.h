/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct emu_call: one trapped syscall as handlers see it. Scalar arguments
 * come from the seccomp notification; pointer arguments are copied in ONCE
 * with emu_call_read() and the handler acts on its copy (never re-reads task
 * memory). Memory access goes through ops so unit tests can supply a fake
 * address space. Nothing read from the task is trusted: lengths are bounded
 * by the handler before copying.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct emu_call;

struct emu_mem_ops {
	/* Return 0 or -EFAULT (never a short copy). */
	int (*read)(struct emu_call *c, uint64_t addr, void *buf, size_t len);
	int (*write)(struct emu_call *c, uint64_t addr, const void *buf, size_t len);
	/* /proc/TID of the task as an O_PATH dir fd (borrowed), or -errno; may be NULL. */
	int (*dir)(struct emu_call *c);
};

/*
 * Handler results beyond ">= 0 or -errno":
 * EMU_RET_CONTINUE: let the task run the call itself (SECCOMP_USER_NOTIF_FLAG_CONTINUE);
 *   only for decisions made on register arguments, which the task cannot change.
 * EMU_RET_ASYNC: the handler handed the call to a worker that answers the
 *   notification itself (SECCOMP_IOCTL_NOTIF_SEND); the loop sends nothing.
 * EMU_RET_ADDFD: the handler installed the result fd with NOTIF_ADDFD (flag
 *   SEND), which also answered the notification.
 * All are below -4095, so they cannot collide with -errno.
 */
#define EMU_RET_CONTINUE (-4096L)
#define EMU_RET_ASYNC    (-4097L)
#define EMU_RET_ADDFD    (-4098L)

struct emu_cred_state;

struct emu_call {
	uint64_t id;   /* seccomp notification id */
	int nr;
	uint32_t arch;
	pid_t pid;     /* host tid of the trapping thread */
	uint64_t args[6];
	const struct emu_mem_ops *mem;
	void *mem_ctx; /* ops private (real: the /proc/PID/mem fd; tests: a buffer) */
	struct emu_cred_state *cred; /* the serving thread's credentials (cred.h) */
	int listener;  /* the listener it came from, 0: the container's (kernel.h emu_listener) */
};

static inline int emu_call_read(struct emu_call *c, uint64_t addr, void *buf, size_t len)
{
	return c->mem->read(c, addr, buf, len);
}

static inline int emu_call_write(struct emu_call *c, uint64_t addr, const void *buf, size_t len)
{
	return c->mem->write(c, addr, buf, len);
}
