/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket <state dir>/control.sock through which `hybox ps|kill|
 * pause|resume|stats` reach a running supervisor. Server side: a thread of the
 * supervisor (root) that serves one JSON request per connection, after
 * checking the peer's credentials (root or the state directory's owner).
 * Client side: connect, send one request, read one reply. The request parser
 * and signal-name parser are pure, for unit tests.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "emu.h"
#include "error.h"

#define HY_CONTROL_SOCK "control.sock"
#define HY_CONTROL_REQ_MAX 4096     /* bytes of one request */
#define HY_CONTROL_REPLY_MAX (1 << 20)
#define HY_CONTROL_PS_MAX 1024      /* tasks listed by ps (the rest: "truncated") */
#define HY_CONTROL_CMDLINE_MAX 512  /* bytes of each task's command line */
#define HY_CONTROL_FREEZE_TIMEOUT_MS 5000

enum hy_control_op {
	HY_CONTROL_PS,
	HY_CONTROL_KILL,
	HY_CONTROL_PAUSE,
	HY_CONTROL_RESUME,
	HY_CONTROL_STATE,
	HY_CONTROL_STATS,
	HY_CONTROL_START,
	HY_CONTROL_CHECKPOINTED, /* hybox checkpoint saved the container: emit the event */
};

/* What `hybox checkpoint` reports with op checkpointed. */
struct hy_control_ckpt {
	uint32_t procs, threads;
	uint64_t bytes, frozen_ns;
	bool is_leave_running;
};

struct hy_control_req {
	enum hy_control_op op;
	int signal;  /* kill: 1..64 */
	bool is_all; /* kill: every task of the cgroup, not just the command */
	struct hy_control_ckpt ckpt; /* checkpointed */
};

/* Parse and validate one request ({"op":...} with only the keys that op takes). */
int hy_control_parse_request(const char *buf, size_t len, struct hy_control_req *req,
			     struct hy_err *err);
/* May a peer with this uid control a container whose state dir owner_uid owns? */
bool hy_control_peer_allowed(uid_t uid, uid_t owner_uid);
/* "TERM", "SIGTERM", "term", "15", "RTMIN+2" → signal number; -EINVAL otherwise. */
int hy_control_signal_parse(const char *s);

struct hy_control_config {
	const char *id;
	int state_dirfd;  /* the state directory (borrowed) */
	const char *state_dir;
	int cgroup_dirfd; /* the container's leaf (borrowed; outlives the server) */
	const char *cgroup_path; /* the leaf below the cgroup2 root ("hybox/ID"); NULL: that */
	pid_t cmd_pid;    /* host pid of the user's command */
	pid_t state_pid;  /* op state's "pid" (0: cmd_pid): an adopted init's, as runc's */
	/* op ps: the container's processes (emu_kernel_processes()), from the
	 * control thread. Returns the count or -errno. */
	ssize_t (*processes)(void *ctx, struct emu_proc **ret);
	void *processes_ctx;
	/* op stats: the counters as a JSON object (new reference), from the
	 * control thread; NULL: the op answers "unavailable". */
	json_t *(*stats)(void *ctx);
	void *stats_ctx;
	/* op start (`hybox start`): release the command, which waits until then
	 * (status "created"); once only. NULL: the command runs already. 0 or -errno. */
	int (*start)(void *ctx);
	void *start_ctx;
	/* op checkpointed: emit the checkpoint event (control thread). NULL: refused. */
	void (*checkpointed)(void *ctx, const struct hy_control_ckpt *ck);
	void *checkpointed_ctx;
};

struct hy_control;

/* Bind <state dir>/control.sock (0600) and start the server thread. */
int hy_control_start(struct hy_control **ret, const struct hy_control_config *cfg,
		     struct hy_err *err);
/* Wake and join the thread, unlink the socket, free. NULL-safe. */
void hy_control_stop(struct hy_control *ctl);

/*
 * Shared with the events socket (evserver.c): bind and listen on
 * <state dir>/name (SOCK_SEQPACKET, mode 0600; through /proc/self/fd when the
 * path is too long for sun_path). Returns the fd or -errno with err filled.
 */
int hy_control_listen(int state_dirfd, const char *state_dir, const char *name,
		      struct hy_err *err);
/* Client: connect to <root>/<id>/name, with messages for unknown ids, stale
 * state directories and refused permissions. Returns the fd or -errno. */
int hy_control_connect(const char *root, const char *id, const char *name, struct hy_err *err);

/*
 * Client: send req to container id's supervisor under root and return its
 * reply in *ret_reply when "ok" is true. Otherwise fill err (unknown id, stale
 * state directory, permission, the supervisor's error) and return -errno.
 */
int hy_control_call(const char *root, const char *id, json_t *req, json_t **ret_reply,
		    struct hy_err *err);
/* One request over a connection from hy_control_connect(). */
int hy_control_call_fd(int fd, const char *id, json_t *req, json_t **ret_reply,
		       struct hy_err *err);
