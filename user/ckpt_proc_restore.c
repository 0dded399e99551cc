// SPDX-License-Identifier: GPL-2.0-only
/*
 * A restored process's state beyond memory, all set by syscalls it makes
 * itself (injected): the fd table (the restore's stdio stands in for the
 * saved container stdio), cwd, umask, signal handlers; per thread (creds
 * and rseq are per thread): clear_child_tid, robust list, rseq, alternate
 * signal stack, credentials and capabilities (the seed's extra
 * CAP_CHECKPOINT_RESTORE goes here, and is checked gone); then the signal
 * mask, FPU state and registers through ptrace.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "caps.h"
#include "ckpt_restore.h"
#include "util.h"

int ck_inject(struct ck_task *t, long *ret, const char *what, long nr, uint64_t a0, uint64_t a1,
	      uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, struct hy_err *err)
{
	int e = ck_task_syscall(t, ret, nr, a0, a1, a2, a3, a4, a5, err);
	if (e == 0 && *ret < 0 && *ret > -4096)
		return hy_err_setr(err, (int)*ret, "%s (task %d)", what, t->tid);
	return e;
}

/* The fds the seed has now. */
static int seed_fds(pid_t pid, int *fds, size_t max, size_t *n)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	DIR *d = opendir(path);
	struct dirent *e;
	if (!d)
		return -errno;
	*n = 0;
	while ((e = readdir(d)) && *n < max)
		if (e->d_name[0] != '.')
			fds[(*n)++] = atoi(e->d_name);
	closedir(d);
	return 0;
}

/* A seed fd to keep across the table's replacement, and its copy. */
struct kept {
	long src, copy;
};

static long copy_of(const struct kept *k, size_t n, long src)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].src == src)
			return k[i].copy;
	return -1;
}

/* The seed fd a pipe or memfd fd takes its place from (a pipe: the end
 * its access mode names). */
static long object_src(const struct ck_restore_proc *r, const struct ck_fd *f)
{
	const struct ck_seed_objects *o = r->objs;
	const struct ck_pipe *p = f->kind == CK_FD_PIPE ? ck_image_pipe(r->img, f->obj) : NULL;
	const struct ck_shm *m = f->kind == CK_FD_SHM ? ck_image_shm(r->img, f->obj) : NULL;
	const struct ck_sock *k = f->kind == CK_FD_SOCKET ? ck_image_sock(r->img, f->obj) : NULL;
	if (p)
		return o->pipe_fds[p - r->img->pipes][(f->flags & O_ACCMODE) == O_RDONLY ? 0 : 1];
	if (m)
		return o->shm_fds[m - r->img->shms];
	return k ? o->sock_fds[k - r->img->socks] : -1;
}

int ck_place_fd(struct ck_restore_proc *r, long got, const struct ck_fd *f, struct hy_err *err)
{
	long ret;
	if (got == f->fd)
		return 0;
	int e = ck_inject(&r->tasks[0], &ret, "move an fd in place", SYS_dup3, (uint64_t)got,
			  (uint64_t)f->fd, f->cloexec ? O_CLOEXEC : 0, 0, 0, 0, err);
	ck_task_syscall(&r->tasks[0], &ret, SYS_close, (uint64_t)got, 0, 0, 0, 0, 0, NULL);
	return e;
}

