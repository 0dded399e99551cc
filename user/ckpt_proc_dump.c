// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stopped process's and its threads' state: registers and FPU state
 * through ptrace; what only the task itself can read (signal handlers, its
 * alternate signal stack, clear_child_tid, brk, dumpable) by syscalls
 * injected into it, writing into a scratch page mapped for the purpose and
 * unmapped again; the rest from /proc/PID/{stat,status,auxv,exe,cwd}.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
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

#include <jansson.h>

#include "ckpt_dump.h"
#include "task.h"
#include "util.h"

#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

void ck_block(struct ck_blockers *b, const char *fmt, ...)
{
	va_list ap;
	if (b->n < CK_BLOCKERS_MAX) {
		va_start(ap, fmt);
		vsnprintf(b->line[b->n++], sizeof(b->line[0]), fmt, ap);
		va_end(ap);
	}
	b->total++;
}

void ck_check_utf8(struct ck_dump_proc *d, const char *what, const char *s)
{
	json_t *j = json_string(s); /* NULL unless valid UTF-8 */
	if (!j)
		ck_block(d->blockers, "pid %d: %s is not UTF-8, which the image cannot hold", d->p->pid,
			 what);
	json_decref(j);
}

pid_t ck_pidmap_ns(const struct ck_pidmap *m, pid_t host)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->host[i] == host)
			return m->ns[i];
	return 0;
}

/*
 * A task stopped inside a syscall that a signal (here: our interrupt)
 * broke off shows -ERESTART* in rax; the kernel would restart it on the way
 * out. The image holds the state after that decision: the syscall
 * instruction again, with its number. A syscall with a restart block
 * (nanosleep, poll and futex timeouts) starts over with its original
 * arguments: an absolute timeout ends when it would have, a relative one
 * waits its whole length again (CRIU returns EINTR instead, which programs
 * rarely expect without a signal).
 */
static void restart_fixup(struct user_regs_struct *r)
{
	if ((long)r->orig_rax < 0)
		return;
	switch (-(long)r->rax) {
	case ERESTARTSYS:
	case ERESTARTNOINTR:
	case ERESTARTNOHAND:
	case ERESTART_RESTARTBLOCK:
		r->rax = r->orig_rax;
		r->rip -= 2;
	}
}

/* Text of /proc/PID/<name> (or task/TID/<name>). */
static char *proc_text(int procfd, const char *name)
{
	char *buf = NULL;
	return read_file_at(procfd, name, &buf) < 0 ? NULL : buf;
}

unsigned long long ck_status_num(const char *status, const char *key, int base, bool last)
{
	unsigned long long v[8] = { 0 };
	int n = status ? emu_status_field(status, key, base, v, (int)ARRAY_SIZE(v)) : 0;
	return n ? v[last ? n - 1 : 0] : 0;
}

static uint64_t status_hex(const char *status, const char *key)
{
	return ck_status_num(status, key, 16, false);
}

static void status_ids(const char *status, const char *key, uint32_t out[3])
{
	unsigned long long v[3] = { 0 };
	if (status)
		emu_status_field(status, key, 10, v, 3);
	out[0] = (uint32_t)v[0], out[1] = (uint32_t)v[1], out[2] = (uint32_t)v[2];
}

