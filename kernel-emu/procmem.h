/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Task memory access for emulated syscalls through /proc/TID/mem.
 *
 * A tid can be reused once its thread is gone, so a memory fd must be proven
 * to belong to the trapping thread. A fresh fd is opened and the notification
 * id is checked AFTER the open (seccomp_unotify(2)): if the id is still valid,
 * the thread was alive, so the fd is its address space. Opening costs several
 * microseconds, so fds are cached per tid together with an fd on the thread's
 * /proc/TID directory: that directory is bound to the thread itself, and a
 * lookup in it fails once the thread is gone, so a cached entry whose
 * directory still answers belongs to the same (live) thread. After an execve
 * the cached fd's old address space reads back 0 bytes; the entry is then
 * reopened. The cache belongs to the notify thread (no locking).
 */
#pragma once
#include <sys/types.h>

#include "call.h"

#define EMU_PROCMEM_SLOTS 32

struct emu_procmem_slot {
	pid_t tid;
	int dirfd;
	int memfd;
};

struct emu_procmem_cache {
	struct emu_procmem_slot slot[EMU_PROCMEM_SLOTS];
	unsigned next; /* round-robin victim */
	int listener;
};

/* What a call's mem_ctx points to. */
struct emu_procmem {
	struct emu_procmem_cache *cache;
	struct emu_procmem_slot *slot; /* resolved on first access */
};

extern const struct emu_mem_ops emu_procmem_ops;

void emu_procmem_cache_init(struct emu_procmem_cache *c, int listener);
void emu_procmem_cache_fini(struct emu_procmem_cache *c);
/* Prepare call to access the memory of call->pid through cache. */
void emu_procmem_attach(struct emu_call *call, struct emu_procmem *pm,
			struct emu_procmem_cache *cache);
