// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/TID/mem access for handlers. Runs in the supervisor (root). Reads
 * and writes are whole-or-nothing: a short transfer is reported as -EFAULT
 * so handlers never act on half-copied arguments.
 */
#include "procmem.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int procmem_open(struct emu_call *c, struct emu_procmem *pm)
{
	if (pm->fd >= 0)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", c->pid);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -EFAULT;
	/* The tid could have been reused before the open: the id check after it settles that. */
	if (ioctl(pm->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &c->id) < 0) {
		close(fd);
		return -EFAULT;
	}
	pm->fd = fd;
	return 0;
}

static int procmem_read(struct emu_call *c, uint64_t addr, void *buf, size_t len)
{
	struct emu_procmem *pm = c->mem_ctx;
	if (len == 0)
		return 0;
	if (procmem_open(c, pm) < 0)
		return -EFAULT;
	ssize_t n = pread(pm->fd, buf, len, (off_t)addr);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

static int procmem_write(struct emu_call *c, uint64_t addr, const void *buf, size_t len)
{
	struct emu_procmem *pm = c->mem_ctx;
	if (len == 0)
		return 0;
	if (procmem_open(c, pm) < 0)
		return -EFAULT;
	ssize_t n = pwrite(pm->fd, buf, len, (off_t)addr);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

const struct emu_mem_ops emu_procmem_ops = {
	.read = procmem_read,
	.write = procmem_write,
};

void emu_procmem_attach(struct emu_call *c, struct emu_procmem *pm, int listener)
{
	pm->fd = -1;
	pm->listener = listener;
	c->mem = &emu_procmem_ops;
	c->mem_ctx = pm;
}

void emu_procmem_release(struct emu_procmem *pm)
{
	if (pm->fd >= 0)
		close(pm->fd);
	pm->fd = -1;
}
