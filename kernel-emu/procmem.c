// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/TID/mem access for handlers, with a per-tid fd cache (see
 * procmem.h for why a cached fd is safe to use). Runs in the supervisor
 * (root). Transfers are whole-or-nothing: a short copy is -EFAULT, so
 * handlers never act on half-copied arguments.
 */
#include "procmem.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void slot_close(struct emu_procmem_slot *s)
{
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->tid = 0;
	s->dirfd = -1;
}

void emu_procmem_cache_init(struct emu_procmem_cache *c, int listener, int proc_fd)
{
	c->proc_fd = proc_fd;
	for (unsigned i = 0; i < EMU_PROCMEM_SLOTS; i++)
		c->slot[i] = (struct emu_procmem_slot){ .tid = 0, .dirfd = -1 };
	c->next = 0;
	c->listener = listener;
}

void emu_procmem_cache_fini(struct emu_procmem_cache *c)
{
	for (unsigned i = 0; i < EMU_PROCMEM_SLOTS; i++)
		slot_close(&c->slot[i]);
}

/* Open tid's directory, then prove it is the trapping thread's. */
static int slot_open(struct emu_procmem_cache *c, struct emu_procmem_slot *s, struct emu_call *call)
{
	char path[32];
	slot_close(s);
	snprintf(path, sizeof(path), "%d", call->pid);
	s->dirfd = openat(c->proc_fd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0 || ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &call->id) < 0) {
		slot_close(s);
		return -EFAULT;
	}
	s->tid = call->pid;
	return 0;
}

static struct emu_procmem_slot *resolve(struct emu_procmem *pm, struct emu_call *call)
{
	struct emu_procmem_cache *c = pm->cache;
	if (pm->slot)
		return pm->slot;
	for (unsigned i = 0; i < EMU_PROCMEM_SLOTS; i++)
		if (c->slot[i].tid == call->pid)
			return pm->slot = &c->slot[i];
	struct emu_procmem_slot *s = &c->slot[c->next++ % EMU_PROCMEM_SLOTS];
	return slot_open(c, s, call) < 0 ? NULL : (pm->slot = s);
}

/* This call's memory fd: from the cached directory, or from a fresh one when
 * the cached directory's thread is gone (its tid now names another). */
static int call_memfd(struct emu_procmem *pm, struct emu_call *call)
{
	if (pm->memfd >= 0)
		return pm->memfd;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct emu_procmem_slot *s = resolve(pm, call);
		if (!s)
			return -EFAULT;
		pm->memfd = openat(s->dirfd, "mem", O_RDWR | O_CLOEXEC);
		if (pm->memfd >= 0)
			return pm->memfd;
		slot_close(s);
		pm->slot = NULL;
	}
	return -EFAULT;
}

static int transfer(struct emu_call *call, uint64_t addr, void *buf, size_t len, int write)
{
	struct emu_procmem *pm = call->mem_ctx;
	if (len == 0)
		return 0;
	int fd = call_memfd(pm, call);
	if (fd < 0)
		return fd;
	ssize_t n = write ? pwrite(fd, buf, len, (off_t)addr) : pread(fd, buf, len, (off_t)addr);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

static int procmem_read(struct emu_call *call, uint64_t addr, void *buf, size_t len)
{
	return transfer(call, addr, buf, len, 0);
}

static int procmem_write(struct emu_call *call, uint64_t addr, const void *buf, size_t len)
{
	return transfer(call, addr, (void *)buf, len, 1);
}

/* A cached directory whose thread is gone fails lookups: reopen it then. */
static int procmem_dir(struct emu_call *call)
{
	struct emu_procmem *pm = call->mem_ctx;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct emu_procmem_slot *s = resolve(pm, call);
		if (!s)
			return -ESRCH;
		if (pm->memfd >= 0 || faccessat(s->dirfd, "stat", F_OK, 0) == 0)
			return s->dirfd;
		slot_close(s);
		pm->slot = NULL;
	}
	return -ESRCH;
}

const struct emu_mem_ops emu_procmem_ops = {
	.read = procmem_read,
	.write = procmem_write,
	.dir = procmem_dir,
};

void emu_procmem_attach(struct emu_call *call, struct emu_procmem *pm,
			struct emu_procmem_cache *cache)
{
	pm->cache = cache;
	pm->slot = NULL;
	pm->memfd = -1;
	call->mem = &emu_procmem_ops;
	call->mem_ctx = pm;
}

void emu_procmem_detach(struct emu_procmem *pm)
{
	if (pm->memfd >= 0)
		close(pm->memfd);
	pm->memfd = -1;
}
