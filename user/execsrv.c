// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exec socket (see execsrv.h). One thread, one poll loop over the
 * listening socket, the exec channel to init, a stop eventfd and, per
 * session, the client's connection and the process's sync socket. A
 * session goes: request read and checked -> sent to init (STARTED gives the
 * container pid) -> the process's LISTENER (its host pid from
 * SCM_CREDENTIALS, the listener taken with pidfd_getfd and handed to
 * kernel-emu) -> GO, reply {"pid"} -> init's STATUS, reply {"exit"}.
 * Everything a client or the process sends is untrusted: requests are
 * bounded and validated, a process's sync socket speaks only the sync.h
 * protocol, and signals go through a pidfd pinned at LISTENER time.
 */
#define LOG_PREFIX "execsrv: "
#include "execsrv.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "control.h"
#include "log.h"
#include "sandbox.h"
#include "sync.h"
#include "util.h"

#define REQ_MAX (256 * 1024) /* bytes of one request */
#define REQ_WAIT_MS 2000     /* a client has this long to send its request */
#define POLL_FIXED 3         /* stop, listener, init: the poll set's first entries */

struct session {
	bool is_used;
	bool detach;
	int conn;  /* the client, -1 once gone */
	int sync;  /* the process's sync socket, -1 once done */
	int pidfd; /* the process, from LISTENER on */
	pid_t pid; /* its host pid, from LISTENER on; told the client once it exec'd */
	unsigned int seq;
	pid_t cpid; /* in the container (init's STARTED) */
	int exit_code; /* a failure's (126, 127, 125), 0: none */
	char failure[512];
};

struct hy_execsrv {
	int lfd, stopfd, exec_fd;
	int state_dirfd; /* borrowed: exec.sock is unlinked at stop */
	uid_t owner;
	struct emu_kernel *kernel;
	struct hy_exec_defaults defaults;
	unsigned int next_seq;
	struct hy_exec_req *req; /* scratch for the one being built */
	char *buf;               /* REQ_MAX + 1 */
	pthread_t thread;
	bool has_thread;
	struct session ss[HY_EXEC_SESSIONS_MAX];
	/* The poll set (fill_pollset): POLL_FIXED, then one entry per open conn
	 * or sync of a session in use, whose slot is in p_ss. */
	struct pollfd p[POLL_FIXED + 2 * HY_EXEC_SESSIONS_MAX];
	unsigned int p_ss[POLL_FIXED + 2 * HY_EXEC_SESSIONS_MAX];
};

static void reply(int conn, json_t *j)
{
	_cleanup_free_ char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (conn >= 0 && s)
		(void)!send(conn, s, strlen(s), MSG_NOSIGNAL | MSG_DONTWAIT);
	json_decref(j);
}

static void close_session(struct session *x)
{
	closep(&x->conn);
	closep(&x->sync);
	closep(&x->pidfd);
	*x = (struct session){ .conn = -1, .sync = -1, .pidfd = -1 };
}

/* A failure before or instead of the process: the client hears it now. */
static void fail(struct session *x, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct session *x, int exit_code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->failure, sizeof(x->failure), fmt, ap);
	va_end(ap);
	reply(x->conn, json_pack("{s:b,s:s,s:i}", "ok", 0, "error", x->failure, "exit_code",
				 exit_code));
	close_session(x);
}

/* The request and the client's stdin, stdout, stderr. 1, or 0 after failing x. */
static int read_request(struct hy_execsrv *s, struct session *x, int fds[3])
{
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = s->buf, .iov_len = REQ_MAX };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct pollfd p = { .fd = x->conn, .events = POLLIN };
	ssize_t n = poll(&p, 1, REQ_WAIT_MS) == 1 ? recvmsg(x->conn, &mh, MSG_CMSG_CLOEXEC) : -1;
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	bool has_fds = c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(3 * sizeof(int));
	if (has_fds)
		memcpy(fds, CMSG_DATA(c), 3 * sizeof(int));
	if (n <= 0 || !has_fds || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		for (int i = 0; has_fds && i < 3; i++)
			close(fds[i]);
		fail(x, HY_EXIT_RUNTIME, "expected one request (at most %d bytes) with stdin, stdout "
					 "and stderr attached", REQ_MAX);
		return 0;
	}
	struct hy_err err = { 0 };
	if (hy_exec_req_build(s->buf, (size_t)n, &s->defaults, s->req, &x->detach, &err) < 0) {
		for (int i = 0; i < 3; i++)
			close(fds[i]);
		fail(x, HY_EXIT_RUNTIME, "%s", err.msg);
		return 0;
	}
	return 1;
}

