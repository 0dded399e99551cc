/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A checkpoint image in memory: what `hybox checkpoint` gathers from a frozen
 * container (ckpt_dump.c) and `hybox restore` rebuilds (ckpt_restore.c). The
 * on-disk form is in ckpt_image.c and docs/checkpoint-format.md. Pids are the
 * container's (its pid namespace); host pids live only in the host_* fields,
 * which are never saved.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "error.h"

#define CK_FORMAT_VERSION 1
#define CK_IMAGE_FILE "image.json"
#define CK_SUM_FILE "image.sum"
#define CK_PAGES_MAGIC "HYBXPAGE"
#define CK_XSTATE_MAX 16384
#define CK_NSIG 64
#define CK_PAGE 4096UL

struct ck_thread {
	pid_t tid;
	pid_t host_tid;
	struct user_regs_struct regs; /* with an interrupted syscall set to restart */
	uint8_t xstate[CK_XSTATE_MAX];
	size_t xstate_len;
	uint64_t sigmask;
	uint64_t sigpending; /* thread-directed pending signals, re-sent after restore */
	uint64_t rseq_addr, rseq_sig;
	uint32_t rseq_len;
	uint64_t robust_addr, robust_len;
	uint64_t tid_address; /* clear_child_tid (pthread_join waits on it) */
	uint64_t ss_sp, ss_size;
	int ss_flags;
	char comm[16];
};

enum ck_vma_kind { CK_VMA_ANON, CK_VMA_FILE, CK_VMA_SPECIAL, CK_VMA_SHM };

/* Pages saved for one run of populated pages, at offset in the pages file. */
struct ck_run {
	uint64_t addr, npages, offset;
};

struct ck_vma {
	uint64_t start, end, pgoff; /* pgoff in bytes */
	int prot;
	bool shared;
	bool growsdown;
	enum ck_vma_kind kind;
	char *path; /* CK_VMA_FILE: the file; CK_VMA_SPECIAL: "[vdso]", "[vvar]"... */
	uint64_t shm; /* CK_VMA_SHM: the shared memory object (ck_shm) mapped */
	struct ck_run *runs;
	size_t nruns;
};

enum ck_fd_kind {
	CK_FD_FILE,
	CK_FD_STDIO,
	CK_FD_PIPE,
	CK_FD_SHM,
	CK_FD_EVENTFD,
	CK_FD_SIGNALFD,
	CK_FD_TIMERFD,
	CK_FD_EPOLL,
	CK_FD_DUP, /* the same open file as an earlier fd of the process (dup_of) */
	CK_FD_SOCKET, /* one end of an unnamed unix stream socket pair (ck_sock) */
	CK_FD__COUNT
};

extern const char *const ck_fd_kinds[CK_FD__COUNT]; /* "file", "stdio"... as image.json says */

/* One fd an epoll instance watches (EPOLL_CTL_ADD again at restore). */
struct ck_epoll_target {
	int fd;
	uint32_t events;
	uint64_t data;
};

struct ck_fd {
	int fd;
	enum ck_fd_kind kind;
	int stdio;   /* CK_FD_STDIO: the restore's fd 0, 1 or 2 takes its place */
	uint64_t obj; /* CK_FD_PIPE: the pipe's id (the end is in flags); CK_FD_SHM: the memfd's */
	char *path;  /* CK_FD_FILE */
	int flags;   /* open flags (O_ACCMODE, O_APPEND, O_NONBLOCK...) */
	bool cloexec;
	uint64_t pos;
	uint64_t value;	  /* eventfd: its count; signalfd: its mask; timerfd: ticks unread */
	int clockid;	  /* timerfd */
	bool is_semaphore; /* eventfd: EFD_SEMAPHORE */
	uint64_t it_value_ns, it_interval_ns; /* timerfd: time left, period */
	struct ck_epoll_target *targets;      /* epoll */
	size_t ntargets;
	int dup_of; /* CK_FD_DUP */
};

#define CK_PIPE_MAX (1 << 20) /* the largest pipe Linux makes (pipe-max-size default) */

/* An anonymous pipe some fds refer to, with the bytes it held. */
struct ck_pipe {
	uint64_t id; /* its inode number at the dump */
	uint32_t size; /* capacity (F_GETPIPE_SZ) */
	uint8_t *data;
	size_t len;
};

/*
 * Shared memory without a file name: a memfd, or MAP_SHARED|MAP_ANONYMOUS
 * memory (shmem too), saved once however many processes map it or hold it,
 * in its own file (shm-ID.img, the page file format, from offset 0).
 */
struct ck_shm {
	uint64_t id;	/* its inode number at the dump */
	char name[64];	/* memfd's name ("" for anonymous memory) */
	uint64_t size;	/* bytes */
	char file[64];
	uint32_t compress;
	uint64_t file_size; /* after the header */
	uint32_t crc;	    /* crc32c of those bytes */
};

