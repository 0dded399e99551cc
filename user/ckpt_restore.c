// SPDX-License-Identifier: GPL-2.0-only
/*
 * Restore orchestration (ckpt_restore.h). The seed is seized with
 * PTRACE_O_EXITKILL, so if the supervisor dies half-way nothing half-made
 * runs on; fork and clone are injected into the right parent with the
 * next pid set through /proc/sys/kernel/ns_last_pid, which only a task
 * inside the container's pid namespace can write: a helper process is
 * cloned there (clone3 with set_tid, a pid the image does not use) for the
 * length of the restore. Processes and threads are created first, from the
 * seed's state; then each is rebuilt, and all are let go together.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ckpt_pages.h"
#include "ckpt_restore.h"
#include "util.h"

#define SEIZE_OPTS (PTRACE_O_EXITKILL | PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE)
#define THREAD_FLAGS                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

struct restorer {
	const struct ck_image *img;
	int (*pipe_fds)[2]; /* each image pipe's ends, made in the seed before it forks */
	int *shm_fds;	    /* each shared memory object's memfd, likewise */
	int *sock_fds;	    /* each socket's end, likewise */
	struct ck_task *tasks; /* every thread, process by process */
	size_t *first;	       /* each process's first task */
	int helper;	       /* socket to the ns_last_pid helper */
	pid_t helper_parent;
};

/* In the helper: write "pid - 1" to ns_last_pid for each pid asked for. */
static __attribute__((noreturn)) void helper_main(int sock)
{
	int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	int pid;
	while (fd >= 0 && read(sock, &pid, sizeof(pid)) == sizeof(pid)) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "%d", pid - 1);
		int ok = pwrite(fd, buf, (size_t)n, 0) == n ? 0 : -errno;
		if (write(sock, &ok, sizeof(ok)) != sizeof(ok))
			break;
	}
	_exit(0);
}

/* A child that joins the container's pid namespace for its own child, the
 * helper (at pid `at`), and waits for it: forked from a multi-threaded
 * process, both only make syscalls. */
static int start_helper(struct restorer *r, pid_t init_host, pid_t at, struct hy_err *err)
{
	int sv[2];
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", init_host);
	_cleanup_close_ int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return hy_err_setr(err, -errno, "prepare the pid helper");
	pid_t c = fork();
	if (c < 0)
		return hy_err_setr(err, -errno, "fork the pid helper");
	if (c == 0) {
		close(sv[0]);
		if (setns(ns, CLONE_NEWPID) < 0)
			_exit(1);
		struct clone_args ca = { .exit_signal = SIGCHLD, .set_tid = (uintptr_t)&at,
					 .set_tid_size = 1 };
		long h = syscall(SYS_clone3, &ca, sizeof(ca));
		if (h == 0)
			helper_main(sv[1]);
		close(sv[1]);
		if (h > 0)
			waitpid((pid_t)h, NULL, 0);
		_exit(h > 0 ? 0 : 1);
	}
	close(sv[1]);
	r->helper = sv[0];
	r->helper_parent = c;
	return 0;
}

static void stop_helper(struct restorer *r)
{
	if (r->helper >= 0)
		close(r->helper);
	if (r->helper_parent > 0)
		waitpid(r->helper_parent, NULL, 0);
	r->helper = -1;
	r->helper_parent = 0;
}

static int next_pid(struct restorer *r, pid_t pid, struct hy_err *err)
{
	int ok = -EIO;
	if (write(r->helper, &pid, sizeof(pid)) != sizeof(pid) ||
	    read(r->helper, &ok, sizeof(ok)) != sizeof(ok) || ok < 0)
		return hy_err_setr(err, ok < 0 ? ok : -EIO,
				   "set the container's next pid to %d (ns_last_pid)", pid);
	return 0;
}

/* Inject fork/clone into parent so that the new task gets container id want. */
static int spawn(struct restorer *r, struct ck_task *parent, unsigned long flags, pid_t want,
		 struct ck_task *child, struct hy_err *err)
{
	long got;
	int e = next_pid(r, want, err);
	if (e == 0)
		e = ck_inject(parent, &got, "fork a restored task", SYS_clone, flags, 0, 0, 0, 0, 0,
			      err);
	if (e < 0)
		return e;
	pid_t host = (pid_t)parent->new_child;
	if (got != want)
		return hy_err_set(err, -EBUSY, "pid %d was taken (got %ld)", want, got);
	if ((e = ck_task_wait_stop(host, err)) < 0)
		return e;
	return ck_task_open(child, host, err);
}

