// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Lifecycle telemetry: exec, fork/clone and exit of the tasks of watched
 * containers, from the sched tracepoints (tp_btf; BPF LSM and fentry do not
 * load on every host we support), and, attached only on request
 * (--trace-syscalls), one event per syscall from raw_syscalls sys_enter/
 * sys_exit with per-CPU counts by number. Loaded by user/trace.c as root.
 *
 * Every program runs for every task on the host, so the first thing each does
 * is one hash lookup of the current cgroup id in hy_cgroups; a host task
 * returns right there and pays nothing else. Programs only observe: they
 * never change what the task does, and they never print (events go through
 * the ring buffer of events.bpf.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "common.bpf.h"
#include "events.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Containers to watch: cgroup v2 id of the leaf -> struct hy_trace_cg. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, struct hy_trace_cg);
} hy_cgroups SEC(".maps");

/*
 * Per-syscall tracing. A call's entry (time, number, ABI) waits in its
 * task's local storage until its sys_exit, which clears ts_ns. Task storage
 * rather than a hash keyed by tid: no element to allocate and free per call
 * (a hash update + lookup + delete per syscall cost about half of each
 * event), and host tasks, which have none, cost sys_exit one pointer check.
 * The storage goes with the task (exit/exit_group never reach sys_exit).
 * When it cannot be had (no memory, or the storage is busy in a nested
 * program on this CPU), the call loses its event, counted as dropped.
 */
struct hy_sys_start {
	__u64 ts_ns;
	__u32 nr;
	__u32 arch;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct hy_sys_start);
} hy_sys_start SEC(".maps");

/* Calls by number (index: nr, or HY_SYS_NR_OTHER), per CPU: no atomics on the hot path.
 * Per container because each container's supervisor loads its own skeleton. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HY_SYS_NR_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} hy_sys_counts SEC(".maps");

/* The cgroup id of current if it belongs to a watched container, else 0. */
static __always_inline __u64 watched_cgid(void)
{
	__u64 cgid = bpf_get_current_cgroup_id();

	return bpf_map_lookup_elem(&hy_cgroups, &cgid) ? cgid : 0;
}

static __always_inline void fill_task(struct hy_evt_task *t, struct task_struct *p)
{
	t->pid = BPF_CORE_READ(p, tgid);
	t->tid = BPF_CORE_READ(p, pid);
	BPF_CORE_READ_STR_INTO(&t->comm, p, comm);
}

/*
 * Runs after the new image is set up: current has its new mm, creds and comm,
 * and the argument strings sit on the new stack, resident (the kernel just
 * copied them there), so a non-sleepable bpf_probe_read_user() finds them.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(hy_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 cgid = watched_cgid();
	struct hy_evt_exec *e;
	__u64 start, end, len;
	__u64 ugid;

	if (!cgid)
		return 0;
	e = hy_evt_reserve(HY_EVT_EXEC, sizeof(*e), cgid);
	if (!e)
		return 0;
	fill_task(&e->task, p);
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	ugid = bpf_get_current_uid_gid();
	e->uid = (__u32)ugid;
	e->gid = ugid >> 32;
	e->flags = 0;
	if (bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				      BPF_CORE_READ(bprm, filename)) < 0)
		e->filename[0] = '\0';

	start = BPF_CORE_READ(p, mm, arg_start);
	end = BPF_CORE_READ(p, mm, arg_end);
	len = end > start ? end - start : 0;
	e->args_total = len > 0xffffffffULL ? 0xffffffffU : (__u32)len;
	if (len > HY_ARGS_LEN) {
		len = HY_ARGS_LEN;
		e->flags |= HY_EXEC_F_ARGS_TRUNC;
	}
	barrier_var(len);
	if (len > HY_ARGS_LEN) /* for the verifier: a known bound after the barrier */
		len = HY_ARGS_LEN;
	if (len && bpf_probe_read_user(e->args, len, (const void *)start) < 0) {
		len = 0;
		e->flags |= HY_EXEC_F_ARGS_FAULT;
	}
	e->args_len = len;
	hy_evt_submit(e);
	return 0;
}

/* A task's number in the innermost pid namespace it is in (pid->numbers[level].nr). */
static __always_inline __u32 ns_nr(struct pid *pid)
{
	unsigned int level = BPF_CORE_READ(pid, level);
	__u64 off = bpf_core_field_offset(struct pid, numbers) +
		    (__u64)level * bpf_core_type_size(struct upid) +
		    bpf_core_field_offset(struct upid, nr);
	int nr = 0;

	if (bpf_probe_read_kernel(&nr, sizeof(nr), (char *)pid + off) < 0)
		return 0;
	return nr;
}