#define CK_SOCK_DATA_MAX (128 << 10) /* queued bytes saved per socket (more: a blocker) */

/* One end of an unnamed AF_UNIX SOCK_STREAM pair (socketpair(2)). */
struct ck_sock {
	uint64_t id;	 /* its inode number at the dump */
	uint64_t peer;	 /* the other end's, 0 if it is gone */
	int shutdown;	 /* 1: no more receiving, 2: no more sending (bits) */
	uint8_t *data;	 /* bytes queued for it to receive */
	size_t len;
};

/* A child that ended and was not waited for: its parent must find it. */
struct ck_zombie {
	pid_t pid, ppid;
	int status; /* its wait status */
};

struct ck_sigaction {
	uint64_t handler, flags, restorer, mask;
};

/* The fields of PR_SET_MM_MAP (prctl(2)). */
struct ck_mm {
	uint64_t start_code, end_code, start_data, end_data, start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint8_t auxv[512];
	size_t auxv_len;
};

struct ck_proc {
	pid_t pid, ppid, pgid, sid;
	pid_t host_pid;
	char *exe, *cwd;
	unsigned umask;
	int dumpable;
	uint64_t itimer[3][2]; /* ITIMER_REAL, _VIRTUAL, _PROF: time left, period (ns) */
	uint32_t uid[3], gid[3]; /* real, effective, saved */
	uint32_t groups[64];
	size_t ngroups;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd;
	uint64_t sigpending; /* process-directed */
	struct ck_mm mm;
	struct ck_sigaction sig[CK_NSIG]; /* index: signal - 1 */
	struct ck_thread *threads;	  /* threads[0]: the thread-group leader */
	size_t nthreads;
	struct ck_vma *vmas;
	size_t nvmas;
	struct ck_fd *fds;
	size_t nfds;
	char pages_file[64];
	uint32_t pages_compress; /* enum ck_compress (ckpt_pages.h) */
	uint64_t pages_raw;	 /* bytes of pages (the runs' offsets count these) */
	uint64_t pages_size;	 /* bytes in the file after the header */
	uint32_t pages_crc;	 /* crc32c of those bytes */
};

struct ck_image {
	unsigned version;
	char *id;	     /* the container it came from */
	char *hostname, *domainname;
	char *policy;	     /* the policy's text, NULL: the default policy */
	/* How the container ran (hybox run's options): restore's defaults. */
	char *rootfs;	     /* --rootfs (absolute), NULL: the host's root */
	bool is_net_none;    /* --net none */
	uint64_t memory;     /* --memory in bytes, 0: none */
	uint32_t cpus_milli; /* --cpus in thousandths, 0: none */
	int64_t mono_ns, boot_ns; /* the container's clocks when it was frozen */
	uint64_t xcr0;	     /* CPU state components the saved xstate may use */
	uint32_t cpuid[4];	     /* leaf 1 ecx/edx, leaf 7.0 ebx/ecx: what programs may have probed */
	struct ck_proc *procs;    /* procs[0]: the container's command; parents first */
	size_t nprocs;
	struct ck_pipe *pipes;
	size_t npipes;
	struct ck_shm *shms;
	size_t nshms;
	struct ck_sock *socks;
	size_t nsocks;
	struct ck_zombie *zombies;
	size_t nzombies;
};

/* The vDSO block's mappings ([vvar], [vvar_vclock], [vdso]): the kernel's,
 * moved rather than saved. */
static inline bool ck_is_special_mapping(const char *name)
{
	return __builtin_strcmp(name, "[vdso]") == 0 || __builtin_strncmp(name, "[vvar", 5) == 0;
}

void ck_image_free(struct ck_image *img);
struct ck_proc *ck_image_proc(const struct ck_image *img, pid_t pid);
struct ck_pipe *ck_image_pipe(const struct ck_image *img, uint64_t id);
struct ck_shm *ck_image_shm(const struct ck_image *img, uint64_t id);
struct ck_sock *ck_image_sock(const struct ck_image *img, uint64_t id);

/* image.json and image.sum into dirfd (the page files are written by the
 * dumper as it goes: ckpt_pages.h). */
int ck_image_write(int dirfd, const struct ck_image *img, struct hy_err *err);
/* Read and check an image: format version, image.sum, every field, each
 * page file's header, size and checksum. Errors name the file and field. */
int ck_image_read(int dirfd, struct ck_image *img, struct hy_err *err);
/* Check the saved CPU features against this CPU's. */
int ck_image_check_cpu(const struct ck_image *img, struct hy_err *err);
/* For a restore: probe this kernel, open dir (*ret_dirfd, -1 on failure), read
 * and check the image and this CPU's features (ckpt_image_load.c). */
int ck_image_load(const char *dir, int *ret_dirfd, struct ck_image *img, struct hy_err *err);
/* This CPU's XCR0 and feature words, as the image records them. */
void ck_cpu_features(uint64_t *xcr0, uint32_t cpuid[4]);
