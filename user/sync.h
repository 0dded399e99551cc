/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Messages on the supervisor <-> container setup channel (a SOCK_SEQPACKET
 * socketpair). The container side sends; the supervisor never trusts a
 * message beyond its type and numbers (the command's side can be hostile
 * once it has exec'd, but by then it no longer holds the socket: CLOEXEC).
 */
#pragma once
#include <sys/types.h>

enum hy_sync_type {
	HY_SYNC_SETUP_FAILED = 1, /* err + what: a setup step failed (exit 125) */
	HY_SYNC_LISTENER = 2,     /* status: the listener's fd number in the sender (its pid
				   * comes with SO_PASSCRED; pidfd_getfd fetches the fd) */
	HY_SYNC_EXEC_FAILED = 3,  /* err + what: execvp of the command failed */
	HY_SYNC_CMD_STATUS = 4,   /* status: the command's wait status (from init) */
	HY_SYNC_GO = 5,           /* supervisor -> command: policy in place, exec now */
	HY_SYNC_CONSOLE = 6,      /* status: the pty master's fd number in the sender (before
				   * HY_SYNC_LISTENER; pidfd_getfd fetches it) */
	HY_SYNC_MAPS = 7,         /* supervisor -> init: the user namespace's id maps are
				   * written (sandbox_spec.userns; a joined one has them),
				   * set up now */
};

struct hy_sync_msg {
	int type;
	int err; /* positive errno */
	int status;
	char what[240];
};

/*
 * The exec channel (another SOCK_SEQPACKET pair, supervisor <-> init): how
 * `hybox exec` starts a process in a running container (execsrv.c,
 * init_exec.c). The supervisor sends one hy_exec_req datagram with the
 * process's stdin, stdout, stderr and the supervisor end's peer of a fresh
 * sync pair as SCM_RIGHTS; init forks the process, which runs the command's
 * setup (filter, listener hand-over on that sync pair, HY_SYNC_GO) and
 * execs. Init answers with hy_exec_msg: STARTED (or its failure) per
 * request, and STATUS when it reaps the process.
 */
#define HY_EXEC_BLOB_MAX (64 * 1024) /* argv and env strings, NUL-separated */
#define HY_EXEC_ARGS_MAX 1024        /* argv + env entries */
#define HY_EXEC_FDS 4                /* stdin, stdout, stderr, the sync peer */

struct hy_exec_req {
	unsigned int seq;  /* echoed in STARTED */
	unsigned int argc; /* strings in blob: argc of argv, then envc of env */
	unsigned int envc;
	unsigned int blob_len;
	unsigned int terminal;             /* a pseudo-terminal as stdio (exec -t) */
	unsigned int has_user;             /* run as uid:gid (exec -u), no supplementary groups */
	unsigned int uid, gid;
	unsigned int has_caps;             /* these sets (each within the command's) */
	unsigned long long bounding, effective, permitted, inheritable;
	unsigned short rows, cols;         /* its size, 0: the kernel's default */
	unsigned int nrlimits;             /* process.json's rlimits (each one the command has) */
	struct hy_exec_rlimit {
		int resource;              /* RLIMIT_* */
		unsigned long long soft, hard;
	} rlimits[16];                     /* HY_PROC_RLIMITS_MAX */
	unsigned int has_oom_score_adj;    /* process.json's oomScoreAdj: */
	int oom_score_adj;                 /* -1000..1000 */
	char cwd[4096];
	char blob[HY_EXEC_BLOB_MAX];
};

enum hy_exec_msg_type { HY_EXEC_STARTED = 1, HY_EXEC_STATUS = 2 };

struct hy_exec_msg {
	int type;
	unsigned int seq; /* STARTED: the request's */
	int pid;          /* the process, in the container's pid namespace */
	int err;          /* STARTED: 0, or the errno of a failed fork */
	int status;       /* STATUS: its wait status */
};

/* Container side: send a message (the kernel attaches the sender's pid). */
int hy_sync_send(int sock, const struct hy_sync_msg *m);
/* Supervisor side: receive one message; *ret_fd / *ret_pid filled when present
 * (else -1 / 0). Returns 1 on a message, 0 on EOF, -errno on error. */
int hy_sync_recv(int sock, struct hy_sync_msg *m, int *ret_fd, pid_t *ret_pid);