static int reopen_file(struct ck_restore_proc *r, const struct ck_fd *f, int cloexec,
		       struct hy_err *err)
{
	struct ck_task *t = &r->tasks[0];
	long got, ret;
	size_t len = strlen(f->path) + 1;
	int e = len > CK_SCRATCH ? hy_err_set(err, -ENAMETOOLONG, "path %s", f->path)
				 : ck_task_write(t, r->scratch, f->path, len, err);
	int flags = (f->flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | cloexec;
	if (e == 0)
		e = ck_task_syscall(t, &got, SYS_openat, (uint64_t)AT_FDCWD, r->scratch,
				    (uint64_t)flags, 0, 0, 0, err);
	if (e == 0 && got < 0)
		return hy_err_setr(err, (int)got, "reopen fd %d of pid %d (%s)", f->fd, r->p->pid,
				   f->path);
	if (e == 0)
		e = ck_place_fd(r, got, f, err);
	if (e == 0 && f->pos)
		e = ck_inject(t, &ret, "restore a file offset", SYS_lseek, (uint64_t)f->fd, f->pos,
			      SEEK_SET, 0, 0, 0, err);
	return e;
}

static int install(struct ck_restore_proc *r, const struct ck_fd *f, const struct kept *k,
		   size_t nk, struct hy_err *err)
{
	int cloexec = f->cloexec ? O_CLOEXEC : 0;
	long ret, from;
	if (f->kind == CK_FD_FILE)
		return reopen_file(r, f, cloexec, err);
	if (f->kind >= CK_FD_EVENTFD && f->kind <= CK_FD_EPOLL)
		return ck_restore_anon_fd(r, f, err);
	if (f->kind == CK_FD_DUP)
		return ck_inject(&r->tasks[0], &ret, "duplicate an fd", SYS_dup3,
				 (uint64_t)f->dup_of, (uint64_t)f->fd, (uint64_t)cloexec, 0, 0, 0,
				 err);
	from = copy_of(k, nk, f->kind == CK_FD_STDIO ? f->stdio : object_src(r, f));
	if (from < 0)
		return hy_err_set(err, -EBADF, "nothing to give pid %d as its fd %d%s", r->p->pid,
				  f->fd, f->kind == CK_FD_STDIO ? " (the restore lacks that stdio fd)"
								: "");
	int e = ck_inject(&r->tasks[0], &ret, "install an fd", SYS_dup3, (uint64_t)from,
			  (uint64_t)f->fd, (uint64_t)cloexec, 0, 0, 0, err);
	if (e == 0 && f->kind == CK_FD_SHM && f->pos)
		e = ck_inject(&r->tasks[0], &ret, "restore a memfd offset", SYS_lseek,
			      (uint64_t)f->fd, f->pos, SEEK_SET, 0, 0, 0, err);
	return e;
}

/* The seed's stdio (the restore's) and the image's pipes are kept as
 * copies above every saved fd; the rest closes; the saved table goes in;
 * the copies close. */
static int restore_fds(struct ck_restore_proc *r, struct hy_err *err)
{
	struct ck_task *t = &r->tasks[0];
	int now[256];
	size_t n = 0, nk = 0;
	long ret;
	if (seed_fds(t->tid, now, ARRAY_SIZE(now), &n) < 0)
		return hy_err_setr(err, -errno, "list the fds of task %d", t->tid);
	_cleanup_free_ struct kept *k =
		calloc(3 + 2 * r->img->npipes + r->img->nshms + r->img->nsocks, sizeof(*k));
	if (!k)
		return hy_err_set(err, -ENOMEM, "restore fds");
	for (size_t i = 0; i < n; i++)
		if (now[i] < 3)
			k[nk++].src = now[i];
	for (size_t i = 0; i < r->img->npipes; i++)
		k[nk++].src = r->objs->pipe_fds[i][0], k[nk++].src = r->objs->pipe_fds[i][1];
	for (size_t i = 0; i < r->img->nshms; i++)
		k[nk++].src = r->objs->shm_fds[i];
	for (size_t i = 0; i < r->img->nsocks; i++)
		if (r->objs->sock_fds[i] >= 0)
			k[nk++].src = r->objs->sock_fds[i];
	uint64_t base = 3;
	for (size_t i = 0; i < r->p->nfds; i++)
		base = MAX(base, (uint64_t)r->p->fds[i].fd + 1);
	for (size_t i = 0; i < n; i++)
		base = MAX(base, (uint64_t)now[i] + 1);
	int e = 0;
	for (size_t i = 0; i < nk && e == 0; i++)
		e = ck_inject(t, &k[i].copy, "keep a seed fd", SYS_fcntl, (uint64_t)k[i].src,
			      F_DUPFD_CLOEXEC, base, 0, 0, 0, err);
	for (size_t i = 0; i < n && e == 0; i++)
		e = ck_inject(t, &ret, "close the seed's fds", SYS_close, (uint64_t)now[i], 0, 0, 0, 0,
			      0, err);
	for (size_t i = 0; i < r->p->nfds && e == 0; i++)
		e = install(r, &r->p->fds[i], k, nk, err);
	for (size_t i = 0; i < r->p->nfds && e == 0; i++) /* once their targets exist */
		if (r->p->fds[i].kind == CK_FD_EPOLL)
			e = ck_restore_epoll_targets(r, &r->p->fds[i], err);
	for (size_t i = 0; i < nk && e == 0; i++)
		e = ck_inject(t, &ret, "close a kept copy", SYS_close, (uint64_t)k[i].copy, 0, 0, 0,
			      0, 0, err);
	return e;
}

static int restore_process(struct ck_restore_proc *r, struct hy_err *err)
{
	struct ck_task *t = &r->tasks[0];
	long ret;
	size_t len = strlen(r->p->cwd) + 1;
	int e = len > CK_SCRATCH ? hy_err_set(err, -ENAMETOOLONG, "cwd %s", r->p->cwd)
				 : ck_task_write(t, r->scratch, r->p->cwd, len, err);
	if (e == 0)
		e = ck_inject(t, &ret, "enter the working directory", SYS_chdir, r->scratch, 0, 0, 0,
			      0, 0, err);
	if (e == 0)
		e = ck_inject(t, &ret, "set the umask", SYS_umask, r->p->umask, 0, 0, 0, 0, 0, err);
	for (int s = 1; s <= CK_NSIG && e == 0; s++) {
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		e = ck_task_write(t, r->scratch, &r->p->sig[s - 1], sizeof(r->p->sig[0]), err);
		if (e == 0)
			e = ck_inject(t, &ret, "set a signal handler", SYS_rt_sigaction, (uint64_t)s,
				      r->scratch, 0, 8, 0, 0, err);
	}
	return e;
}

/* Per-thread kernel state that points into the restored memory. */
static int restore_thread(struct ck_restore_proc *r, size_t i, struct hy_err *err)
{
	const struct ck_thread *th = &r->p->threads[i];
	struct ck_task *t = &r->tasks[i];
	long ret;
	stack_t ss = { .ss_sp = (void *)(uintptr_t)th->ss_sp, .ss_size = th->ss_size,
		       .ss_flags = th->ss_size ? th->ss_flags : SS_DISABLE };
	int e = ck_inject(t, &ret, "set clear_child_tid", SYS_set_tid_address, th->tid_address, 0,
			  0, 0, 0, 0, err);
	if (e == 0)
		e = ck_inject(t, &ret, "set the robust futex list", SYS_set_robust_list,
			      th->robust_addr, th->robust_len ? th->robust_len : 24, 0, 0, 0, 0, err);
	if (e == 0 && th->rseq_addr)
		e = ck_inject(t, &ret, "register rseq", SYS_rseq, th->rseq_addr, th->rseq_len, 0,
			      th->rseq_sig, 0, 0, err);
	if (e == 0)
		e = ck_task_write(t, r->scratch, &ss, sizeof(ss), err);
	if (e == 0)
		e = ck_inject(t, &ret, "set the alternate signal stack", SYS_sigaltstack, r->scratch,
			      0, 0, 0, 0, 0, err);
	return e;
}

/* Groups, ids, bounding set, capability sets: the saved ones, in an order
 * that keeps the privilege each step needs until it is done. */
static int restore_creds(struct ck_restore_proc *r, size_t i, struct hy_err *err)
{
	const struct ck_proc *p = r->p;
	struct ck_task *t = &r->tasks[i];
	long ret;
	/* An image is input: it never gets a restored task more than a command
	 * of `hybox run` has (the seed's extra capability included). */
	uint64_t extra = (p->cap_eff | p->cap_prm | p->cap_inh) & ~hy_caps_default();
	if (extra)
		return hy_err_set(err, -EPERM,
				  "pid %d: the image asks for capabilities 0x%llx beyond the "
				  "container's",
				  p->pid, (unsigned long long)extra);
	int e = ck_task_write(t, r->scratch, p->groups, p->ngroups * sizeof(p->groups[0]), err);
	if (e == 0)
		e = ck_inject(t, &ret, "set the groups", SYS_setgroups, p->ngroups, r->scratch, 0, 0,
			      0, 0, err);
	for (int c = 0; c <= CAP_LAST_CAP && e == 0; c++)
		if (!(p->cap_bnd & (1ULL << c)))
			e = ck_inject(t, &ret, "drop from the bounding set", SYS_prctl, PR_CAPBSET_DROP,
				      (uint64_t)c, 0, 0, 0, 0, err);
	if (e == 0)
		e = ck_inject(t, &ret, "keep capabilities", SYS_prctl, PR_SET_KEEPCAPS, 1, 0, 0, 0, 0,
			      err);
	if (e == 0)
		e = ck_inject(t, &ret, "set the gids", SYS_setresgid, p->gid[0], p->gid[1],
			      p->gid[2], 0, 0, 0, err);
	if (e == 0)
		e = ck_inject(t, &ret, "set the uids", SYS_setresuid, p->uid[0], p->uid[1],
			      p->uid[2], 0, 0, 0, err);
	if (e == 0)
		e = ck_inject(t, &ret, "stop keeping capabilities", SYS_prctl, PR_SET_KEEPCAPS, 0, 0,
			      0, 0, 0, err);
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)p->cap_eff, (uint32_t)p->cap_prm, (uint32_t)p->cap_inh },
		{ (uint32_t)(p->cap_eff >> 32), (uint32_t)(p->cap_prm >> 32),
		  (uint32_t)(p->cap_inh >> 32) },
	};
	if (e == 0)
		e = ck_task_write(t, r->scratch, &hdr, sizeof(hdr), err);
	if (e == 0)
		e = ck_task_write(t, r->scratch + 64, data, sizeof(data), err);
	if (e == 0)
		e = ck_inject(t, &ret, "set the capabilities", SYS_capset, r->scratch,
			      r->scratch + 64, 0, 0, 0, 0, err);
	return e;
}

