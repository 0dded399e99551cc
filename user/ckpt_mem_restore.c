// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replace a seed's address space with the image's. Order matters: rseq is
 * unregistered while its area still exists (the kernel writes to it); a
 * scratch area is mapped where neither layout has anything; every seed
 * mapping but the vDSO block goes; the vDSO block ([vvar], [vvar_vclock],
 * [vdso], same kernel, same sizes) moves as a whole to where the image had
 * it, since code in the image may hold pointers into it (and vdso code
 * addresses vvar relative to itself); then the image's mappings come back,
 * files opened by the task itself (through its filter and policy), and the
 * saved pages are written through /proc/PID/mem.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ckpt_pages.h"
#include "ckpt_restore.h"
#include "util.h"

#define RSEQ_FLAG_UNREGISTER 1
#define MAX_SEED_VMAS 512
#define COPY_CHUNK (4UL << 20)

struct range {
	uint64_t start, end;
	char name[24]; /* special mappings only */
};

/* The seed's mappings now ([vsyscall] left out: it cannot be unmapped). */
static int seed_maps(pid_t tid, struct range *out, size_t *n, struct hy_err *err)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return hy_err_setr(err, -errno, "read %s", path);
	*n = 0;
	while (fgets(line, sizeof(line), f) && *n < MAX_SEED_VMAS - 1) {
		unsigned long s, e;
		int at = 0;
		if (sscanf(line, "%lx-%lx %*s %*x %*x:%*x %*u %n", &s, &e, &at) < 2 ||
		    strstr(line, "[vsyscall]"))
			continue;
		struct range *r = &out[(*n)++];
		r->start = s, r->end = e;
		line[strcspn(line, "\n")] = 0;
		snprintf(r->name, sizeof(r->name), "%s", ck_is_special_mapping(line + at) ? line + at : "");
	}
	fclose(f);
	return 0;
}

static bool overlaps(uint64_t s, uint64_t e, const struct range *v, size_t n,
		     const struct ck_proc *p)
{
	for (size_t i = 0; i < n; i++)
		if (s < v[i].end && v[i].start < e)
			return true;
	for (size_t i = 0; i < p->nvmas; i++)
		if (s < p->vmas[i].end && p->vmas[i].start < e)
			return true;
	return false;
}

/* The lowest len bytes from 16 MiB up that neither layout uses. */
static uint64_t free_area(uint64_t len, const struct range *v, size_t n, const struct ck_proc *p)
{
	for (uint64_t a = 16 << 20; a < (1ULL << 46); a += 1 << 20)
		if (!overlaps(a, a + len, v, n, p))
			return a;
	return 0;
}

static int unregister_rseq(struct ck_restore_proc *r, struct hy_err *err)
{
	for (size_t i = 0; i < r->p->nthreads; i++) {
		uint64_t addr;
		uint32_t len, sig;
		long ret;
		if (!ck_task_rseq(r->tasks[i].tid, &addr, &len, &sig))
			continue;
		int e = ck_inject(&r->tasks[i], &ret, "unregister the seed's rseq", SYS_rseq, addr,
				  len, RSEQ_FLAG_UNREGISTER, sig, 0, 0, err);
		if (e < 0)
			return e;
	}
	return 0;
}

/* Move the seed's vDSO block to the image's place (via a free area when the
 * two overlap); every task's syscall instruction moves with it. */