/* Send the request to init with the process's fds and its end of a new sync pair. */
static void start_process(struct hy_execsrv *s, struct session *x, const int fds[3])
{
	int sp[2], one = 1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		fail(x, HY_EXIT_RUNTIME, "socketpair: %s", strerror(errno));
		return;
	}
	setsockopt(sp[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	x->sync = sp[0];
	x->seq = s->req->seq = ++s->next_seq;
	int all[HY_EXEC_FDS] = { fds[0], fds[1], fds[2], sp[1] };
	ssize_t n = send_fds(s->exec_fd, s->req, offsetof(struct hy_exec_req, blob) +
				 s->req->blob_len, all, HY_EXEC_FDS, MSG_NOSIGNAL);
	int e = errno;
	close(sp[1]);
	if (n < 0)
		fail(x, HY_EXIT_RUNTIME, "the container's init does not take requests: %s",
		     strerror(e));
}

static void accept_client(struct hy_execsrv *s)
{
	int fds[3];
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	int conn = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return;
	size_t i = 0;
	while (i < HY_EXEC_SESSIONS_MAX && s->ss[i].is_used)
		i++;
	struct session tmp = { .conn = conn, .sync = -1, .pidfd = -1 };
	struct session *x = i < HY_EXEC_SESSIONS_MAX ? &s->ss[i] : &tmp;
	*x = tmp;
	x->is_used = true;
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 ||
	    !hy_control_peer_allowed(cred.uid, s->owner))
		fail(x, HY_EXIT_RUNTIME, "permission denied: only root or the owner of the state "
					 "directory may exec in this container");
	else if (x == &tmp)
		fail(x, HY_EXIT_RUNTIME, "%d processes are being started or waited for already",
		     HY_EXEC_SESSIONS_MAX);
	else if (read_request(s, x, fds)) {
		start_process(s, x, fds);
		for (int k = 0; k < 3; k++) /* init has its own copies now */
			close(fds[k]);
	}
}

static struct session *by_seq(struct hy_execsrv *s, unsigned int seq, pid_t cpid)
{
	for (size_t i = 0; i < HY_EXEC_SESSIONS_MAX; i++)
		if (s->ss[i].is_used && (seq ? s->ss[i].seq == seq : s->ss[i].cpid == cpid))
			return &s->ss[i];
	return NULL;
}

/* STARTED (the fork) or STATUS (the end) from init. false: init is gone
 * (EOF comes with POLLIN as well as POLLHUP: reading is how to tell). */