/* Never let a restored task keep the seed's extra capability. */
static int check_caps(const struct ck_proc *p, pid_t tid, struct hy_err *err)
{
	char path[64];
	_cleanup_free_ char *st = NULL;
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	const char *eff = read_file_at(AT_FDCWD, path, &st) < 0 ? NULL : strstr(st, "\nCapEff:");
	const char *prm = st ? strstr(st, "\nCapPrm:") : NULL;
	if (!eff || !prm || strtoull(eff + 8, NULL, 16) != p->cap_eff ||
	    strtoull(prm + 8, NULL, 16) != p->cap_prm)
		return hy_err_set(err, -EPERM, "task %d kept capabilities it did not have", tid);
	return 0;
}

static int finish_thread(struct ck_restore_proc *r, size_t i, struct hy_err *err)
{
	const struct ck_thread *th = &r->p->threads[i];
	struct ck_task *t = &r->tasks[i];
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", t->tid);
	write_file_at(AT_FDCWD, path, th->comm);
	uint64_t mask = th->sigmask;
	struct iovec iov = { (void *)th->xstate, th->xstate_len };
	if (ptrace(PTRACE_SETSIGMASK, t->tid, sizeof(mask), &mask) < 0)
		return hy_err_setr(err, -errno, "set the signal mask of task %d", t->tid);
	if (th->xstate_len && ptrace(PTRACE_SETREGSET, t->tid, NT_X86_XSTATE, &iov) < 0)
		return hy_err_setr(err, -errno, "set the FPU state of task %d", t->tid);
	t->regs = th->regs; /* ck_task_release() puts them in */
	return check_caps(r->p, t->tid, err);
}