static int move_vdso(struct ck_restore_proc *r, struct range *v, size_t n, struct hy_err *err)
{
	int64_t delta = 0;
	size_t found = 0;
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].name[0])
			continue;
		const struct ck_vma *m = NULL;
		for (size_t j = 0; j < r->p->nvmas && !m; j++)
			if (r->p->vmas[j].kind == CK_VMA_SPECIAL &&
			    strcmp(r->p->vmas[j].path, v[i].name) == 0)
				m = &r->p->vmas[j];
		if (!m || m->end - m->start != v[i].end - v[i].start ||
		    (found && (int64_t)(m->start - v[i].start) != delta))
			return hy_err_set(err, -ENOTSUP,
					  "the image's %s differs from this kernel's (made on another "
					  "kernel?)",
					  v[i].name);
		delta = (int64_t)(m->start - v[i].start);
		found++;
		lo = MIN(lo, v[i].start), hi = MAX(hi, v[i].end);
	}
	size_t in_image = 0;
	for (size_t j = 0; j < r->p->nvmas; j++)
		in_image += r->p->vmas[j].kind == CK_VMA_SPECIAL;
	if (!found || found != in_image)
		return hy_err_set(err, -ENOTSUP, "the image's vDSO mappings differ from this kernel's");
	if (!delta)
		return 0;
	uint64_t via = lo + delta < hi && lo < hi + delta ? free_area(hi - lo, v, n, r->p) : 0;
	for (int pass = via ? 0 : 1; pass < 2; pass++) {
		int64_t d = pass == 0 ? (int64_t)(via - lo) : delta;
		for (size_t i = 0; i < n; i++) {
			if (!v[i].name[0])
				continue;
			long ret;
			uint64_t len = v[i].end - v[i].start, to = v[i].start + d;
			int e = ck_inject(&r->tasks[0], &ret, "move the vDSO", SYS_mremap, v[i].start,
					  len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to, 0, err);
			if (e < 0)
				return e;
		}
		for (size_t i = 0; i < n; i++)
			if (v[i].name[0])
				v[i].start += d, v[i].end += d;
		for (size_t t = 0; t < r->p->nthreads; t++)
			r->tasks[t].syscall_insn += d;
		if (pass == 0)
			delta -= d;
	}
	return 0;
}

/* Scratch area, then nothing of the seed but it and the vDSO block. */
static int clear_seed(struct ck_restore_proc *r, struct hy_err *err)
{
	static struct range v[MAX_SEED_VMAS];
	size_t n;
	long ret;
	int e = seed_maps(r->tasks[0].tid, v, &n, err);
	if (e < 0)
		return e;
	r->scratch = free_area(CK_SCRATCH, v, n, r->p);
	e = ck_inject(&r->tasks[0], &ret, "map a scratch area", SYS_mmap, r->scratch, CK_SCRATCH,
		      PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		      (uint64_t)-1, 0, err);
	for (size_t i = 0; e == 0 && i < n; i++)
		if (!v[i].name[0])
			e = ck_inject(&r->tasks[0], &ret, "unmap the seed", SYS_munmap, v[i].start,
				      v[i].end - v[i].start, 0, 0, 0, 0, err);
	v[n++] = (struct range){ r->scratch, r->scratch + CK_SCRATCH, "" }; /* stays in the way */
	return e < 0 ? e : move_vdso(r, v, n, err);
}

/* Open path in the task (through its filter); the fd or -errno in *fd. */
static int task_open(struct ck_restore_proc *r, const char *path, int flags, long *fd,
		     struct hy_err *err)
{
	size_t len = strlen(path) + 1;
	if (len > CK_SCRATCH / 2)
		return hy_err_set(err, -ENAMETOOLONG, "path %s is too long", path);
	int e = ck_task_write(&r->tasks[0], r->scratch, path, len, err);
	if (e == 0)
		e = ck_task_syscall(&r->tasks[0], fd, SYS_openat, (uint64_t)AT_FDCWD, r->scratch,
				    (uint64_t)flags, 0, 0, 0, err);
	if (e == 0 && *fd < 0)
		return hy_err_setr(err, (int)*fd, "open %s in pid %d", path, r->p->pid);
	return e;
}

static int shm_fd(const struct ck_restore_proc *r, uint64_t id)
{
	const struct ck_shm *m = ck_image_shm(r->img, id);
	return m ? r->objs->shm_fds[m - r->img->shms] : -1;
}

static int map_vma(struct ck_restore_proc *r, const struct ck_vma *v, struct hy_err *err)
{
	long fd = -1, ret;
	int flags = MAP_FIXED | (v->shared ? MAP_SHARED : MAP_PRIVATE);
	int e = 0;
	if (v->kind == CK_VMA_SPECIAL)
		return 0;
	if (v->kind == CK_VMA_ANON)
		flags |= MAP_ANONYMOUS | (v->growsdown ? MAP_GROWSDOWN : 0);
	else if (v->kind == CK_VMA_SHM)
		return ck_inject(&r->tasks[0], &ret, "map shared memory", SYS_mmap, v->start,
				 v->end - v->start, (uint64_t)v->prot, (uint64_t)flags,
				 (uint64_t)shm_fd(r, v->shm), v->pgoff, err);
	else
		e = task_open(r, v->path,
			      (v->shared && (v->prot & PROT_WRITE) ? O_RDWR : O_RDONLY) | O_CLOEXEC,
			      &fd, err);
	if (e == 0)
		e = ck_inject(&r->tasks[0], &ret, "map the image's memory", SYS_mmap, v->start,
			      v->end - v->start, (uint64_t)v->prot, (uint64_t)flags, (uint64_t)fd,
			      v->kind == CK_VMA_FILE ? v->pgoff : 0, err);
	if (fd >= 0)
		ck_task_syscall(&r->tasks[0], &ret, SYS_close, (uint64_t)fd, 0, 0, 0, 0, 0, NULL);
	return e;
}