static bool on_init(struct hy_execsrv *s)
{
	struct hy_exec_msg m;
	ssize_t n = recv(s->exec_fd, &m, sizeof(m), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return false;
	if (n != (ssize_t)sizeof(m))
		return true;
	struct session *x = by_seq(s, m.type == HY_EXEC_STARTED ? m.seq : 0, m.pid);
	if (!x || (m.pid <= 0 && !m.err))
		return true;
	if (m.type == HY_EXEC_STARTED && m.err) {
		fail(x, HY_EXIT_RUNTIME, "the container's init could not start the process: %s",
		     strerror(m.err));
	} else if (m.type == HY_EXEC_STARTED) {
		x->cpid = m.pid;
	} else if (x->exit_code) {
		char why[sizeof(x->failure)];
		strscpy(why, x->failure, sizeof(why));
		fail(x, x->exit_code, "%s", why);
	} else {
		reply(x->conn, json_pack("{s:b,s:i}", "ok", 1, "exit", m.status));
		close_session(x);
	}
	return true;
}

/* exec -t: the process opened a pseudo-terminal in the container; its
 * master goes to the client, with the terminal's name. */
static void on_console(struct session *x, pid_t pid, int num)
{
	char name[64] = "/dev/ptmx";
	_cleanup_close_ int master = hy_sandbox_fetch_fd(pid, num);
	if (master < 0 || x->conn < 0)
		return;
	ptsname_r(master, name, sizeof(name));
	json_t *j = json_pack("{s:b,s:s}", "ok", 1, "console", name);
	_cleanup_free_ char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s)
		(void)!send_fds(x->conn, s, strlen(s), &master, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* The process is under its filter: its listener goes to kernel-emu, then GO. */
static void on_listener(struct hy_execsrv *s, struct session *x, pid_t pid, int num)
{
	struct hy_sync_msg go = { .type = HY_SYNC_GO };
	x->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int fd = x->pidfd < 0 ? -errno : (int)syscall(SYS_pidfd_getfd, x->pidfd, num, 0);
	int r = fd < 0 ? (fd == -1 ? -errno : fd) : emu_kernel_add_listener(s->kernel, fd);
	if (r < 0) {
		/* Unsupervised it must not run: it dies before exec. */
		if (x->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, x->pidfd, SIGKILL, NULL, 0);
		x->exit_code = HY_EXIT_RUNTIME;
		snprintf(x->failure, sizeof(x->failure), "supervise the process: %s", strerror(-r));
		return;
	}
	if (send(x->sync, &go, sizeof(go), MSG_NOSIGNAL) == sizeof(go))
		x->pid = pid;
}

/*
 * The process's sync socket closed: it exec'd (the socket is CLOEXEC), or
 * died before. Only now does the client hear its pid, so that `exec -d`
 * returns once the command runs (as runc's does), and one that cannot run
 * gets its 126 or 127 (EXEC_FAILED came first) when init reports it.
 */
static void on_exec(struct session *x)
{
	closep(&x->sync);
	if (x->pid <= 0 || x->exit_code)
		return;
	reply(x->conn, json_pack("{s:b,s:i}", "ok", 1, "pid", x->pid));
	if (x->detach) /* nobody waits: init's STATUS will find no session */
		close_session(x);
}

/* A message on the process's sync socket (before its exec). */
static void on_sync(struct hy_execsrv *s, struct session *x)
{
	struct hy_sync_msg m;
	int fd;
	pid_t pid;
	int r = hy_sync_recv(x->sync, &m, &fd, &pid);
	if (fd >= 0)
		close(fd);
	if (r <= 0) { /* exec'd (CLOEXEC) or gone: init's STATUS ends the session */
		on_exec(x);
		return;
	}
	bool nf = m.err == ENOENT || m.err == ENOTDIR;
	if (m.type == HY_SYNC_LISTENER && pid > 0 && x->pidfd < 0) {
		on_listener(s, x, pid, m.status);
	} else if (m.type == HY_SYNC_CONSOLE && pid > 0 && x->pidfd < 0) {
		on_console(x, pid, m.status);
	} else if (m.type == HY_SYNC_SETUP_FAILED) {
		x->exit_code = HY_EXIT_RUNTIME;
		snprintf(x->failure, sizeof(x->failure), "exec setup: %s: %s", m.what, strerror(m.err));
	} else if (m.type == HY_SYNC_EXEC_FAILED) {
		x->exit_code = nf ? HY_EXIT_NOTFOUND : HY_EXIT_NOEXEC;
		snprintf(x->failure, sizeof(x->failure), nf ? "%s: command not found" :
			 "%s: cannot execute: %s", m.what, strerror(m.err));
	}
}

/* The client: a signal to forward, or gone (the process goes on). */
static void on_client(struct hy_execsrv *s, struct session *x)
{
	ssize_t n = recv(x->conn, s->buf, 256, MSG_DONTWAIT);
	if (n <= 0) {
		closep(&x->conn);
		return;
	}
	json_t *j = json_loadb(s->buf, (size_t)n, 0, NULL);
	json_int_t sig = json_integer_value(json_object_get(j, "signal"));
	json_decref(j);
	if (sig > 0 && sig < 65 && x->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, x->pidfd, (int)sig, NULL, 0);
}

/* The container ended: its init (and every exec'd process) is gone. */
static void finish_all(struct hy_execsrv *s)
{
	for (size_t i = 0; i < HY_EXEC_SESSIONS_MAX; i++)
		if (s->ss[i].is_used)
			fail(&s->ss[i], 128 + SIGKILL, "the container ended: its processes were killed");
}

/*
 * The poll set: [0] stop, [1] listener, [2] init, then the conn and sync of
 * the sessions in use only. poll(2) fails with EINVAL when given more
 * entries than RLIMIT_NOFILE's soft limit (1024 by default, as under a
 * plain init or a login shell), even unused ones (fd -1): a set sized for
 * HY_EXEC_SESSIONS_MAX made the thread end at its first poll, and every
 * client wait forever on a listener nobody accepted from. Open fds count
 * against that limit too, so this set always fits.
 */
static nfds_t fill_pollset(struct hy_execsrv *s)
{
	nfds_t n = POLL_FIXED;
	s->p[0] = (struct pollfd){ .fd = s->stopfd, .events = POLLIN };
	s->p[1] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
	s->p[2] = (struct pollfd){ .fd = s->exec_fd, .events = POLLIN };
	for (unsigned int i = 0; i < HY_EXEC_SESSIONS_MAX; i++) {
		const struct session *x = &s->ss[i];
		if (x->is_used && x->sync >= 0) {
			s->p_ss[n] = i;
			s->p[n++] = (struct pollfd){ .fd = x->sync, .events = POLLIN };
		}
		if (x->is_used && x->conn >= 0) {
			s->p_ss[n] = i;
			s->p[n++] = (struct pollfd){ .fd = x->conn, .events = POLLIN };
		}
	}
	return n;
}

/* The sessions' entries with events: a session ended meanwhile (by init's
 * message, or its sync before its conn) no longer has that fd. */
static void dispatch_sessions(struct hy_execsrv *s, nfds_t n)
{
	for (nfds_t k = POLL_FIXED; k < n; k++) {
		struct session *x = &s->ss[s->p_ss[k]];
		if (!s->p[k].revents || !x->is_used)
			continue;
		if (x->sync >= 0 && s->p[k].fd == x->sync)
			on_sync(s, x);
		else if (x->conn >= 0 && s->p[k].fd == x->conn)
			on_client(s, x);
	}
}

/* The thread cannot go on: say why in the supervisor's log, and turn clients
 * away at once rather than leave them waiting for an accept that never
 * comes: a listening socket shut down refuses connect (ECONNREFUSED), and
 * those already queued hear the reason. */
static void give_up(struct hy_execsrv *s, const char *what, int e)
{
	int conn;
	pr_err("exec server stopped: %s: %s; hybox exec is refused from now on", what,
	       strerror(e));
	shutdown(s->lfd, SHUT_RDWR);
	while ((conn = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		struct session x = { .conn = conn, .sync = -1, .pidfd = -1 };
		fail(&x, HY_EXIT_RUNTIME, "the container's exec server stopped: %s: %s", what,
		     strerror(e));
	}
}

static void *serve(void *arg)
{
	struct hy_execsrv *s = arg;
	for (;;) {
		nfds_t n = fill_pollset(s);
		if (poll(s->p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			give_up(s, "poll", errno);
			break;
		}
		if (s->p[0].revents)
			break;
		if ((s->p[2].revents & (POLLIN | POLLHUP | POLLERR)) && !on_init(s))
			break; /* init is gone */
		dispatch_sessions(s, n);
		if (s->p[1].revents & POLLIN)
			accept_client(s);
	}
	finish_all(s);
	return NULL;
}

int hy_execsrv_start(struct hy_execsrv **ret, const struct hy_execsrv_config *cfg,
		     struct hy_err *err)
{
	struct stat st;
	if (fstat(cfg->state_dirfd, &st) < 0)
		return hy_err_setr(err, -errno, "stat %s", cfg->state_dir);
	/* Fresh zero pages, not calloc: glibc may serve 600 KiB from its heap and
	 * clear it, ~0.35 ms of every container's start here. ss[] stays zero,
	 * untouched: every reader looks at is_used first, and accept_client
	 * fills a session whole. */
	struct hy_execsrv *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return hy_err_setr(err, -errno, "allocate the exec server");
	s->lfd = s->stopfd = -1;
	s->exec_fd = cfg->exec_fd;
	s->state_dirfd = cfg->state_dirfd;
	s->owner = st.st_uid;
	s->kernel = cfg->kernel;
	s->defaults = cfg->defaults;
	s->req = xmalloc(sizeof(*s->req));
	s->buf = xmalloc(REQ_MAX + 1);
	int r = 0;
	s->lfd = hy_control_listen(cfg->state_dirfd, cfg->state_dir, HY_EXEC_SOCK, err);
	s->stopfd = eventfd(0, EFD_CLOEXEC);
	if (s->lfd < 0)
		r = s->lfd;
	else if (s->stopfd < 0)
		r = hy_err_setr(err, -errno, "eventfd");
	else if ((r = hy_thread_start(&s->thread, serve, s)) < 0)
		hy_err_setr(err, r, "start the exec server thread");
	s->has_thread = r == 0;
	if (r < 0) {
		hy_execsrv_stop(s);
		return r;
	}
	*ret = s;
	return 0;
}

void hy_execsrv_stop(struct hy_execsrv *s)
{
	if (!s)
		return;
	uint64_t one = 1;
	if (s->has_thread && write(s->stopfd, &one, sizeof(one)) == sizeof(one))
		pthread_join(s->thread, NULL);
	if (s->lfd >= 0)
		unlinkat(s->state_dirfd, HY_EXEC_SOCK, 0);
	closep(&s->lfd);
	closep(&s->stopfd);
	free(s->req);
	free(s->buf);
	munmap(s, sizeof(*s));
}
