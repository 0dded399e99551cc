/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Task memory access for emulated syscalls through /proc/TID/mem. The file
 * is opened lazily and the notification id is checked AFTER the open
 * (seccomp_unotify(2)): if the id is still valid, the fd refers to the
 * trapping thread's address space, even if the tid is later reused.
 */
#pragma once
#include "call.h"

struct emu_procmem {
	int fd; /* -1 until the first access */
	int listener;
};

extern const struct emu_mem_ops emu_procmem_ops;

/* Prepare c to access the memory of c->pid; c->mem_ctx = pm. */
void emu_procmem_attach(struct emu_call *c, struct emu_procmem *pm, int listener);
void emu_procmem_release(struct emu_procmem *pm);