/* alarm() and setitimer(): the time that was left goes on (last, once the
 * handlers are there: a restored SIGALRM must find its handler). */
static int restore_itimer(struct ck_restore_proc *r, int which, struct hy_err *err)
{
	const uint64_t *t = r->p->itimer[which];
	long ret;
	if (!t[0])
		return 0;
	struct itimerval it = {
		.it_interval = { (time_t)(t[1] / 1000000000ULL), (suseconds_t)(t[1] % 1000000000ULL / 1000) },
		.it_value = { (time_t)(t[0] / 1000000000ULL), (suseconds_t)(t[0] % 1000000000ULL / 1000) },
	};
	int e = ck_task_write(&r->tasks[0], r->scratch, &it, sizeof(it), err);
	return e < 0 ? e
		     : ck_inject(&r->tasks[0], &ret, "set an interval timer", SYS_setitimer,
				 (uint64_t)which, r->scratch, 0, 0, 0, 0, err);
}

int ck_restore_state(struct ck_restore_proc *r, struct hy_err *err)
{
	long ret;
	int e = restore_fds(r, err);
	if (e == 0)
		e = restore_process(r, err);
	for (size_t i = 0; i < r->p->nthreads && e == 0; i++)
		e = restore_thread(r, i, err);
	for (size_t i = 0; i < r->p->nthreads && e == 0; i++)
		e = restore_creds(r, i, err);
	if (e == 0)
		e = ck_inject(&r->tasks[0], &ret, "set dumpable", SYS_prctl, PR_SET_DUMPABLE,
			      (uint64_t)r->p->dumpable, 0, 0, 0, 0, err);
	for (int w = 0; w < 3 && e == 0; w++)
		e = restore_itimer(r, w, err);
	if (e == 0)
		e = ck_inject(&r->tasks[0], &ret, "unmap the scratch area", SYS_munmap, r->scratch,
			      CK_SCRATCH, 0, 0, 0, 0, err);
	for (size_t i = 0; i < r->p->nthreads && e == 0; i++)
		e = finish_thread(r, i, err);
	return e;
}