/* Every process (from its parent) and every thread (from its leader). */
static int build_tree(struct restorer *r, struct hy_err *err)
{
	const struct ck_image *img = r->img;
	int e = 0;
	for (size_t i = 1; i < img->nprocs && e == 0; i++) {
		const struct ck_proc *p = &img->procs[i];
		size_t parent = 0;
		long ret;
		for (size_t j = 0; j < i; j++)
			if (img->procs[j].pid == p->ppid)
				parent = j;
		/* An orphan: forked by the seed, adopted by init as it was. */
		unsigned long flags = p->ppid == 1 ? CLONE_PARENT | SIGCHLD : SIGCHLD;
		e = spawn(r, &r->tasks[r->first[parent]], flags, p->pid, &r->tasks[r->first[i]], err);
		/* A session of its own, before its children are forked into it. */
		if (e == 0 && p->sid == p->pid)
			e = ck_inject(&r->tasks[r->first[i]], &ret, "start a session", SYS_setsid, 0,
				      0, 0, 0, 0, 0, err);
	}
	for (size_t i = 0; i < img->nprocs && e == 0; i++)
		for (size_t t = 1; t < img->procs[i].nthreads && e == 0; t++)
			e = spawn(r, &r->tasks[r->first[i]], THREAD_FLAGS,
				  img->procs[i].threads[t].tid, &r->tasks[r->first[i] + t], err);
	return e;
}

/*
 * The image's pipes, made in the seed before the tree forks from it, so
 * that every process has every pipe to pick its fds from. Their bytes go
 * in from here, through /proc/PID/fd (the write end opens as a FIFO).
 */
static int make_pipes(struct restorer *r, struct hy_err *err)
{
	struct ck_task *seed = &r->tasks[0];
	long at, ret;
	int e = ck_inject(seed, &at, "map a scratch page in the seed", SYS_mmap, 0, CK_PAGE,
			  PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0, err);
	for (size_t i = 0; i < r->img->npipes && e == 0; i++) {
		const struct ck_pipe *p = &r->img->pipes[i];
		char path[64];
		e = ck_inject(seed, &ret, "make a pipe", SYS_pipe2, (uint64_t)at, 0, 0, 0, 0, 0, err);
		if (e == 0)
			e = ck_task_read(seed, (uint64_t)at, r->pipe_fds[i], sizeof(r->pipe_fds[i]), err);
		if (e == 0)
			e = ck_inject(seed, &ret, "size a pipe", SYS_fcntl, (uint64_t)r->pipe_fds[i][1],
				      F_SETPIPE_SZ, p->size, 0, 0, 0, err);
		if (e < 0 || !p->len)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", seed->tid, r->pipe_fds[i][1]);
		_cleanup_close_ int w = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (w < 0 || (e = write_all(w, p->data, p->len)) < 0)
			e = hy_err_setr(err, w < 0 ? -errno : e, "fill a restored pipe");
	}
	return e;
}