static int dump_thread(struct ck_dump_proc *d, size_t i, uint64_t scratch, struct hy_err *err)
{
	struct ck_thread *t = &d->p->threads[i];
	struct ck_task *k = &d->tasks[i];
	char name[64];
	long ret;
	int r;
	t->regs = k->regs;
	restart_fixup(&t->regs);
	struct iovec iov = { t->xstate, sizeof(t->xstate) };
	if (ptrace(PTRACE_GETREGSET, k->tid, NT_X86_XSTATE, &iov) < 0)
		return hy_err_setr(err, -errno, "read the FPU state of task %d", k->tid);
	t->xstate_len = iov.iov_len;
	if (ptrace(PTRACE_GETSIGMASK, k->tid, sizeof(t->sigmask), &t->sigmask) < 0)
		return hy_err_setr(err, -errno, "read the signal mask of task %d", k->tid);
	uint32_t sig = 0;
	if (ck_task_rseq(k->tid, &t->rseq_addr, &t->rseq_len, &sig))
		t->rseq_sig = sig;
	void *head = NULL;
	size_t len = 0;
	if (syscall(SYS_get_robust_list, k->tid, &head, &len) == 0)
		t->robust_addr = (uint64_t)(uintptr_t)head, t->robust_len = len;
	if ((r = ck_task_syscall(k, &ret, SYS_prctl, PR_GET_TID_ADDRESS, scratch, 0, 0, 0, 0,
				 err)) < 0)
		return r;
	if (ret == 0 && (r = ck_task_read(k, scratch, &t->tid_address, 8, err)) < 0)
		return r;
	stack_t ss;
	if ((r = ck_task_syscall(k, &ret, SYS_sigaltstack, 0, scratch, 0, 0, 0, 0, err)) < 0 ||
	    (r = ck_task_read(k, scratch, &ss, sizeof(ss), err)) < 0)
		return r;
	if (ret == 0 && !(ss.ss_flags & SS_DISABLE))
		t->ss_sp = (uint64_t)(uintptr_t)ss.ss_sp, t->ss_size = ss.ss_size,
		t->ss_flags = ss.ss_flags & ~SS_ONSTACK;
	snprintf(name, sizeof(name), "task/%d/comm", k->tid);
	_cleanup_free_ char *comm = proc_text(d->procfd, name);
	if (comm)
		snprintf(t->comm, sizeof(t->comm), "%.*s", (int)strcspn(comm, "\n"), comm);
	for (char *c = t->comm; *c; c++) /* any bytes, cut anywhere: keep it ASCII */
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '?';
	snprintf(name, sizeof(name), "task/%d/status", k->tid);
	_cleanup_free_ char *status = proc_text(d->procfd, name);
	t->sigpending = status_hex(status, "\nSigPnd:");
	return 0;
}

/* What only the task can tell: handlers, brk, dumpable, and each thread's own. */
static int dump_injected(struct ck_dump_proc *d, struct hy_err *err)
{
	struct ck_task *k = &d->tasks[0];
	long scratch, ret;
	int r = ck_task_syscall(k, &scratch, SYS_mmap, 0, CK_PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0, err);
	if (r < 0)
		return r;
	if (scratch < 0 && scratch > -4096)
		return hy_err_setr(err, (int)scratch, "map a scratch page in task %d", k->tid);
	for (int s = 1; s <= CK_NSIG && r == 0; s++) {
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		r = ck_task_syscall(k, &ret, SYS_rt_sigaction, (uint64_t)s, 0, (uint64_t)scratch, 8,
				    0, 0, err);
		if (r == 0 && ret == 0)
			r = ck_task_read(k, (uint64_t)scratch, &d->p->sig[s - 1],
					 sizeof(d->p->sig[0]), err);
	}
	for (size_t i = 0; i < d->p->nthreads && r == 0; i++)
		r = dump_thread(d, i, (uint64_t)scratch, err);
	if (r == 0)
		r = ck_task_syscall(k, &ret, SYS_brk, 0, 0, 0, 0, 0, 0, err);
	d->p->mm.brk = (uint64_t)ret;
	if (r == 0)
		r = ck_task_syscall(k, &ret, SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0, 0, err);
	d->p->dumpable = (int)ret;
	for (int w = 0; w < 3 && r == 0; w++) { /* alarm(), setitimer() */
		struct itimerval it;
		r = ck_task_syscall(k, &ret, SYS_getitimer, (uint64_t)w, (uint64_t)scratch, 0, 0, 0,
				    0, err);
		if (r == 0 && ret == 0)
			r = ck_task_read(k, (uint64_t)scratch, &it, sizeof(it), err);
		if (r == 0 && ret == 0) {
			d->p->itimer[w][0] = (uint64_t)it.it_value.tv_sec * 1000000000ULL +
					     (uint64_t)it.it_value.tv_usec * 1000;
			d->p->itimer[w][1] = (uint64_t)it.it_interval.tv_sec * 1000000000ULL +
					     (uint64_t)it.it_interval.tv_usec * 1000;
		}
	}
	long unmapped;
	int r2 = ck_task_syscall(k, &unmapped, SYS_munmap, (uint64_t)scratch, CK_PAGE, 0, 0, 0, 0,
				 err);
	return r < 0 ? r : r2;
}

/* /proc/PID/stat's numeric fields from field 4 (the parent) on, f[4].. */
static int stat_fields(int procfd, unsigned long long *f, size_t n)
{
	_cleanup_free_ char *s = proc_text(procfd, "stat");
	char *p = s ? strrchr(s, ')') : NULL;
	if (!p)
		return -EIO;
	p += 4; /* ") S ": the state is a letter */
	for (size_t i = 4; i < n && *p; i++) {
		f[i] = strtoull(*p == '-' ? p + 1 : p, &p, 10);
		while (*p == ' ')
			p++;
	}
	return 0;
}

