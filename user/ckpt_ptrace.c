// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stopped tasks driven from outside (ckpt_ptrace.h). A syscall is injected
 * by pointing the task's registers at a `syscall` instruction of its vDSO
 * (present in every x86-64 process, never written to) and letting it run to
 * the syscall-exit stop: nothing of the task's own code or memory is
 * touched, and orig_rax = -1 keeps the kernel from restarting whatever
 * syscall the task was stopped in.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ckpt_ptrace.h"
#include "util.h"

#define SYSCALL_STOP (SIGTRAP | 0x80)

int ck_task_seize(pid_t tid, unsigned long options, struct hy_err *err)
{
	if (ptrace(PTRACE_SEIZE, tid, 0, options | PTRACE_O_TRACESYSGOOD) < 0)
		return hy_err_setr(err, -errno, "seize task %d", tid);
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		return hy_err_setr(err, -errno, "interrupt task %d", tid);
	return 0;
}

/* One stop of tid: its status, or -errno when it is gone. */
static int wait_one(pid_t tid, int *st, struct hy_err *err)
{
	for (;;) {
		pid_t p = waitpid(tid, st, __WALL);
		if (p == tid && WIFSTOPPED(*st))
			return 0;
		if (p == tid)
			return hy_err_set(err, -ESRCH, "task %d ended while being checkpointed or restored",
					  tid);
		if (errno != EINTR)
			return hy_err_setr(err, -errno, "wait for task %d", tid);
	}
}

int ck_task_wait_stop(pid_t tid, struct hy_err *err)
{
	int st;
	return wait_one(tid, &st, err);
}

static int find_vdso(pid_t tid, uint64_t *start, uint64_t *end)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	int r = -ENOENT;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]") &&
		    sscanf(line, "%lx-%lx", (unsigned long *)start, (unsigned long *)end) == 2) {
			r = 0;
			break;
		}
	fclose(f);
	return r;
}

int ck_task_find_syscall(struct ck_task *t, struct hy_err *err)
{
	uint64_t start, end;
	int r = find_vdso(t->tid, &start, &end);
	if (r < 0)
		return hy_err_setr(err, r, "find the vDSO of task %d", t->tid);
	size_t len = MIN(end - start, (uint64_t)(1 << 16));
	_cleanup_free_ uint8_t *buf = malloc(len);
	if (!buf)
		return hy_err_set(err, -ENOMEM, "read the vDSO");
	if ((r = ck_task_read(t, start, buf, len, err)) < 0)
		return r;
	for (size_t i = 0; i + 1 < len; i++)
		if (buf[i] == 0x0f && buf[i + 1] == 0x05) {
			t->syscall_insn = start + i;
			return 0;
		}
	return hy_err_set(err, -ENOENT, "no syscall instruction in the vDSO of task %d", t->tid);
}

int ck_task_open(struct ck_task *t, pid_t tid, struct hy_err *err)
{
	char path[64];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	snprintf(path, sizeof(path), "/proc/%d/mem", tid);
	t->memfd = open(path, O_RDWR | O_CLOEXEC);
	if (t->memfd < 0)
		return hy_err_setr(err, -errno, "open %s", path);
	if (ptrace(PTRACE_GETREGS, tid, 0, &t->regs) < 0)
		return hy_err_setr(err, -errno, "read the registers of task %d", tid);
	return ck_task_find_syscall(t, err);
}

void ck_task_close(struct ck_task *t)
{
	if (t->memfd > 0)
		close(t->memfd);
	t->memfd = -1;
}

/* process_vm_readv/writev (several times faster than /proc/PID/mem); 0, or
 * -EFAULT where protections stop it (then /proc/PID/mem, which forces). */
static int vm_copy(pid_t tid, uint64_t addr, void *buf, size_t len, bool write)
{
	while (len) {
		struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
		ssize_t n = write ? process_vm_writev(tid, &local, 1, &remote, 1, 0)
				  : process_vm_readv(tid, &local, 1, &remote, 1, 0);
		if (n <= 0)
			return -EFAULT;
		buf = (char *)buf + n, addr += (uint64_t)n, len -= (size_t)n;
	}
	return 0;
}

