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
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ckpt_restore.h"
#include "util.h"

#define SEIZE_OPTS (PTRACE_O_EXITKILL | PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE)
#define THREAD_FLAGS                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

struct restorer {
	const struct ck_image *img;
	struct ck_seed_objects objs; /* made in the seed before it forks */
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
		e = ck_make_seed_objects(&r->tasks[0], img, dirfd, &r->objs, err);
	if (e == 0)
		e = start_helper(r, init_host, free_pid(img), err);
	if (e == 0)
		e = build_tree(r, err);
	if (e == 0)
		e = make_zombies(r, err);
	stop_helper(r);
	for (size_t i = 0; i < img->nprocs && e == 0; i++) {
		struct ck_restore_proc rp = { .img = img, .objs = &r->objs,
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
	if (!r.first || !r.tasks || ck_seed_objects_init(&r.objs, img) < 0) {
		free(r.first);
		free(r.tasks);

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
	ck_seed_objects_fini(&r.objs);
	return e;
}
