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
};

struct emu_call {
	uint64_t id;   /* seccomp notification id */
	int nr;
	uint32_t arch;
	pid_t pid;     /* host tid of the trapping thread */
	uint64_t args[6];
	const struct emu_mem_ops *mem;
	void *mem_ctx; /* ops private (real: the /proc/PID/mem fd; tests: a buffer) */
};

static inline int emu_call_read(struct emu_call *c, uint64_t addr, void *buf, size_t len)
{
	return c->mem->read(c, addr, buf, len);
}

static inline int emu_call_write(struct emu_call *c, uint64_t addr, const void *buf, size_t len)
{
	return c->mem->write(c, addr, buf, len);
}