/* Fill the seed's memfd fd with shared memory object m's saved bytes. */
static int fill_shm(pid_t seed, int fd, int dirfd, const struct ck_shm *m, struct hy_err *err)
{
	char path[64];
	struct ck_pages_reader rd;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", seed, fd);
	_cleanup_close_ int w = open(path, O_WRONLY | O_CLOEXEC);
	_cleanup_close_ int in = openat(dirfd, m->file, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ uint8_t *buf = malloc(1 << 20);
	if (w < 0 || in < 0 || !buf || ck_pages_reader_open(&rd, in, m->compress) < 0)
		return hy_err_setr(err, -(errno ? errno : ENOMEM), "restore shared memory %s", m->file);
	int e = 0;
	for (uint64_t off = 0; off < m->size && e == 0;) {
		size_t n = MIN((uint64_t)(1 << 20), m->size - off);
		e = ck_pages_read(&rd, off, buf, n);
		if (e == 0 && pwrite(w, buf, n, (off_t)off) != (ssize_t)n)
			e = -(errno ? errno : EIO);
		off += n;
	}
	ck_pages_reader_close(&rd);
	return e < 0 ? hy_err_setr(err, e, "restore shared memory %s", m->file) : 0;
}

/* The image's shared memory, as memfds in the seed (like pipes). */
static int make_shms(struct restorer *r, int dirfd, struct hy_err *err)
{
	struct ck_task *seed = &r->tasks[0];
	long at = 0, fd;
	int e = r->img->nshms ? ck_inject(seed, &at, "map a scratch page in the seed", SYS_mmap, 0,
					  CK_PAGE, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0, err)
			      : 0;
	for (size_t i = 0; i < r->img->nshms && e == 0; i++) {
		const struct ck_shm *m = &r->img->shms[i];
		long ret;
		e = ck_task_write(seed, (uint64_t)at, m->name, strlen(m->name) + 1, err);
		if (e == 0)
			e = ck_inject(seed, &fd, "make a memfd", SYS_memfd_create, (uint64_t)at, 0, 0,
				      0, 0, 0, err);
		if (e == 0)
			e = ck_inject(seed, &ret, "size a memfd", SYS_ftruncate, (uint64_t)fd, m->size,
				      0, 0, 0, 0, err);
		r->shm_fds[i] = (int)fd;
		if (e == 0)
			e = fill_shm(seed->tid, (int)fd, dirfd, m, err);
	}
	return e;
}

static int sock_index(const struct ck_image *img, uint64_t id)
{
	for (size_t i = 0; i < img->nsocks; i++)
		if (img->socks[i].id == id)
			return (int)i;
	return -1;
}

/* Queue data for the socket whose peer is fd: written through the peer. */
static int send_through(struct ck_task *seed, long at, int fd, const struct ck_sock *s,
			struct hy_err *err)
{
	long ret;
	int e = s->len ? ck_task_write(seed, (uint64_t)at, s->data, s->len, err) : 0;
	if (e == 0 && s->len)
		e = ck_inject(seed, &ret, "queue a socket's bytes", SYS_sendto, (uint64_t)fd,
			      (uint64_t)at, s->len, MSG_DONTWAIT, 0, 0, err);
	if (e == 0 && s->len && (size_t)ret != s->len)
		e = hy_err_set(err, -EAGAIN, "queue a socket's bytes: %ld of %zu", ret, s->len);
	return e;
}

static int shut(struct ck_task *seed, int fd, int bits, struct hy_err *err)
{
	long ret;
	if (!bits)
		return 0;
	int how = bits == 3 ? SHUT_RDWR : bits == 1 ? SHUT_RD : SHUT_WR;
	return ck_inject(seed, &ret, "shut a socket down", SYS_shutdown, (uint64_t)fd, (uint64_t)how,
			 0, 0, 0, 0, err);
}

/*
 * The image's socket pairs, made in the seed like pipes: the bytes queued
 * for each end are sent through the other, then the saved shutdown state;
 * an end whose peer was gone gets its peer closed, as it was.
 */
static int make_socks(struct restorer *r, struct hy_err *err)
{
	struct ck_task *seed = &r->tasks[0];
	long at = 0, ret;
	int e = r->img->nsocks ? ck_inject(seed, &at, "map a scratch area in the seed", SYS_mmap, 0,
					   CK_SOCK_DATA_MAX + CK_PAGE, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0, err)
			       : 0;
	for (size_t i = 0; i < r->img->nsocks; i++)
		r->sock_fds[i] = -1;
	for (size_t i = 0; i < r->img->nsocks && e == 0; i++) {
		const struct ck_sock *s = &r->img->socks[i];
		int sv[2], j = sock_index(r->img, s->peer);
		if (r->sock_fds[i] >= 0)
			continue; /* made with its peer */
		e = ck_inject(seed, &ret, "make a socket pair", SYS_socketpair, AF_UNIX, SOCK_STREAM,
			      0, (uint64_t)at, 0, 0, err);
		if (e == 0)
			e = ck_task_read(seed, (uint64_t)at, sv, sizeof(sv), err);
		if (e < 0)
			break;
		r->sock_fds[i] = sv[0];
		if (j >= 0)
			r->sock_fds[j] = sv[1];
		e = send_through(seed, at, sv[1], s, err);
		if (e == 0 && j >= 0)
			e = send_through(seed, at, sv[0], &r->img->socks[j], err);
		if (e == 0)
			e = shut(seed, sv[0], s->shutdown, err);
		if (e == 0 && j >= 0)
			e = shut(seed, sv[1], r->img->socks[j].shutdown, err);
		if (e == 0 && j < 0)
			e = ck_inject(seed, &ret, "close a gone peer", SYS_close, (uint64_t)sv[1], 0, 0,
				      0, 0, 0, err);
	}
	return e;
}

/*
 * Let a task end the way a saved zombie did, and leave it to its parent:
 * exit_group(code) from its own registers, or a signal (default action,
 * unblocked, no core file) sent while it is stopped.
 */
static int end_task(struct ck_task *t, int status, struct hy_err *err)
{
	struct user_regs_struct regs = t->regs;
	if (WIFSIGNALED(status)) {
		struct rlimit none = { 0, 0 };
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		uint64_t at = (t->regs.rsp - 1024) & ~15ULL, mask = 0;
		long ret;
		int sig = WTERMSIG(status);
		int e = ck_task_write(t, at, &none, sizeof(none), err);
		if (e == 0)
			e = ck_inject(t, &ret, "set no core file", SYS_prlimit64, 0, RLIMIT_CORE, at, 0,
				      0, 0, err);
		if (e == 0)
			e = ck_task_write(t, at, &dfl, sizeof(dfl), err);
		if (e == 0)
			e = ck_inject(t, &ret, "reset a handler", SYS_rt_sigaction, (uint64_t)sig, at,
				      0, 8, 0, 0, err);
		if (e == 0 && ptrace(PTRACE_SETSIGMASK, t->tid, sizeof(mask), &mask) < 0)
			e = hy_err_setr(err, -errno, "unblock signals of task %d", t->tid);
		if (e < 0)
			return e;
		kill(t->tid, sig);
	} else {
		regs.rip = t->syscall_insn;
		regs.rax = SYS_exit_group;
		regs.rdi = (uint64_t)WEXITSTATUS(status);
		regs.orig_rax = (uint64_t)-1;
		if (ptrace(PTRACE_SETREGS, t->tid, 0, &regs) < 0)
			return hy_err_setr(err, -errno, "set the registers of task %d", t->tid);
	}
	ptrace(PTRACE_DETACH, t->tid, 0, 0); /* SIGKILL may have ended it already */
	ck_task_close(t);
	return 0;
}

/* The saved zombies: forked from their parents, ended as they had. */
static int make_zombies(struct restorer *r, struct hy_err *err)
{
	int e = 0;
	for (size_t i = 0; i < r->img->nzombies && e == 0; i++) {
		const struct ck_zombie *z = &r->img->zombies[i];
		struct ck_task t;
		size_t parent = 0;
		for (size_t j = 0; j < r->img->nprocs; j++)
			if (r->img->procs[j].pid == z->ppid)
				parent = j;
		e = spawn(r, &r->tasks[r->first[parent]], SIGCHLD, z->pid, &t, err);
		if (e == 0)
			e = end_task(&t, z->status, err);
	}
	return e;
}

/* Process groups: leaders first, then the members joining them. */
static int set_groups(struct restorer *r, struct hy_err *err)
{
	int e = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->img->nprocs && e == 0; i++) {
			const struct ck_proc *p = &r->img->procs[i];
			long ret;
			if ((p->pgid == p->pid) != (pass == 0) || p->pid == p->sid)
				continue; /* a session leader leads its group already */
			e = ck_inject(&r->tasks[r->first[i]], &ret, "set the process group",
				      SYS_setpgid, 0, (uint64_t)p->pgid, 0, 0, 0, 0, err);
		}
	return e;
}