static int fill_pages(struct ck_restore_proc *r, struct hy_err *err)
{
	_cleanup_close_ int fd = openat(r->image_dirfd, r->p->pages_file, O_RDONLY | O_CLOEXEC);
	struct ck_pages_reader rd;
	if (fd < 0)
		return hy_err_setr(err, -errno, "open %s", r->p->pages_file);
	_cleanup_free_ uint8_t *buf = malloc(COPY_CHUNK);
	if (!buf || ck_pages_reader_open(&rd, fd, r->p->pages_compress) < 0)
		return hy_err_set(err, -ENOMEM, "allocate a copy buffer");
	int e = 0;
	for (size_t i = 0; i < r->p->nvmas && e == 0; i++)
		for (size_t k = 0; k < r->p->vmas[i].nruns && e == 0; k++) {
			const struct ck_run *run = &r->p->vmas[i].runs[k];
			for (uint64_t done = 0; done < run->npages * CK_PAGE && e == 0;) {
				size_t n = MIN(COPY_CHUNK, run->npages * CK_PAGE - done);
				e = ck_pages_read(&rd, run->offset + done, buf, n);
				if (e < 0)
					hy_err_setr(err, e, "read %s", r->p->pages_file);
				else
					e = ck_task_write(&r->tasks[0], run->addr + done, buf, n, err);
				done += n;
			}
		}
	ck_pages_reader_close(&rd);
	return e;
}

/* PR_SET_MM_MAP: brk, the argument and environment areas, auxv, /proc/PID/exe. */
static int set_mm(struct ck_restore_proc *r, struct hy_err *err)
{
	const struct ck_mm *m = &r->p->mm;
	long exe, ret;
	int e = task_open(r, r->p->exe, O_RDONLY | O_CLOEXEC, &exe, err);
	if (e < 0)
		return e;
	uint64_t auxv_at = r->scratch + CK_SCRATCH / 2, map_at = auxv_at + sizeof(m->auxv);
	struct prctl_mm_map map = {
		.start_code = m->start_code, .end_code = m->end_code, .start_data = m->start_data,
		.end_data = m->end_data, .start_brk = m->start_brk, .brk = m->brk,
		.start_stack = m->start_stack, .arg_start = m->arg_start, .arg_end = m->arg_end,
		.env_start = m->env_start, .env_end = m->env_end, .auxv = (__u64 *)(uintptr_t)auxv_at,
		.auxv_size = (__u32)m->auxv_len, .exe_fd = (__u32)exe,
	};
	e = ck_task_write(&r->tasks[0], auxv_at, m->auxv, m->auxv_len, err);
	if (e == 0)
		e = ck_task_write(&r->tasks[0], map_at, &map, sizeof(map), err);
	if (e == 0)
		e = ck_inject(&r->tasks[0], &ret, "set the memory layout (PR_SET_MM_MAP)", SYS_prctl,
			      PR_SET_MM, PR_SET_MM_MAP, map_at, sizeof(map), 0, 0, err);
	ck_task_syscall(&r->tasks[0], &ret, SYS_close, (uint64_t)exe, 0, 0, 0, 0, 0, NULL);
	return e;
}

int ck_restore_memory(struct ck_restore_proc *r, struct hy_err *err)
{
	int e = unregister_rseq(r, err);
	if (e == 0)
		e = clear_seed(r, err);
	for (size_t i = 0; e == 0 && i < r->p->nvmas; i++)
		e = map_vma(r, &r->p->vmas[i], err);
	if (e == 0)
		e = fill_pages(r, err);
	return e < 0 ? e : set_mm(r, err);
}
