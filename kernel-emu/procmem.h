/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Task memory access for emulated syscalls through /proc/TID/mem.
 *
 * A tid can be reused once its thread is gone, so what is opened must be
 * proven to belong to the trapping thread: the thread's /proc/TID directory
 * is opened and the notification id checked AFTER the open
 * (seccomp_unotify(2)); if the id is still valid, the directory is bound to
 * the trapping thread, and a lookup in it fails once that thread is gone.
 * Those directory fds are cached per tid (the open and the check cost several
 * microseconds). The memory fd is NOT cached: it pins the address space it
 * was opened on, and after an execve that address space can live on in
 * another process (a vfork child shares its parent's until it execs), so a
 * cached one could read or write the wrong process. It is opened from the
 * cached directory at the first access of each call and closed when the
 * call ends (emu_procmem_detach). The cache belongs to the notify thread.
 */
#pragma once
#include <sys/types.h>

#include "call.h"

#define EMU_PROCMEM_SLOTS 32

struct emu_procmem_slot {
	pid_t tid;
	int dirfd;
};

struct emu_procmem_cache {
	struct emu_procmem_slot slot[EMU_PROCMEM_SLOTS];
	unsigned next; /* round-robin victim */
	int listener;
	int proc_fd; /* the host's /proc (not owned): thread dirs are opened under it */
};

/* What a call's mem_ctx points to. */
struct emu_procmem {
	struct emu_procmem_cache *cache;
	struct emu_procmem_slot *slot; /* resolved on first access */
	int memfd;                     /* this call's, -1 until the first transfer */
};

extern const struct emu_mem_ops emu_procmem_ops;

void emu_procmem_cache_init(struct emu_procmem_cache *c, int listener, int proc_fd);
void emu_procmem_cache_fini(struct emu_procmem_cache *c);
/* Prepare call to access the memory of call->pid through cache. */
void emu_procmem_attach(struct emu_call *call, struct emu_procmem *pm,
			struct emu_procmem_cache *cache);
/* The call is over: close its memory fd. */
void emu_procmem_detach(struct emu_procmem *pm);