static int dump_ids(struct ck_dump_proc *d, struct hy_err *err)
{
	struct ck_proc *p = d->p;
	_cleanup_free_ char *status = proc_text(d->procfd, "status");
	if (!status)
		return hy_err_setr(err, -errno, "read /proc/%d/status", p->host_pid);
	const char *g = strstr(status, "\nUmask:");
	p->umask = g ? (unsigned)strtoul(g + 7, NULL, 8) : 022;
	status_ids(status, "\nUid:", p->uid);
	status_ids(status, "\nGid:", p->gid);
	g = strstr(status, "\nGroups:");
	for (char *e = (char *)(g ? g + 8 : ""); p->ngroups < ARRAY_SIZE(p->groups);) {
		char *next;
		unsigned long v = strtoul(e, &next, 10);
		if (next == e)
			break;
		p->groups[p->ngroups++] = (uint32_t)v;
		e = next;
	}
	p->cap_inh = status_hex(status, "\nCapInh:");
	p->cap_prm = status_hex(status, "\nCapPrm:");
	p->cap_eff = status_hex(status, "\nCapEff:");
	p->cap_bnd = status_hex(status, "\nCapBnd:");
	p->sigpending = status_hex(status, "\nShdPnd:");
	if (status_hex(status, "\nCapAmb:"))
		ck_block(d->blockers, "pid %d: ambient capabilities", p->pid);
	return 0;
}

static int dump_mm(struct ck_dump_proc *d, struct hy_err *err)
{
	struct ck_proc *p = d->p;
	unsigned long long f[52] = { 0 };
	if (stat_fields(d->procfd, f, ARRAY_SIZE(f)) < 0)
		return hy_err_set(err, -EIO, "read /proc/%d/stat", p->host_pid);
	pid_t pgid = ck_pidmap_ns(d->map, (pid_t)f[5]), sid = ck_pidmap_ns(d->map, (pid_t)f[6]);
	p->pgid = pgid ? pgid : p->pid;
	p->sid = sid ? sid : p->pid;
	if (!pgid || !sid)
		ck_block(d->blockers, "pid %d: its process group or session is outside the container",
			 p->pid);
	struct ck_mm *m = &p->mm;
	m->start_code = f[26], m->end_code = f[27], m->start_stack = f[28];
	m->start_data = f[45], m->end_data = f[46], m->start_brk = f[47];
	m->arg_start = f[48], m->arg_end = f[49], m->env_start = f[50], m->env_end = f[51];
	_cleanup_close_ int fd = openat(d->procfd, "auxv", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, m->auxv, sizeof(m->auxv));
	if (n < 0)
		return hy_err_setr(err, -errno, "read /proc/%d/auxv", p->host_pid);
	m->auxv_len = (size_t)n;
	return 0;
}

static char *link_at(int procfd, const char *name)
{
	char buf[4096];
	ssize_t n = readlinkat(procfd, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	return strdup(buf);
}

int ck_dump_proc_state(struct ck_dump_proc *d, struct hy_err *err)
{
	struct ck_proc *p = d->p;
	int r = dump_injected(d, err);
	if (r < 0 || (r = dump_ids(d, err)) < 0 || (r = dump_mm(d, err)) < 0)
		return r;
	p->exe = link_at(d->procfd, "exe");
	p->cwd = link_at(d->procfd, "cwd");
	if (!p->exe || !p->cwd)
		return hy_err_setr(err, -errno, "read the executable and cwd of pid %d", p->pid);
	ck_check_utf8(d, "its executable", p->exe);
	ck_check_utf8(d, "its working directory", p->cwd);
	if (strstr(p->exe, " (deleted)"))
		ck_block(d->blockers, "pid %d: its executable %s", p->pid, p->exe);
	if (strstr(p->cwd, " (deleted)") || p->cwd[0] != '/')
		ck_block(d->blockers, "pid %d: its working directory %s", p->pid, p->cwd);
	_cleanup_free_ char *timers = proc_text(d->procfd, "timers");
	if (timers && *timers)
		ck_block(d->blockers, "pid %d: POSIX timers (timer_create)", p->pid);
	return 0;
}