static pid_t free_pid(const struct ck_image *img)
{
	pid_t max = 2;
	for (size_t i = 0; i < img->nprocs; i++)
		for (size_t t = 0; t < img->procs[i].nthreads; t++)
			max = MAX(max, img->procs[i].threads[t].tid);
	for (size_t i = 0; i < img->nzombies; i++)
		max = MAX(max, img->zombies[i].pid);
	return max + 1;
}

/* Let everything go, then re-send the signals that were pending. */
static void release(struct restorer *r, size_t ntasks)
{
	for (size_t i = 0; i < ntasks; i++)
		if (r->tasks[i].tid)
			ck_task_release(&r->tasks[i]);
}

static void resend_pending(const struct restorer *r)
{
	for (size_t i = 0; i < r->img->nprocs; i++) {
		const struct ck_proc *p = &r->img->procs[i];
		pid_t host = r->tasks[r->first[i]].tid;
		for (int s = 1; s <= CK_NSIG; s++) {
			if (p->sigpending & (1ULL << (s - 1)))
				kill(host, s);
			for (size_t t = 0; t < p->nthreads; t++)
				if (p->threads[t].sigpending & (1ULL << (s - 1)))
					syscall(SYS_tgkill, host, r->tasks[r->first[i] + t].tid, s);
		}
	}
}