/*
 * current is the parent; the child is already in its cgroup (cgroup_post_fork
 * ran), which is the parent's except for clone3(CLONE_INTO_CGROUP) — so the
 * supervisor creating the container's init is not reported, the init's own
 * forks are. Thread or process: clone flags are not passed here, but a thread
 * shares its creator's tgid, so tid != tgid tells.
 */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(hy_fork, struct task_struct *parent, struct task_struct *child)
{
	__u64 cgid = watched_cgid();
	__u64 pid_tgid;
	struct hy_evt_fork *e;

	if (!cgid)
		return 0;
	e = hy_evt_reserve(HY_EVT_FORK, sizeof(*e), cgid);
	if (!e)
		return 0;
	fill_task(&e->task, child);
	e->ppid = BPF_CORE_READ(child, real_parent, tgid);
	pid_tgid = bpf_get_current_pid_tgid();
	e->parent_pid = pid_tgid >> 32;
	e->parent_tid = (__u32)pid_tgid;
	e->flags = e->task.pid != e->task.tid ? HY_TASK_F_THREAD : 0;
	e->ctid = ns_nr(BPF_CORE_READ(child, thread_pid));
	e->cpid = ns_nr(BPF_CORE_READ(child, group_leader, thread_pid));
	e->start_ns = BPF_CORE_READ(child, start_boottime);
	hy_evt_submit(e);
	return 0;
}

/*
 * Every task of a container, threads included (marked): the filter already
 * paid for the lookup and thread exits keep fork/exit pairs balanced.
 * exit_code is set and signal->live already decremented when this fires, so
 * live == 0 means the whole process is gone. (6.16+ passes group_dead as a
 * second argument; reading live works on older kernels too.)
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(hy_exit, struct task_struct *p)
{
	__u64 cgid = watched_cgid();
	struct hy_evt_task_exit *e;
	int code;

	if (!cgid)
		return 0;
	e = hy_evt_reserve(HY_EVT_TASK_EXIT, sizeof(*e), cgid);
	if (!e)
		return 0;
	fill_task(&e->task, p);
	code = BPF_CORE_READ(p, exit_code);
	/* wait(2) encoding: status << 8, or the signal in the low 7 bits (+0x80: core). */
	if (code & 0x7f) {
		e->exit_code = -1;
		e->signal = code & 0x7f;
	} else {
		e->exit_code = (code >> 8) & 0xff;
		e->signal = 0;
	}
	e->flags = e->task.pid != e->task.tid ? HY_TASK_F_THREAD : 0;
	if (BPF_CORE_READ(p, signal, live.counter) == 0)
		e->flags |= HY_TASK_F_GROUP_DEAD;
	if (code & 0x80)
		e->flags |= HY_TASK_F_CORE_DUMP;
	e->__pad = 0;
	hy_evt_submit(e);
	return 0;
}

/* x86: a task inside an int 0x80 / ia32 syscall has TS_COMPAT in thread_info.status. */
#define HY_TS_COMPAT 0x0002

/*
 * Entry of every syscall of every task on the host while attached: hence
 * attached only when a container asked for --trace-syscalls. Counts the call
 * (so exit_group and a successful execve count too) and remembers its entry.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(hy_sys_enter, struct pt_regs *regs, long id)
{
	__u64 cgid = watched_cgid();
	struct task_struct *task;
	struct hy_sys_start *s;
	__u32 slot;
	__u64 *n;

	if (!cgid)
		return 0;
	task = bpf_get_current_task_btf();
	s = bpf_task_storage_get(&hy_sys_start, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s) {
		struct hy_trace_counters *c = hy_evt_counters();

		if (c)
			c->dropped++;
		return 0;
	}
	s->nr = (__u32)id;
	s->arch = task->thread_info.status & HY_TS_COMPAT ? HY_AUDIT_ARCH_I386 :
							    HY_AUDIT_ARCH_X86_64;
	slot = s->arch == HY_AUDIT_ARCH_X86_64 && s->nr < HY_SYS_NR_OTHER ? s->nr : HY_SYS_NR_OTHER;
	n = bpf_map_lookup_elem(&hy_sys_counts, &slot);
	if (n)
		(*n)++;
	s->ts_ns = bpf_ktime_get_ns();
	return 0;
}

/* Host tasks have no storage: one pointer check, as at entry a lookup. */
SEC("tp_btf/sys_exit")
int BPF_PROG(hy_sys_exit, struct pt_regs *regs, long ret)
{
	struct hy_sys_start *s =
		bpf_task_storage_get(&hy_sys_start, bpf_get_current_task_btf(), 0, 0);
	struct hy_evt_sys_trace *e;
	__u64 pid_tgid, now;

	if (!s || !s->ts_ns)
		return 0;
	now = bpf_ktime_get_ns();
	pid_tgid = bpf_get_current_pid_tgid();
	e = hy_evt_reserve(HY_EVT_SYS_TRACE, sizeof(*e), bpf_get_current_cgroup_id());
	if (e) {
		e->hdr.ts_ns = s->ts_ns;
		e->task.pid = pid_tgid >> 32;
		e->task.tid = (__u32)pid_tgid;
		bpf_get_current_comm(e->task.comm, sizeof(e->task.comm));
		e->nr = s->nr;
		e->arch = s->arch;
		e->ret = ret;
		e->duration_ns = now - s->ts_ns;
		hy_evt_submit(e);
	}
	s->ts_ns = 0;
	return 0;
}
