// SPDX-License-Identifier: GPL-2.0-only
/*
 * The image (docs/checkpoint-format.md): what the writer
 * (ckpt_image_write.c) and the reader (ckpt_image_read.c) share, lookups by
 * id, and the CPU features an image records and a restore checks.
 */
#include <cpuid.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt.h"
#include "util.h"

const char *const ck_fd_kinds[CK_FD__COUNT] = {
	[CK_FD_FILE] = "file",		[CK_FD_STDIO] = "stdio",     [CK_FD_PIPE] = "pipe",
	[CK_FD_SHM] = "shm",		[CK_FD_EVENTFD] = "eventfd", [CK_FD_SIGNALFD] = "signalfd",
	[CK_FD_TIMERFD] = "timerfd",	[CK_FD_EPOLL] = "epoll",     [CK_FD_DUP] = "dup",
	[CK_FD_SOCKET] = "socket",
};

void ck_image_free(struct ck_image *img)
{
	for (size_t i = 0; i < img->nprocs; i++) {
		struct ck_proc *p = &img->procs[i];
		for (size_t v = 0; v < p->nvmas; v++) {
			free(p->vmas[v].path);
			free(p->vmas[v].runs);
		}
		for (size_t f = 0; f < p->nfds; f++) {
			free(p->fds[f].path);
			free(p->fds[f].targets);
		}
		free(p->vmas);
		free(p->fds);
		free(p->threads);
		free(p->exe);
		free(p->cwd);
	}
	for (size_t i = 0; i < img->npipes; i++)
		free(img->pipes[i].data);
	free(img->pipes);
	free(img->shms);
	for (size_t i = 0; i < img->nsocks; i++)
		free(img->socks[i].data);
	free(img->socks);
	free(img->zombies);
	free(img->procs);
	free(img->id);
	free(img->hostname);
	free(img->domainname);
	free(img->policy);
	free(img->rootfs);
	memset(img, 0, sizeof(*img));
}

struct ck_proc *ck_image_proc(const struct ck_image *img, pid_t pid)
{
	for (size_t i = 0; i < img->nprocs; i++)
		if (img->procs[i].pid == pid)
			return &img->procs[i];
	return NULL;
}

struct ck_shm *ck_image_shm(const struct ck_image *img, uint64_t id)
{
	for (size_t i = 0; i < img->nshms; i++)
		if (img->shms[i].id == id)
			return &img->shms[i];
	return NULL;
}

struct ck_sock *ck_image_sock(const struct ck_image *img, uint64_t id)
{
	for (size_t i = 0; i < img->nsocks; i++)
		if (img->socks[i].id == id)
			return &img->socks[i];
	return NULL;
}

struct ck_pipe *ck_image_pipe(const struct ck_image *img, uint64_t id)
{
	for (size_t i = 0; i < img->npipes; i++)
		if (img->pipes[i].id == id)
			return &img->pipes[i];
	return NULL;
}

void ck_cpu_features(uint64_t *xcr0, uint32_t cpuid[4])
{
	unsigned a, b, c, d;
	memset(cpuid, 0, 4 * sizeof(uint32_t));
	*xcr0 = 0;
	if (__get_cpuid(1, &a, &b, &c, &d)) {
		cpuid[0] = c;
		cpuid[1] = d;
		if (c & bit_OSXSAVE) {
			uint32_t lo, hi;
			__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
			*xcr0 = (uint64_t)hi << 32 | lo;
		}
	}
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		cpuid[2] = b;
		cpuid[3] = c;
	}
	/* Bits that say what the OS or this moment enables, not what the CPU can
	 * do: OSXSAVE follows the kernel, leaf 1 ecx bit 27; keep it anyway. */
}

int ck_image_check_cpu(const struct ck_image *img, struct hy_err *err)
{
	static const char *const words[] = { "cpuid.1.ecx", "cpuid.1.edx", "cpuid.7.ebx",
					     "cpuid.7.ecx" };
	uint64_t xcr0;
	uint32_t id[4];
	ck_cpu_features(&xcr0, id);
	if (img->xcr0 & ~xcr0)
		return hy_err_set(err, -ENOTSUP,
				  "%s: xcr0: the image uses CPU state components 0x%" PRIx64
				  " this CPU lacks (it has 0x%" PRIx64 ")",
				  CK_IMAGE_FILE, img->xcr0 & ~xcr0, xcr0);
	/* Leaf 1 ecx bit 31 says "under a hypervisor", not a feature code uses. */
	for (int i = 0; i < 4; i++)
		if (img->cpuid[i] & ~id[i] & (i == 0 ? 0x7fffffffu : ~0u))
			return hy_err_set(err, -ENOTSUP,
					  "%s: %s: the image was made on a CPU with features 0x%08x "
					  "this CPU lacks",
					  CK_IMAGE_FILE, words[i], img->cpuid[i] & ~id[i]);
	return 0;
}