static int restore(struct restorer *r, const struct ck_image *img, int dirfd, pid_t init_host,
		   pid_t seed, struct hy_err *err)
{
	int e = ck_task_seize(seed, SEIZE_OPTS, err);
	if (e == 0)
		e = ck_task_wait_stop(seed, err);
	if (e == 0)
		e = ck_task_open(&r->tasks[0], seed, err);
	if (e == 0)
		e = make_pipes(r, err);
	if (e == 0)
		e = make_shms(r, dirfd, err);
	if (e == 0)
		e = make_socks(r, err);
	if (e == 0)
		e = start_helper(r, init_host, free_pid(img), err);
	if (e == 0)
		e = build_tree(r, err);
	if (e == 0)
		e = make_zombies(r, err);
	stop_helper(r);
	for (size_t i = 0; i < img->nprocs && e == 0; i++) {
		struct ck_restore_proc rp = { .img = img, .pipe_fds = (const int(*)[2])r->pipe_fds,
					      .shm_fds = r->shm_fds, .sock_fds = r->sock_fds,
					      .p = &img->procs[i], .tasks = &r->tasks[r->first[i]],
					      .image_dirfd = dirfd };
		e = ck_restore_memory(&rp, err);
		if (e == 0)
			e = ck_restore_state(&rp, err);
		if (e < 0)
			hy_err_wrap(err, "restore pid %d", img->procs[i].pid);
	}
	return e == 0 ? set_groups(r, err) : e;
}

int ck_restore_tasks(const struct ck_image *img, int image_dirfd, pid_t init_host,
		     pid_t seed_host, struct hy_err *err)
{
	struct restorer r = { .img = img, .helper = -1 };
	size_t n = 0;
	r.first = calloc(img->nprocs, sizeof(*r.first));
	for (size_t i = 0; i < img->nprocs; i++) {
		r.first[i] = n;
		n += img->procs[i].nthreads;
	}
	r.tasks = calloc(n, sizeof(*r.tasks));
	r.pipe_fds = calloc(img->npipes + 1, sizeof(*r.pipe_fds));
	r.shm_fds = calloc(img->nshms + 1, sizeof(*r.shm_fds));
	r.sock_fds = calloc(img->nsocks + 1, sizeof(*r.sock_fds));
	if (!r.first || !r.tasks || !r.pipe_fds || !r.shm_fds || !r.sock_fds) {
		free(r.sock_fds);
		free(r.first);
		free(r.tasks);
		free(r.pipe_fds);
		free(r.shm_fds);
		return hy_err_set(err, -ENOMEM, "restore");
	}
	int e = restore(&r, img, image_dirfd, init_host, seed_host, err);
	if (e < 0) {
		kill(seed_host, SIGKILL); /* the rest die with the container */
		for (size_t i = 0; i < n; i++)
			ck_task_close(&r.tasks[i]);
	} else {
		release(&r, n);
		resend_pending(&r);
	}
	free(r.tasks);
	free(r.first);
	free(r.pipe_fds);
	free(r.shm_fds);
	free(r.sock_fds);
	return e;
}
