// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86_64 syscall table: for every number below EMU_NR_MAX, the kernel's
 * name (as libseccomp spells it), the default road (native, emulated, denied),
 * the errno a denial returns, and one line saying why. road.c combines it with
 * a container's policy; user/seccomp.c builds the filter from that result.
 *
 * Pure data plus lookups: no state, no privilege, no I/O. It must stay the one
 * place that says what a syscall's default road is. Rules of thumb used below:
 *  - namespaced, per-task or unprivileged calls run natively (object checks are
 *    left to the BPF LSM hooks, or to kernel-emu when there is no BPF LSM);
 *  - host-global state (clock, keyrings, modules, swap, NUMA policy, mounts of
 *    the host) is denied, the most dangerous ones LOCKED against policy allow;
 *  - calls the kernel never implements on x86_64 are denied with ENOSYS, which
 *    is what the task would get anyway.
 * Numbers 335..423 are not assigned on x86_64 (the gap keeps numbers in step
 * with the other architectures' tables) and stay zero: name NULL.
 */
#include <asm/unistd_64.h> /* x86_64 numbers whatever the build host is */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>

#include "emu.h"
#include "sys.h"

/* Syscalls newer than the linux 6.1 UAPI headers (syscall_64.tbl up to 6.17). */
#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_map_shadow_stack
#define __NR_map_shadow_stack 453
#endif
#ifndef __NR_futex_wake
#define __NR_futex_wake 454
#endif
#ifndef __NR_futex_wait
#define __NR_futex_wait 455
#endif
#ifndef __NR_futex_requeue
#define __NR_futex_requeue 456
#endif
#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#ifndef __NR_listmount
#define __NR_listmount 458
#endif
#ifndef __NR_lsm_get_self_attr
#define __NR_lsm_get_self_attr 459
#endif
#ifndef __NR_lsm_set_self_attr
#define __NR_lsm_set_self_attr 460
#endif
#ifndef __NR_lsm_list_modules
#define __NR_lsm_list_modules 461
#endif
#ifndef __NR_mseal
#define __NR_mseal 462
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_getxattrat
#define __NR_getxattrat 464
#endif
#ifndef __NR_listxattrat
#define __NR_listxattrat 465
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467
#endif
#ifndef __NR_file_getattr
#define __NR_file_getattr 468
#endif
#ifndef __NR_file_setattr
#define __NR_file_setattr 469
#endif

/* If newer headers bring these, they must agree with the numbers above. */
_Static_assert(__NR_cachestat == 451 && __NR_fchmodat2 == 452 && __NR_map_shadow_stack == 453,
	       "x86_64 syscall numbers 451..453");
_Static_assert(__NR_futex_wake == 454 && __NR_futex_wait == 455 && __NR_futex_requeue == 456,
	       "x86_64 syscall numbers 454..456");
_Static_assert(__NR_statmount == 457 && __NR_listmount == 458 && __NR_lsm_get_self_attr == 459,
	       "x86_64 syscall numbers 457..459");
_Static_assert(__NR_lsm_set_self_attr == 460 && __NR_lsm_list_modules == 461 && __NR_mseal == 462,
	       "x86_64 syscall numbers 460..462");
_Static_assert(__NR_setxattrat == 463 && __NR_getxattrat == 464 && __NR_listxattrat == 465,
	       "x86_64 syscall numbers 463..465");
_Static_assert(__NR_removexattrat == 466 && __NR_open_tree_attr == 467,
	       "x86_64 syscall numbers 466..467");
_Static_assert(__NR_file_getattr == 468 && __NR_file_setattr == 469 && EMU_NR_MAX == 470,
	       "x86_64 syscall numbers 468..469, table size");

/* The name comes from the same token as the index, so the two cannot disagree. */
#define NATIVE(sys, why) [__NR_##sys] = { .name = #sys, .road = EMU_ROAD_NATIVE, .reason = (why) }
#define EMUL(sys, fn, why)                                                                         \
	[__NR_##sys] = { .name = #sys, .road = EMU_ROAD_EMULATED, .handler = (fn), .reason = (why) }
#define DENY(sys, e, why)                                                                          \
	[__NR_##sys] = { .name = #sys, .road = EMU_ROAD_DENIED, .err = (e), .reason = (why) }
#define LOCKED(sys, e, why)                                                                        \
	[__NR_##sys] = { .name = #sys,                                                             \
			 .road = EMU_ROAD_DENIED,                                                  \
			 .flags = EMU_SF_LOCKED,                                                   \
			 .err = (e),                                                               \
			 .reason = (why) }

/* NATIVE only while every cond holds; otherwise the call is denied with e. */
#define NCONDS(...) (sizeof((struct emu_arg_cond[]){ __VA_ARGS__ }) / sizeof(struct emu_arg_cond))
#define NATIVE_IF(sys, e, why, ...)                                                                \
	[__NR_##sys] = { .name = #sys,                                                             \
			 .road = EMU_ROAD_NATIVE,                                                  \
			 .ncond = NCONDS(__VA_ARGS__),                                             \
			 .err = (e),                                                               \
			 .cond = { __VA_ARGS__ },                                                  \
			 .reason = (why) }
/* Native until the policy routes area to kernel-emu, then emulated by fn;
 * OPEN_NATIVE: read-only opens (flags in argument fa) can stay native. */
#define AREA(sys, ar, fn, why)                                                                     \
	[__NR_##sys] = { .name = #sys, .road = EMU_ROAD_NATIVE, .area = (ar), .handler = (fn),     \
			 .reason = (why) }
/* A NULL address (argument aa) leaves nothing to decide: native. */
#define ADDR(sys, aa, fn, why)                                                                     \
	[__NR_##sys] = { .name = #sys,                                                             \
			 .road = EMU_ROAD_NATIVE,                                                  \
			 .area = EMU_AREA_NET_ADDR,                                                \
			 .null_arg = (aa) + 1,                                                     \
			 .handler = (fn),                                                          \
			 .reason = (why) }
#define OPEN(sys, fa, fn, why)                                                                     \
	[__NR_##sys] = { .name = #sys,                                                             \
			 .road = EMU_ROAD_NATIVE,                                                  \
			 .area = EMU_AREA_FILES,                                                   \
			 .ro_arg = (fa) + 1,                                                       \
			 .handler = (fn),                                                          \
			 .reason = (why) }
/* Denied until the policy's process section allows it (flag EMU_SF_PTRACE/MOUNT). */
#define PROC(sys, fl, e, why)                                                                      \
	[__NR_##sys] = { .name = #sys, .road = EMU_ROAD_DENIED, .flags = (fl), .err = (e),         \
			 .reason = (why) }

/* Conditions look at the low 32 bits only (see enum emu_cmp). */
#define ARG_MASKED_EQ(a, m, v) { .arg = (a), .op = EMU_CMP_MASKED_EQ, .mask = (m), .value = (v) }
#define ARG_NE(a, v) { .arg = (a), .op = EMU_CMP_NE, .mask = 0xffffffffu, .value = (v) }

static const struct emu_syscall_desc syscall_table[EMU_NR_MAX] = {
	/* ---- fd I/O and polling: per-fd, the objects were checked when opened */
	NATIVE(read, "fd I/O"),
	NATIVE(write, "fd I/O"),
	NATIVE(close, "fd table of the task"),
	NATIVE(poll, "waits on own fds"),
	NATIVE(lseek, "fd I/O"),
	NATIVE_IF(ioctl, EPERM, "TIOCSTI/TIOCLINUX inject input into a shared tty (as bwrap)",
		  ARG_NE(1, TIOCSTI), ARG_NE(1, TIOCLINUX)),
	NATIVE(pread64, "fd I/O"),
	NATIVE(pwrite64, "fd I/O"),
	NATIVE(readv, "fd I/O"),
	NATIVE(writev, "fd I/O"),
	NATIVE(pipe, "anonymous pipe"),
	NATIVE(select, "waits on own fds"),
	NATIVE(dup, "fd table of the task"),
	NATIVE(dup2, "fd table of the task"),
	NATIVE(sendfile, "copy between own fds"),
	NATIVE(fcntl, "fd flags and locks; F_SETLEASE etc. need caps in the userns"),
	NATIVE(flock, "advisory lock on an open file"),
	NATIVE(fsync, "flushes an open file"),
	NATIVE(fdatasync, "flushes an open file"),
	NATIVE(ftruncate, "open file, write access checked at open"),
	NATIVE(getdents, "reads an open directory"),
	NATIVE(readahead, "page cache hint on an open file"),
	NATIVE(getdents64, "reads an open directory"),
	NATIVE(fadvise64, "page cache hint on an open file"),
	NATIVE(pselect6, "waits on own fds"),
	NATIVE(ppoll, "waits on own fds"),
	NATIVE(splice, "moves data between own fds"),
	NATIVE(tee, "moves data between own pipes"),
	NATIVE(sync_file_range, "flushes an open file"),
	NATIVE(vmsplice, "maps own memory into an own pipe"),
	NATIVE(fallocate, "open file; quota/disk limits apply"),
	NATIVE(dup3, "fd table of the task"),
	NATIVE(pipe2, "anonymous pipe"),
	NATIVE(preadv, "fd I/O"),
	NATIVE(pwritev, "fd I/O"),
	NATIVE(copy_file_range, "copy between own fds"),
	NATIVE(preadv2, "fd I/O"),
	NATIVE(pwritev2, "fd I/O"),
	NATIVE(close_range, "fd table of the task"),
	NATIVE(cachestat, "page cache stats of an open file"),
	NATIVE(file_getattr, "fsxattr of a file, same as FS_IOC_FSGETXATTR"),
	NATIVE(file_setattr, "fsxattr of a file; kernel checks ownership/caps"),

	/* ---- paths: checked on the object by the LSM inode/file hooks (or emulated) */
	OPEN(open, 1, emu_sys_open, "path open; LSM file_open checks the object (or emulated)"),
	NATIVE(stat, "path lookup in the container's mount ns"),
	NATIVE(fstat, "open file"),
	NATIVE(lstat, "path lookup in the container's mount ns"),
	NATIVE(access, "path lookup in the container's mount ns"),
	AREA(truncate, EMU_AREA_FILES, emu_sys_truncate, "path write; LSM path_truncate (or emulated)"),
	NATIVE(getcwd, "task's own cwd"),
	NATIVE(chdir, "task's own cwd"),
	NATIVE(fchdir, "task's own cwd"),
	AREA(rename, EMU_AREA_FILES, emu_sys_rename, "path change; LSM inode hooks (or emulated)"),
	AREA(mkdir, EMU_AREA_FILES, emu_sys_mkdir, "path change; LSM inode hooks (or emulated)"),
	AREA(rmdir, EMU_AREA_FILES, emu_sys_rmdir, "path change; LSM inode hooks (or emulated)"),
	AREA(creat, EMU_AREA_FILES, emu_sys_creat, "path create; LSM inode hooks (or emulated)"),
	AREA(link, EMU_AREA_FILES, emu_sys_link, "path change; LSM inode hooks (or emulated)"),
	AREA(unlink, EMU_AREA_FILES, emu_sys_unlink, "path change; LSM inode hooks (or emulated)"),
	AREA(symlink, EMU_AREA_FILES, emu_sys_symlink, "path change; LSM inode hooks (or emulated)"),
	NATIVE(readlink, "path lookup in the container's mount ns"),
	NATIVE(chmod, "owner or CAP_FOWNER in the userns"),
	NATIVE(fchmod, "owner or CAP_FOWNER in the userns"),
	NATIVE(chown, "CAP_CHOWN in the userns, mapped ids only"),
	NATIVE(fchown, "CAP_CHOWN in the userns, mapped ids only"),
	NATIVE(lchown, "CAP_CHOWN in the userns, mapped ids only"),
	NATIVE(umask, "task's own umask"),
	NATIVE(utime, "owner or CAP_FOWNER in the userns"),
	AREA(mknod, EMU_AREA_FILES, emu_sys_mknod, "creates an entry (c); device nodes need CAP_MKNOD and the device cgroup"),
	NATIVE(statfs, "path lookup in the container's mount ns"),
	NATIVE(fstatfs, "open file"),
	NATIVE(chroot, "CAP_SYS_CHROOT in the userns; stays inside the mount ns"),
	NATIVE(setxattr, "trusted.*/security.* need caps; LSM inode_setxattr"),
	NATIVE(lsetxattr, "trusted.*/security.* need caps; LSM inode_setxattr"),
	NATIVE(fsetxattr, "trusted.*/security.* need caps; LSM inode_setxattr"),
	NATIVE(getxattr, "reads file metadata"),
	NATIVE(lgetxattr, "reads file metadata"),
	NATIVE(fgetxattr, "reads file metadata"),
	NATIVE(listxattr, "reads file metadata"),
	NATIVE(llistxattr, "reads file metadata"),
	NATIVE(flistxattr, "reads file metadata"),
	NATIVE(removexattr, "trusted.*/security.* need caps; LSM inode_removexattr"),
	NATIVE(lremovexattr, "trusted.*/security.* need caps; LSM inode_removexattr"),
	NATIVE(fremovexattr, "trusted.*/security.* need caps; LSM inode_removexattr"),
	NATIVE(utimes, "owner or CAP_FOWNER in the userns"),
	OPEN(openat, 2, emu_sys_openat, "path open; LSM file_open checks the object (or emulated)"),
	AREA(mkdirat, EMU_AREA_FILES, emu_sys_mkdirat, "path change; LSM inode hooks (or emulated)"),
	AREA(mknodat, EMU_AREA_FILES, emu_sys_mknodat, "creates an entry (c); device nodes need CAP_MKNOD and the device cgroup"),
	NATIVE(fchownat, "CAP_CHOWN in the userns, mapped ids only"),
	NATIVE(futimesat, "owner or CAP_FOWNER in the userns"),
	NATIVE(newfstatat, "path lookup in the container's mount ns"),
	AREA(unlinkat, EMU_AREA_FILES, emu_sys_unlinkat, "path change; LSM inode hooks (or emulated)"),
	AREA(renameat, EMU_AREA_FILES, emu_sys_renameat, "path change; LSM inode hooks (or emulated)"),
	AREA(linkat, EMU_AREA_FILES, emu_sys_linkat, "path change; LSM inode hooks (or emulated)"),
	AREA(symlinkat, EMU_AREA_FILES, emu_sys_symlinkat, "path change; LSM inode hooks (or emulated)"),
	NATIVE(readlinkat, "path lookup in the container's mount ns"),
	NATIVE(fchmodat, "owner or CAP_FOWNER in the userns"),
	NATIVE(faccessat, "path lookup in the container's mount ns"),
	NATIVE(utimensat, "owner or CAP_FOWNER in the userns"),
	AREA(renameat2, EMU_AREA_FILES, emu_sys_renameat2, "path change; LSM inode hooks (or emulated)"),
	NATIVE(statx, "path lookup in the container's mount ns"),
	AREA(openat2, EMU_AREA_FILES, emu_sys_openat2, "path open; LSM file_open (or emulated: flags are in memory)"),
	NATIVE(faccessat2, "path lookup in the container's mount ns"),
	NATIVE(fchmodat2, "owner or CAP_FOWNER in the userns"),
	NATIVE(setxattrat, "trusted.*/security.* need caps; LSM inode_setxattr"),
	NATIVE(getxattrat, "reads file metadata"),
	NATIVE(listxattrat, "reads file metadata"),
	NATIVE(removexattrat, "trusted.*/security.* need caps; LSM inode_removexattr"),
	NATIVE(sync, "flushes all filesystems; harmless, Docker allows it"),
	NATIVE(syncfs, "flushes the filesystem of an open file"),
	DENY(name_to_handle_at, EPERM, "file handles only feed open_by_handle_at (Docker denies)"),
	LOCKED(open_by_handle_at, EPERM, "opens any inode by handle, escapes chroot (shocker)"),

	/* ---- filesystem notification */
	NATIVE(inotify_init, "watches on paths the task can read"),
	NATIVE(inotify_add_watch, "watches on paths the task can read"),
	NATIVE(inotify_rm_watch, "own inotify fd"),
	NATIVE(inotify_init1, "watches on paths the task can read"),
	DENY(fanotify_init, EPERM, "watches whole mounts/filesystems (Docker: CAP_SYS_ADMIN)"),
	NATIVE(fanotify_mark, "needs an fd from fanotify_init, which is gated"),

	/* ---- memory: the task's own address space */
	NATIVE(mmap, "own address space"),
	NATIVE(mprotect, "own address space"),
	NATIVE(munmap, "own address space"),
	NATIVE(brk, "own address space"),
	NATIVE(mremap, "own address space"),
	NATIVE(msync, "own address space"),
	NATIVE(mincore, "own address space"),
	NATIVE(madvise, "own address space"),
	NATIVE(mlock, "bounded by RLIMIT_MEMLOCK"),
	NATIVE(munlock, "own address space"),
	NATIVE(mlockall, "bounded by RLIMIT_MEMLOCK"),
	NATIVE(munlockall, "own address space"),
	NATIVE(remap_file_pages, "own address space (emulated in-kernel since 4.0)"),
	NATIVE(mlock2, "bounded by RLIMIT_MEMLOCK"),
	NATIVE(pkey_mprotect, "own address space"),
	NATIVE(pkey_alloc, "own protection keys"),
	NATIVE(pkey_free, "own protection keys"),
	NATIVE(membarrier, "barrier over own threads (or all CPUs, unprivileged by design)"),
	NATIVE(memfd_create, "anonymous memory file"),
	NATIVE(process_madvise, "hints only; kernel checks ptrace access and CAP_SYS_NICE"),
	NATIVE(process_mrelease, "reaps memory of an already killed task it can signal"),
	NATIVE(map_shadow_stack, "CET shadow stack in own address space"),
	NATIVE(mseal, "seals own mappings"),
	DENY(memfd_secret, ENOSYS, "pages hidden from the supervisor cannot be checkpointed"),
	DENY(mbind, EPERM, "NUMA placement is host policy (Docker needs CAP_SYS_NICE)"),
	DENY(set_mempolicy, EPERM, "NUMA placement is host policy (Docker needs CAP_SYS_NICE)"),
	DENY(get_mempolicy, EPERM, "NUMA placement is host policy (Docker needs CAP_SYS_NICE)"),
	DENY(migrate_pages, EPERM, "moves another task's pages between NUMA nodes"),
	DENY(move_pages, EPERM, "moves (other tasks') pages between NUMA nodes"),
	DENY(set_mempolicy_home_node, EPERM, "NUMA placement is host policy"),
	DENY(userfaultfd, EPERM, "stalls kernel paths at will, a race-widening exploit tool"),

	/* ---- signals */
	NATIVE(rt_sigaction, "own signal handlers"),
	NATIVE(rt_sigprocmask, "own signal mask"),
	NATIVE(rt_sigreturn, "returns from own signal handler"),
	NATIVE(rt_sigpending, "own pending signals"),
	NATIVE(rt_sigtimedwait, "own pending signals"),
	NATIVE(rt_sigqueueinfo, "pid ns scoped; LSM task_kill"),
	NATIVE(rt_sigsuspend, "own signal mask"),
	NATIVE(sigaltstack, "own signal stack"),
	NATIVE(pause, "waits for a signal"),
	NATIVE(kill, "pid ns scoped; LSM task_kill"),
	NATIVE(tkill, "pid ns scoped; LSM task_kill"),
	NATIVE(tgkill, "pid ns scoped; LSM task_kill"),
	NATIVE(rt_tgsigqueueinfo, "pid ns scoped; LSM task_kill"),
	NATIVE(signalfd, "own signals as an fd"),
	NATIVE(signalfd4, "own signals as an fd"),
	NATIVE(pidfd_send_signal, "pid ns scoped; LSM task_kill"),

	/* ---- tasks: creation, exec, exit, identity */
	NATIVE_IF(clone, EPERM, "no new user namespaces: they unlock root-only kernel surface",
		  ARG_MASKED_EQ(0, CLONE_NEWUSER, 0)),
	DENY(clone3, ENOSYS, "flags in memory, unreadable by seccomp; glibc falls back to clone"),
	NATIVE(fork, "new task in the container's pid ns and cgroup"),
	NATIVE(vfork, "new task in the container's pid ns and cgroup"),
	AREA(execve, EMU_AREA_FILES | EMU_AREA_EXEC, emu_sys_execve, "LSM bprm_check_security (or checked by kernel-emu, see docs/policy.md)"),
	AREA(execveat, EMU_AREA_FILES | EMU_AREA_EXEC, emu_sys_execveat, "LSM bprm_check_security (or checked by kernel-emu, see docs/policy.md)"),
	NATIVE(exit, "ends own thread"),
	NATIVE(exit_group, "ends own process"),
	NATIVE(wait4, "own children"),
	NATIVE(waitid, "own children"),
	NATIVE(getpid, "pid ns scoped"),
	NATIVE(getppid, "pid ns scoped"),
	NATIVE(gettid, "pid ns scoped"),
	NATIVE(set_tid_address, "own thread state"),
	NATIVE(set_robust_list, "own thread state"),
	NATIVE(get_robust_list, "kernel checks ptrace read access to the target"),
	NATIVE(restart_syscall, "resumes an interrupted call"),
	NATIVE(rseq, "own thread state"),
	NATIVE(arch_prctl, "own FS/GS base and CPUID faulting"),
	NATIVE(modify_ldt, "own LDT (Wine, 16-bit code); Docker allows it on x86"),
	DENY(set_thread_area, ENOSYS, "not implemented for 64-bit tasks (arch_prctl instead)"),
	DENY(get_thread_area, ENOSYS, "not implemented for 64-bit tasks (arch_prctl instead)"),
	NATIVE(prctl, "own task attributes; privileged options check caps"),
	NATIVE(personality, "own execution domain (glibc, setarch)"),
	NATIVE(seccomp, "a task may add filters to itself; they only narrow"),
	NATIVE(pidfd_open, "pid ns scoped"),
	PROC(pidfd_getfd, EMU_SF_PTRACE, EPERM, "ptrace-grade access to another task's fds; follows ptrace"),
	NATIVE(getcpu, "reads own CPU/node"),
	NATIVE(getrandom, "kernel RNG, unprivileged"),

	/* ---- credentials: scoped by the container's user namespace */
	NATIVE(getuid, "userns scoped"),
	NATIVE(getgid, "userns scoped"),
	NATIVE(setuid, "userns scoped, mapped ids only"),
	NATIVE(setgid, "userns scoped, mapped ids only"),
	NATIVE(geteuid, "userns scoped"),
	NATIVE(getegid, "userns scoped"),
	NATIVE(setpgid, "pid ns scoped"),
	NATIVE(getpgrp, "pid ns scoped"),
	NATIVE(setsid, "new session of own"),
	NATIVE(setreuid, "userns scoped, mapped ids only"),
	NATIVE(setregid, "userns scoped, mapped ids only"),
	NATIVE(getgroups, "userns scoped"),
	NATIVE(setgroups, "userns scoped; gated by /proc/PID/setgroups"),
	NATIVE(setresuid, "userns scoped, mapped ids only"),
	NATIVE(getresuid, "userns scoped"),
	NATIVE(setresgid, "userns scoped, mapped ids only"),
	NATIVE(getresgid, "userns scoped"),
	NATIVE(getpgid, "pid ns scoped"),
	NATIVE(setfsuid, "userns scoped, mapped ids only"),
	NATIVE(setfsgid, "userns scoped, mapped ids only"),
	NATIVE(getsid, "pid ns scoped"),
	NATIVE(capget, "reads capabilities"),
	NATIVE(capset, "can only drop or stay within the bounding set"),

	/* ---- scheduling and resource limits: the cgroup bounds the effect */
	NATIVE(sched_yield, "own thread"),
	NATIVE(getpriority, "pid ns scoped"),
	NATIVE(setpriority, "raising needs CAP_SYS_NICE; cgroup cpu weight bounds it"),
	NATIVE(sched_setparam, "RT needs CAP_SYS_NICE; cgroup cpu controller bounds it"),
	NATIVE(sched_getparam, "pid ns scoped"),
	NATIVE(sched_setscheduler, "RT needs CAP_SYS_NICE; cgroup cpu controller bounds it"),
	NATIVE(sched_getscheduler, "pid ns scoped"),
	NATIVE(sched_get_priority_max, "constant"),
	NATIVE(sched_get_priority_min, "constant"),
	NATIVE(sched_rr_get_interval, "pid ns scoped"),
	NATIVE(sched_setaffinity, "limited to the cgroup's cpuset"),
	NATIVE(sched_getaffinity, "pid ns scoped"),
	NATIVE(sched_setattr, "RT needs CAP_SYS_NICE; cgroup cpu controller bounds it"),
	NATIVE(sched_getattr, "pid ns scoped"),
	NATIVE(ioprio_set, "raising needs CAP_SYS_ADMIN/NICE; cgroup io bounds it"),
	NATIVE(ioprio_get, "pid ns scoped"),
	NATIVE(getrlimit, "own limits"),
	NATIVE(setrlimit, "raising the hard limit needs CAP_SYS_RESOURCE"),
	NATIVE(prlimit64, "other tasks need matching creds; raising needs CAP_SYS_RESOURCE"),
	NATIVE(getrusage, "own usage"),
	NATIVE(times, "own usage"),

	/* ---- time: reading is fine, the host clock is not namespaced */
	NATIVE(nanosleep, "sleeps"),
	NATIVE(getitimer, "own timers"),
	NATIVE(alarm, "own timers"),
	NATIVE(setitimer, "own timers"),
	NATIVE(gettimeofday, "reads the clock (vDSO normally)"),
	NATIVE(time, "reads the clock (vDSO normally)"),
	NATIVE(timer_create, "own timers"),
	NATIVE(timer_settime, "own timers"),
	NATIVE(timer_gettime, "own timers"),
	NATIVE(timer_getoverrun, "own timers"),
	NATIVE(timer_delete, "own timers"),
	NATIVE(clock_gettime, "reads the clock (vDSO normally); time ns offsets apply"),
	NATIVE(clock_getres, "reads the clock"),
	NATIVE(clock_nanosleep, "sleeps"),
	NATIVE(timerfd_create, "own timers"),
	NATIVE(timerfd_settime, "own timers"),
	NATIVE(timerfd_gettime, "own timers"),
	DENY(settimeofday, EPERM, "host clock is not namespaced"),
	DENY(clock_settime, EPERM, "host clock is not namespaced"),
	DENY(clock_adjtime, EPERM, "host clock is not namespaced"),
	DENY(adjtimex, EPERM, "host clock; read-only mode to be emulated later"),

	/* ---- IPC: SysV and POSIX queues live in the container's IPC ns */
	NATIVE(shmget, "IPC ns scoped"),
	NATIVE(shmat, "IPC ns scoped"),
	NATIVE(shmctl, "IPC ns scoped"),
	NATIVE(shmdt, "IPC ns scoped"),
	NATIVE(semget, "IPC ns scoped"),
	NATIVE(semop, "IPC ns scoped"),
	NATIVE(semctl, "IPC ns scoped"),
	NATIVE(semtimedop, "IPC ns scoped"),
	NATIVE(msgget, "IPC ns scoped"),
	NATIVE(msgsnd, "IPC ns scoped"),
	NATIVE(msgrcv, "IPC ns scoped"),
	NATIVE(msgctl, "IPC ns scoped"),
	NATIVE(mq_open, "IPC ns scoped"),
	NATIVE(mq_unlink, "IPC ns scoped"),
	NATIVE(mq_timedsend, "IPC ns scoped"),
	NATIVE(mq_timedreceive, "IPC ns scoped"),
	NATIVE(mq_notify, "IPC ns scoped"),
	NATIVE(mq_getsetattr, "IPC ns scoped"),

	/* ---- events and futexes */
	NATIVE(epoll_create, "own event fd"),
	NATIVE(epoll_create1, "own event fd"),
	NATIVE(epoll_ctl, "own event fd"),
	NATIVE(epoll_wait, "own event fd"),
	NATIVE(epoll_pwait, "own event fd"),
	NATIVE(epoll_pwait2, "own event fd"),
	DENY(epoll_ctl_old, ENOSYS, "never implemented"),
	DENY(epoll_wait_old, ENOSYS, "never implemented"),
	NATIVE(eventfd, "own event fd"),
	NATIVE(eventfd2, "own event fd"),
	NATIVE(futex, "own memory"),
	NATIVE(futex_waitv, "own memory"),
	NATIVE(futex_wake, "own memory"),
	NATIVE(futex_wait, "own memory"),
	NATIVE(futex_requeue, "own memory"),

	/* ---- async I/O */
	NATIVE(io_setup, "bounded by fs.aio-max-nr; Docker allows it"),
	NATIVE(io_destroy, "own AIO context"),
	NATIVE(io_getevents, "own AIO context"),
	NATIVE(io_submit, "own AIO context; objects were checked at open"),
	NATIVE(io_cancel, "own AIO context"),
	NATIVE(io_pgetevents, "own AIO context"),
	DENY(io_uring_setup, EPERM, "ring ops bypass seccomp; big attack surface"),
	DENY(io_uring_enter, EPERM, "ring ops bypass seccomp; big attack surface"),
	DENY(io_uring_register, EPERM, "ring ops bypass seccomp; big attack surface"),

	/* ---- network: the container's net ns; LSM socket hooks (or emulated connect/bind) */
	AREA(socket, EMU_AREA_NET, emu_sys_socket, "net ns scoped; LSM socket_create (or family checked by kernel-emu)"),
	AREA(connect, EMU_AREA_NET_ADDR, emu_sys_connect, "net ns scoped; LSM socket_connect (or emulated)"),
	NATIVE(accept, "net ns scoped"),
	ADDR(sendto, 4, emu_sys_sendto, "net ns scoped; LSM socket_sendmsg (or emulated)"),
	NATIVE(recvfrom, "net ns scoped"),
	AREA(sendmsg, EMU_AREA_NET_ADDR, emu_sys_sendmsg, "net ns scoped; LSM socket_sendmsg (or emulated)"),
	NATIVE(recvmsg, "net ns scoped"),
	NATIVE(shutdown, "net ns scoped"),
	AREA(bind, EMU_AREA_NET_ADDR, emu_sys_bind, "net ns scoped; LSM socket_bind (or emulated)"),
	NATIVE(listen, "net ns scoped"),
	NATIVE(getsockname, "net ns scoped"),
	NATIVE(getpeername, "net ns scoped"),
	NATIVE(socketpair, "unconnected to anything else"),
	NATIVE(setsockopt, "net ns scoped; privileged options check caps"),
	NATIVE(getsockopt, "net ns scoped"),
	NATIVE(accept4, "net ns scoped"),
	NATIVE(recvmmsg, "net ns scoped"),
	AREA(sendmmsg, EMU_AREA_NET_ADDR, emu_sys_sendmmsg, "net ns scoped; LSM socket_sendmsg (or emulated)"),

	/* ---- namespaces and mounts */
	NATIVE_IF(unshare, EPERM, "no new user namespaces: they unlock root-only kernel surface",
		  ARG_MASKED_EQ(0, CLONE_NEWUSER, 0)),
	DENY(setns, EPERM, "joining other namespaces could reach the host's"),
	PROC(mount, EMU_SF_MOUNT, EPERM, "process.mount allow: native (the kernel still wants CAP_SYS_ADMIN)"),
	PROC(umount2, EMU_SF_MOUNT, EPERM, "process.mount allow: native (the kernel still wants CAP_SYS_ADMIN)"),
	DENY(pivot_root, EPERM, "mount family: emulated later"),
	DENY(open_tree, ENOSYS, "mount family: emulated later; ENOSYS: libmount uses mount(2)"),
	DENY(move_mount, ENOSYS, "mount family: emulated later; ENOSYS: libmount uses mount(2)"),
	DENY(fsopen, ENOSYS, "mount family: emulated later; ENOSYS: libmount uses mount(2)"),
	DENY(fsconfig, ENOSYS, "mount family: emulated later; ENOSYS: libmount uses mount(2)"),
	DENY(fsmount, ENOSYS, "mount family: emulated later; ENOSYS: libmount uses mount(2)"),
	DENY(fspick, ENOSYS, "mount family: emulated later; ENOSYS: libmount uses mount(2)"),
	DENY(mount_setattr, ENOSYS, "mount family: emulated later; ENOSYS as on pre-5.12 kernels"),
	DENY(open_tree_attr, ENOSYS, "mount family: emulated later; ENOSYS as on older kernels"),
	DENY(statmount, ENOSYS, "host mount topology; ENOSYS: libmount reads mountinfo instead"),
	DENY(listmount, ENOSYS, "host mount topology; ENOSYS: libmount reads mountinfo instead"),

	/* ---- system identity and logs: per container in kernel-emu */
	EMUL(uname, emu_sys_uname, "container's UTS names and kernel release"),
	EMUL(sethostname, emu_sys_sethostname, "container's UTS names, kept in kernel-emu"),
	EMUL(setdomainname, emu_sys_setdomainname, "container's UTS names, kept in kernel-emu"),
	EMUL(sysinfo, emu_sys_sysinfo, "uptime/memory/procs as the container sees them"),
	EMUL(syslog, emu_sys_syslog, "container's own kernel log, not the host's dmesg"),

	/* ---- security modules */
	NATIVE(landlock_create_ruleset, "unprivileged self-restriction"),
	NATIVE(landlock_add_rule, "unprivileged self-restriction"),
	NATIVE(landlock_restrict_self, "unprivileged self-restriction"),
	NATIVE(lsm_get_self_attr, "reads own LSM attributes"),
	DENY(lsm_set_self_attr, EPERM, "changes own LSM context (AppArmor/SELinux transitions)"),
	NATIVE(lsm_list_modules, "lists active LSMs, as /sys/kernel/security/lsm does"),

	/* ---- tracing, introspection, BPF: reach beyond the container */
	PROC(ptrace, EMU_SF_PTRACE, EPERM, "process.ptrace allow: native, the pid ns keeps it in the container"),
	PROC(process_vm_readv, EMU_SF_PTRACE, EPERM, "reads another task's memory; follows ptrace"),
	PROC(process_vm_writev, EMU_SF_PTRACE, EPERM, "writes another task's memory; follows ptrace"),
	DENY(kcmp, EPERM, "compares kernel pointers of other tasks (Docker denies)"),
	DENY(perf_event_open, EPERM, "host-wide tracing and a large attack surface"),
	DENY(bpf, EPERM, "loads programs into the host kernel"),

	/* ---- host-global state: clock handled above; keys, accounting, sysctls */
	DENY(add_key, EPERM, "kernel keyrings are not namespaced"),
	DENY(request_key, EPERM, "kernel keyrings are not namespaced"),
	DENY(keyctl, EPERM, "kernel keyrings are not namespaced"),
	DENY(sysfs, EPERM, "obsolete filesystem-type query (Docker denies)"),
	DENY(ustat, EPERM, "obsolete; stats host filesystems by device number"),
	DENY(vhangup, EPERM, "hangs up the controlling tty (needs CAP_SYS_TTY_CONFIG)"),
	LOCKED(acct, EPERM, "host-wide process accounting"),
	LOCKED(_sysctl, ENOSYS, "host sysctls; removed in 5.5"),
	LOCKED(reboot, EPERM, "reboots or halts the host outside a pid ns"),
	LOCKED(swapon, EPERM, "host swap"),
	LOCKED(swapoff, EPERM, "host swap"),
	LOCKED(quotactl, EPERM, "host filesystem quotas"),
	LOCKED(quotactl_fd, EPERM, "host filesystem quotas"),
	LOCKED(lookup_dcookie, EPERM, "host-wide profiling cookies; removed in 6.8"),
	LOCKED(iopl, EPERM, "raw I/O port access"),
	LOCKED(ioperm, EPERM, "raw I/O port access"),
	LOCKED(kexec_load, EPERM, "replaces the host kernel"),
	LOCKED(kexec_file_load, EPERM, "replaces the host kernel"),
	LOCKED(init_module, EPERM, "loads code into the host kernel"),
	LOCKED(finit_module, EPERM, "loads code into the host kernel"),
	LOCKED(delete_module, EPERM, "unloads host kernel modules"),
	LOCKED(create_module, ENOSYS, "module family; removed in 2.6"),
	LOCKED(get_kernel_syms, ENOSYS, "module family; removed in 2.6"),
	LOCKED(query_module, ENOSYS, "module family; removed in 2.6"),
	LOCKED(nfsservctl, ENOSYS, "host NFS server control; removed in 3.1"),
	LOCKED(uselib, ENOSYS, "a.out loader; not implemented for 64-bit tasks"),

	/* ---- reserved slots the kernel never implemented on x86_64 */
	DENY(getpmsg, ENOSYS, "STREAMS, never implemented"),
	DENY(putpmsg, ENOSYS, "STREAMS, never implemented"),
	DENY(afs_syscall, ENOSYS, "AFS, never implemented"),
	DENY(tuxcall, ENOSYS, "TUX web server, never implemented"),
	DENY(security, ENOSYS, "never implemented"),
	DENY(vserver, ENOSYS, "Linux-VServer, never implemented"),
};

const struct emu_syscall_desc *emu_syscall(int nr)
{
	if (nr < 0 || nr >= EMU_NR_MAX)
		return NULL;
	return &syscall_table[nr];
}

/* Linear: only called while a policy is loaded, never on the notify path. */
int emu_syscall_by_name(const char *name)
{
	if (!name)
		return -ENOENT;
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		if (syscall_table[nr].name && strcmp(syscall_table[nr].name, name) == 0)
			return nr;
	}
	return -ENOENT;
}

const char *emu_syscall_name(int nr)
{
	const struct emu_syscall_desc *d = emu_syscall(nr);

	return d ? d->name : NULL;
}