int ck_task_read(struct ck_task *t, uint64_t addr, void *buf, size_t len, struct hy_err *err)
{
	if (vm_copy(t->tid, addr, buf, len, false) == 0)
		return 0;
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(t->memfd, (char *)buf + done, len - done, (off_t)(addr + done));
		if (n <= 0)
			return hy_err_setr(err, n < 0 ? -errno : -EIO,
					   "read memory of task %d at 0x%lx", t->tid,
					   (unsigned long)(addr + done));
		done += (size_t)n;
	}
	return 0;
}

int ck_task_write(struct ck_task *t, uint64_t addr, const void *buf, size_t len,
		  struct hy_err *err)
{
	if (vm_copy(t->tid, addr, (void *)buf, len, true) == 0)
		return 0;
	for (size_t done = 0; done < len;) {
		ssize_t n = pwrite(t->memfd, (const char *)buf + done, len - done,
				   (off_t)(addr + done));
		if (n <= 0)
			return hy_err_setr(err, n < 0 ? -errno : -EIO,
					   "write memory of task %d at 0x%lx", t->tid,
					   (unsigned long)(addr + done));
		done += (size_t)n;
	}
	return 0;
}

/* Resume to the next syscall stop; note fork/clone children and signals
 * that arrive meanwhile (re-sent at release). */
static int to_syscall_stop(struct ck_task *t, struct hy_err *err)
{
	int sig = 0, st;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, t->tid, 0, sig) < 0)
			return hy_err_setr(err, -errno, "resume task %d", t->tid);
		int r = wait_one(t->tid, &st, err);
		if (r < 0)
			return r;
		int event = st >> 16, s = WSTOPSIG(st);
		sig = 0;
		if (s == SYSCALL_STOP)
			return 0;
		if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_CLONE ||
		    event == PTRACE_EVENT_VFORK) {
			unsigned long msg;
			if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) == 0)
				t->new_child = msg;
		} else if (!event && s != SIGTRAP && s != SIGSTOP) {
			t->pending_sig = s;
		}
	}
}

int ck_task_syscall(struct ck_task *t, long *ret, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3, uint64_t a4, uint64_t a5, struct hy_err *err)
{
	struct user_regs_struct r = t->regs;
	r.rip = t->syscall_insn;
	r.rax = (uint64_t)nr;
	r.orig_rax = (uint64_t)-1;
	r.rdi = a0, r.rsi = a1, r.rdx = a2, r.r10 = a3, r.r8 = a4, r.r9 = a5;
	r.eflags &= ~0x100ULL; /* no single-step */
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &r) < 0)
		return hy_err_setr(err, -errno, "set the registers of task %d", t->tid);
	int e = to_syscall_stop(t, err);
	if (e == 0)
		e = to_syscall_stop(t, err);
	if (e < 0)
		return e;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &r) < 0)
		return hy_err_setr(err, -errno, "read the registers of task %d", t->tid);
	*ret = (long)r.rax;
	return 0;
}

#ifndef PTRACE_GET_RSEQ_CONFIGURATION
#define PTRACE_GET_RSEQ_CONFIGURATION 0x420f
#endif

int ck_task_rseq(pid_t tid, uint64_t *addr, uint32_t *len, uint32_t *sig)
{
	struct { /* struct ptrace_rseq_configuration (linux/ptrace.h) */
		uint64_t rseq_abi_pointer;
		uint32_t rseq_abi_size, signature, flags, pad;
	} rc = { 0 };
	if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, tid, sizeof(rc), &rc) <= 0 || !rc.rseq_abi_pointer)
		return 0;
	*addr = rc.rseq_abi_pointer, *len = rc.rseq_abi_size, *sig = rc.signature;
	return 1;
}

int ck_task_release(struct ck_task *t)
{
	int r = 0;
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &t->regs) < 0 ||
	    ptrace(PTRACE_DETACH, t->tid, 0, t->pending_sig) < 0)
		r = -errno;
	ck_task_close(t);
	return r;
}
