// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket. Server: a supervisor thread (root, every signal blocked:
 * the main thread takes SIGCHLD and forwarded signals through a signalfd)
 * serving one request per connection, one connection at a time. Everything a
 * client sends is untrusted: the peer's uid is checked before the request is
 * read, the request is bounded and validated key by key, and a task is
 * signalled only through a pidfd after checking it is still in our leaf (a
 * pid read from cgroup.procs may be reused by then). The client side runs
 * with the caller's privileges; the state directory's mode (0700) and the
 * socket's (0600) keep everyone but root out before the peer check does.
 */
#define LOG_PREFIX "control: "
#include "control.h"

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "emu.h"
#include "log.h"
#include "util.h"

/* --- pure parts -------------------------------------------------------------- */

static const struct {
	const char *name;
	enum hy_control_op op;
	bool takes_signal;
} ops[] = {
	{ "ps", HY_CONTROL_PS, false },	      { "kill", HY_CONTROL_KILL, true },
	{ "pause", HY_CONTROL_PAUSE, false }, { "resume", HY_CONTROL_RESUME, false },
	{ "state", HY_CONTROL_STATE, false },   { "stats", HY_CONTROL_STATS, false },
	{ "start", HY_CONTROL_START, false },
	{ "checkpointed", HY_CONTROL_CHECKPOINTED, true },
};

static int parse_ckpt_key(const char *key, json_t *v, struct hy_control_ckpt *ck,
			  struct hy_err *err)
{
	static const char *const nums[] = { "procs", "threads", "bytes", "frozen_ns" };
	if (strcmp(key, "leave_running") == 0) {
		if (!json_is_boolean(v))
			return hy_err_set(err, -EINVAL, "\"leave_running\" must be true or false");
		ck->is_leave_running = json_is_true(v);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
		if (strcmp(key, nums[i]) != 0)
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return hy_err_set(err, -EINVAL, "\"%s\" must be a non-negative integer", key);
		uint64_t x = (uint64_t)json_integer_value(v);
		if (i == 0)
			ck->procs = (uint32_t)x;
		else if (i == 1)
			ck->threads = (uint32_t)x;
		else if (i == 2)
			ck->bytes = x;
		else
			ck->frozen_ns = x;
		return 0;
	}
	return hy_err_set(err, -EINVAL, "unknown key for op checkpointed (expected op, procs, "
					"threads, bytes, frozen_ns, leave_running)");
}

static int parse_kill_key(const char *key, json_t *v, struct hy_control_req *req,
			  struct hy_err *err)
{
	if (strcmp(key, "signal") == 0) {
		json_int_t s = json_is_integer(v) ? json_integer_value(v) : 0;
		if (s < 1 || s > 64)
			return hy_err_set(err, -EINVAL,
					  "\"signal\" must be an integer from 1 to 64");
		req->signal = (int)s;
		return 0;
	}
	if (strcmp(key, "all") == 0) {
		if (!json_is_boolean(v))
			return hy_err_set(err, -EINVAL, "\"all\" must be true or false");
		req->is_all = json_is_true(v);
		return 0;
	}
	return hy_err_set(err, -EINVAL, "unknown key for op kill (expected op, signal, all)");
}

int hy_control_parse_request(const char *buf, size_t len, struct hy_control_req *req,
			     struct hy_err *err)
{
	json_error_t je;
	*req = (struct hy_control_req){ 0 };
	if (len > HY_CONTROL_REQ_MAX)
		return hy_err_set(err, -E2BIG, "request larger than %d bytes", HY_CONTROL_REQ_MAX);
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return hy_err_set(err, -EINVAL, "request is not JSON: %s", je.text);
	int r = 0;
	const char *op = json_string_value(json_object_get(j, "op"));
	size_t i = 0;
	if (!json_is_object(j) || !op) {
		r = hy_err_set(err, -EINVAL, "request must be an object with a string \"op\"");
		goto out;
	}
	while (i < ARRAY_SIZE(ops) && strcmp(ops[i].name, op) != 0)
		i++;
	if (i == ARRAY_SIZE(ops)) {
		r = hy_err_set(err, -EINVAL,
			       "unknown op (expected ps, kill, pause, resume, state, stats, start, "
			       "checkpointed)");
		goto out;
	}
	req->op = ops[i].op;
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v) {
		if (strcmp(key, "op") == 0)
			continue;
		if (!ops[i].takes_signal) {
			r = hy_err_set(err, -EINVAL, "op %s takes no arguments", ops[i].name);
			goto out;
		}
		r = req->op == HY_CONTROL_KILL ? parse_kill_key(key, v, req, err)
					       : parse_ckpt_key(key, v, &req->ckpt, err);
		if (r < 0)
			goto out;
	}
	if (req->op == HY_CONTROL_KILL && !req->signal)
		r = hy_err_set(err, -EINVAL, "op kill needs \"signal\"");
out:
	json_decref(j);
	return r;
}

bool hy_control_peer_allowed(uid_t uid, uid_t owner_uid)
{
	return uid == 0 || uid == owner_uid;
}

int hy_control_signal_parse(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} aliases[] = { { "IOT", SIGABRT }, { "CLD", SIGCHLD }, { "POLL", SIGIO } };
	char *end;
	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		long n = strtol(s, &end, 10);
		return *end || errno || n < 1 || n > 64 ? -EINVAL : (int)n;
	}
	const char *n = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
	for (int sig = 1; sig < 32; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && strcasecmp(n, abbrev) == 0)
			return sig;
	}
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (strcasecmp(n, aliases[i].name) == 0)
			return aliases[i].sig;
	int base = strncasecmp(n, "RTMIN", 5) == 0 ? SIGRTMIN : 0, dir = 1;
	if (!base && strncasecmp(n, "RTMAX", 5) == 0)
		base = SIGRTMAX, dir = -1;
	if (!base)
		return -EINVAL;
	if (!n[5])
		return base;
	if (n[5] != (dir > 0 ? '+' : '-') || !isdigit((unsigned char)n[6]))
		return -EINVAL;
	long off = strtol(n + 6, &end, 10);
	if (*end || off > 64)
		return -EINVAL;
	int sig = base + dir * (int)off;
	return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -EINVAL;
}

/* --- server ------------------------------------------------------------------ */

struct hy_control {
	int lfd;       /* listening socket */
	int stopfd;    /* eventfd: wakes the thread to exit */
	int cgfd;      /* borrowed */
	int statefd;   /* borrowed */
	int cmd_pidfd; /* the command, pinned at start */
	pid_t cmd_pid;
	pid_t state_pid; /* what op state reports as "pid" */
	uid_t owner;
	ssize_t (*processes)(void *ctx, struct emu_proc **ret);
	void *processes_ctx;
	json_t *(*stats)(void *ctx);
	void *stats_ctx;
	int (*start)(void *ctx);
	void *start_ctx;
	void (*checkpointed)(void *ctx, const struct hy_control_ckpt *ck);
	void *checkpointed_ctx;
	bool is_started; /* op start succeeded (only the control thread touches it) */
	bool has_thread;
	pthread_t thread;
	char id[HY_ID_MAX];
	char created[32];
	char leaf[4096]; /* "/" + the leaf below the cgroup2 root */
};

static json_t *reply_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *reply_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

/* Text from /proc made safe for JSON (jansson refuses invalid UTF-8). */
static void sanitize(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = ' ';
		else if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			s[i] = '?';
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

static ssize_t read_bounded(const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read_full(fd, buf, size - 1);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return n;
}

/* Is pid's cgroup our leaf (…/hybox/<id>, or linux.cgroupsPath's)? Read after
 * pinning the task with a pidfd. */
static bool in_leaf(struct hy_control *ctl, pid_t pid)
{
	char p[64], buf[4096 + 64];
	snprintf(p, sizeof(p), "/proc/%d/cgroup", pid);
	if (read_bounded(p, buf, sizeof(buf)) <= 0)
		return false;
	/* The v2 line "0::PATH"; a hybrid host lists its v1 hierarchies first. */
	char *l = strncmp(buf, "0::", 3) == 0 ? buf : strstr(buf, "\n0::");
	if (!l)
		return false;
	l += l == buf ? 3 : 4;
	l[strcspn(l, "\n")] = '\0';
	size_t n = strlen(ctl->leaf), len = strlen(l);
	return len >= n && strcmp(l + len - n, ctl->leaf) == 0;
}

/* What ps(1) prints after the state letter of /proc/PID/status. */
static const char *state_name(char state)
{
	static const struct { char c; const char *name; } names[] = {
		{ 'R', "R (running)" }, { 'S', "S (sleeping)" },      { 'D', "D (disk sleep)" },
		{ 'T', "T (stopped)" }, { 't', "t (tracing stop)" }, { 'X', "X (dead)" },
		{ 'Z', "Z (zombie)" },  { 'P', "P (parked)" },       { 'I', "I (idle)" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].c == state)
			return names[i].name;
	return "?";
}

/* One process of the list, with its command line read now. */
static json_t *proc_json(const struct emu_proc *p, pid_t cppid, double started)
{
	char path[64], cmd[HY_CONTROL_CMDLINE_MAX + 1], comm[sizeof(p->comm)];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", p->pid);
	ssize_t n = read_bounded(path, cmd, sizeof(cmd));
	if (n < 0)
		n = 0;
	cmd[n] = '\0';
	sanitize(cmd, n);
	strscpy(comm, p->comm, sizeof(comm));
	sanitize(comm, strlen(comm));
	return json_pack("{s:i,s:i,s:i,s:i,s:i,s:s,s:s,s:s,s:f}", "pid", p->pid, "cpid", p->cpid,
			 "ppid", p->ppid, "cppid", cppid, "threads", (int)p->threads, "state",
			 state_name(p->state), "comm", comm, "cmdline", cmd, "started", started);
}

/*
 * The container's view of each process beside the host's: its parent's
 * container pid ("cppid", 0 for init, whose parent is outside) and its start
 * in seconds after init's ("started"), from the host's clock ticks.
 */
static json_t *ps_list(const struct emu_proc *procs, size_t n)
{
	uint64_t base = UINT64_MAX;
	long hz = sysconf(_SC_CLK_TCK);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		base = MIN(base, procs[i].start_ticks);
	for (size_t i = 0; i < n && i < HY_CONTROL_PS_MAX; i++) {
		pid_t cppid = 0;
		for (size_t j = 0; j < n; j++)
			if (procs[j].pid == procs[i].ppid)
				cppid = procs[j].cpid;
		double started = hz > 0 ? (double)(procs[i].start_ticks - base) / (double)hz : 0;
		json_array_append_new(arr, proc_json(&procs[i], cppid, started));
	}
	return arr;
}

static json_t *op_ps(struct hy_control *ctl)
{
	_cleanup_free_ struct emu_proc *procs = NULL;
	ssize_t n = ctl->processes(ctl->processes_ctx, &procs);
	if (n < 0)
		return reply_error("cannot list the container's tasks: %s", strerror((int)-n));
	return json_pack("{s:b,s:o,s:b}", "ok", 1, "processes", ps_list(procs, (size_t)n),
			 "truncated", n > HY_CONTROL_PS_MAX);
}

static int signal_pid(struct hy_control *ctl, pid_t pid, int sig)
{
	_cleanup_close_ int pfd = pidfd_open(pid, 0);
	if (pfd < 0)
		return -errno;
	if (!in_leaf(ctl, pid))
		return -ESRCH;
	return pidfd_send_signal(pfd, sig, NULL, 0) < 0 ? -errno : 0;
}

static json_t *op_kill(struct hy_control *ctl, const struct hy_control_req *req)
{
	if (!req->is_all) {
		int fd = ctl->cmd_pidfd;
		if (fd < 0 || pidfd_send_signal(fd, req->signal, NULL, 0) < 0)
			return reply_error("cannot signal the command (pid %d): %s", ctl->cmd_pid,
					   fd < 0 || errno == ESRCH ? "container not running "
					   "(the command has exited)" : strerror(errno));
		return json_pack("{s:b,s:i}", "ok", 1, "signalled", 1);
	}
	if (req->signal == SIGKILL && write_file_at(ctl->cgfd, "cgroup.kill", "1") == 0)
		return json_pack("{s:b,s:b}", "ok", 1, "cgroup_kill", 1);
	_cleanup_free_ char *procs = NULL;
	ssize_t rd = read_file_at(ctl->cgfd, "cgroup.procs", &procs);
	if (rd < 0)
		return reply_error("cannot read the container's cgroup.procs: %s", strerror(-rd));
	int count = 0;
	for (char *s = procs, *e; *s; s = e) {
		long pid = strtol(s, &e, 10);
		if (e == s)
			break;
		if (pid > 0 && signal_pid(ctl, pid, req->signal) == 0)
			count++;
	}
	return json_pack("{s:b,s:i}", "ok", 1, "signalled", count);
}

/* cgroup.events "frozen 0|1" reached within the timeout? */
static int wait_frozen(struct hy_control *ctl, int want)
{
	unsigned long long deadline = now_mono_ns() + HY_CONTROL_FREEZE_TIMEOUT_MS * 1000000ULL;
	char line[16];
	snprintf(line, sizeof(line), "frozen %d", want);
	do {
		_cleanup_free_ char *ev = NULL;
		ssize_t r = read_file_at(ctl->cgfd, "cgroup.events", &ev);
		if (r < 0)
			return r;
		const char *f = strstr(ev, line);
		if (f && (f == ev || f[-1] == '\n') && (f[8] == '\n' || f[8] == '\0'))
			return 0;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	} while (now_mono_ns() < deadline);
	return -ETIMEDOUT;
}

static json_t *op_freeze(struct hy_control *ctl, int want)
{
	if (faccessat(ctl->cgfd, "cgroup.freeze", F_OK, 0) < 0)
		return reply_error("this kernel has no cgroup freezer (cgroup.freeze, Linux 5.2+)");
	int r = write_file_at(ctl->cgfd, "cgroup.freeze", want ? "1" : "0");
	if (r < 0)
		return reply_error("write cgroup.freeze: %s", strerror(-r));
	r = wait_frozen(ctl, want);
	if (r < 0)
		return reply_error("the container did not %s within %d ms: %s",
				   want ? "freeze" : "thaw", HY_CONTROL_FREEZE_TIMEOUT_MS,
				   strerror(-r));
	return json_pack("{s:b,s:s}", "ok", 1, "status", want ? "paused" : "running");
}

/* OCI status: the command has ended (its pidfd is readable), waits for op
 * start, or runs (frozen or not). */
static const char *status_of(struct hy_control *ctl)
{
	struct pollfd p = { .fd = ctl->cmd_pidfd, .events = POLLIN };
	unsigned long long frozen = 0;
	if (ctl->cmd_pidfd >= 0 && poll(&p, 1, 0) > 0)
		return "stopped";
	if (ctl->start && !ctl->is_started)
		return "created";
	read_u64_at(ctl->cgfd, "cgroup.freeze", &frozen);
	return frozen ? "paused" : "running";
}

static json_t *op_state(struct hy_control *ctl)
{
	return json_pack("{s:b,s:s,s:i,s:s,s:s}", "ok", 1, "id", ctl->id, "pid", ctl->state_pid,
			 "status", status_of(ctl), "created", ctl->created);
}

static json_t *op_start(struct hy_control *ctl)
{
	const char *status = status_of(ctl);
	if (strcmp(status, "created") != 0)
		return reply_error("cannot start a container that is %s (start works once, on a "
				   "created container)", status);
	int r = ctl->start(ctl->start_ctx);
	if (r < 0)
		return reply_error("cannot release the command: %s", strerror(-r));
	ctl->is_started = true;
	return json_pack("{s:b,s:s}", "ok", 1, "status", "running");
}

static json_t *op_stats(struct hy_control *ctl)
{
	json_t *s = ctl->stats ? ctl->stats(ctl->stats_ctx) : NULL;
	if (!s)
		return reply_error("this supervisor keeps no statistics");
	return json_pack("{s:b,s:o}", "ok", 1, "stats", s);
}

static json_t *dispatch(struct hy_control *ctl, const struct hy_control_req *req)
{
	switch (req->op) {
	case HY_CONTROL_PS:
		return op_ps(ctl);
	case HY_CONTROL_KILL:
		return op_kill(ctl, req);
	case HY_CONTROL_PAUSE:
		return op_freeze(ctl, 1);
	case HY_CONTROL_RESUME:
		return op_freeze(ctl, 0);
	case HY_CONTROL_STATE:
		return op_state(ctl);
	case HY_CONTROL_STATS:
		return op_stats(ctl);
	case HY_CONTROL_START:
		return op_start(ctl);
	case HY_CONTROL_CHECKPOINTED:
		if (!ctl->checkpointed)
			return reply_error("this supervisor does not report checkpoints");
		ctl->checkpointed(ctl->checkpointed_ctx, &req->ckpt);
		return json_pack("{s:b}", "ok", 1);
	}
	return reply_error("unknown op");
}

static json_t *handle(struct hy_control *ctl, int cfd)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0)
		return reply_error("cannot read peer credentials: %s", strerror(errno));
	char buf[HY_CONTROL_REQ_MAX];
	/*
	 * Read (never parse) the request even from a peer about to be refused:
	 * closing on unread data resets the connection and the client would
	 * lose the reply. MSG_TRUNC: the real length, so an oversized request
	 * is refused, not cut.
	 */
	ssize_t n = recv(cfd, buf, sizeof(buf), MSG_TRUNC);
	if (!hy_control_peer_allowed(cred.uid, ctl->owner))
		return reply_error("permission denied: uid %u is neither root nor the owner of the "
				   "container",
				   cred.uid);
	if (n < 0)
		return reply_error("no request received: %s", strerror(errno));
	struct hy_control_req req;
	struct hy_err err = { 0 };
	if (hy_control_parse_request(buf, n, &req, &err) < 0)
		return reply_error("bad request: %s", err.msg);
	pr_debug("uid %u: op %d", cred.uid, req.op);
	return dispatch(ctl, &req);
}

static void serve_one(struct hy_control *ctl, int cfd)
{
	/* A client that never sends (or never reads) must not stall the server. */
	struct timeval tv = { .tv_sec = 2 };
	int sz = HY_CONTROL_REPLY_MAX + 4096;
	setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(cfd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	json_t *reply = handle(ctl, cfd);
	_cleanup_free_ char *s = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
	json_decref(reply);
	if (!s)
		s = xstrdup("{\"ok\":false,\"error\":\"reply too large\"}");
	if (send(cfd, s, strlen(s), MSG_NOSIGNAL) < 0)
		pr_debug("reply not sent: %s", strerror(errno));
}

static void *serve(void *arg)
{
	struct hy_control *ctl = arg;
	struct pollfd pfd[2] = { { .fd = ctl->lfd, .events = POLLIN },
				 { .fd = ctl->stopfd, .events = POLLIN } };
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			pr_warn("poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		int cfd = accept4(ctl->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		serve_one(ctl, cfd);
		close(cfd);
	}
	return NULL;
}

/* sun_path holds 108 bytes: a long --root is reached through the directory fd. */
static int sock_addr(struct sockaddr_un *sa, const char *dir, int dirfd, const char *name)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	size_t need = (size_t)snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s", dir, name);
	if (need >= sizeof(sa->sun_path))
		snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dirfd, name);
	return 0;
}

int hy_control_listen(int state_dirfd, const char *state_dir, const char *name,
		      struct hy_err *err)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return hy_err_setr(err, -errno, "socket %s", name);
	sock_addr(&sa, state_dir, state_dirfd, name);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return hy_err_setr(err, -errno, "bind %s/%s", state_dir, name);
	/* The directory (0700) already keeps others out; the mode says it again. */
	if (fchmodat(state_dirfd, name, 0600, 0) < 0 || listen(fd, 16) < 0) {
		int r = -errno;
		unlinkat(state_dirfd, name, 0);
		return hy_err_setr(err, r, "socket %s/%s", state_dir, name);
	}
	return TAKE_FD(fd);
}

static int listen_sock(struct hy_control *ctl, const struct hy_control_config *cfg,
		       struct hy_err *err)
{
	int fd = hy_control_listen(cfg->state_dirfd, cfg->state_dir, HY_CONTROL_SOCK, err);
	if (fd < 0)
		return fd;
	ctl->lfd = fd;
	return 0;
}

int hy_control_start(struct hy_control **ret, const struct hy_control_config *cfg,
		     struct hy_err *err)
{
	struct hy_control *ctl = xcalloc(1, sizeof(*ctl));
	struct stat st;
	time_t now = time(NULL);
	struct tm tm;
	int r;
	ctl->lfd = ctl->stopfd = ctl->cmd_pidfd = -1;
	ctl->cgfd = cfg->cgroup_dirfd;
	ctl->statefd = cfg->state_dirfd;
	ctl->cmd_pid = cfg->cmd_pid;
	ctl->state_pid = cfg->state_pid ? cfg->state_pid : cfg->cmd_pid;
	ctl->processes = cfg->processes;
	ctl->processes_ctx = cfg->processes_ctx;
	ctl->stats = cfg->stats;
	ctl->stats_ctx = cfg->stats_ctx;
	ctl->checkpointed = cfg->checkpointed;
	ctl->checkpointed_ctx = cfg->checkpointed_ctx;
	ctl->start = cfg->start;
	ctl->start_ctx = cfg->start_ctx;
	strscpy(ctl->id, cfg->id, sizeof(ctl->id));
	if (cfg->cgroup_path)
		snprintf(ctl->leaf, sizeof(ctl->leaf), "/%s", cfg->cgroup_path);
	else
		snprintf(ctl->leaf, sizeof(ctl->leaf), "/hybox/%s", cfg->id);
	strftime(ctl->created, sizeof(ctl->created), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	if (fstat(cfg->state_dirfd, &st) < 0) {
		r = hy_err_setr(err, -errno, "stat %s", cfg->state_dir);
		goto err;
	}
	ctl->owner = st.st_uid;
	/* Pinned now: a later kill must not reach a process that reused the pid. */
	ctl->cmd_pidfd = pidfd_open(cfg->cmd_pid, 0);
	if (ctl->cmd_pidfd >= 0 && !in_leaf(ctl, cfg->cmd_pid)) {
		closep(&ctl->cmd_pidfd);
		ctl->cmd_pidfd = -1;
	}
	ctl->stopfd = eventfd(0, EFD_CLOEXEC);
	if (ctl->stopfd < 0) {
		r = hy_err_setr(err, -errno, "eventfd");
		goto err;
	}
	if ((r = listen_sock(ctl, cfg, err)) < 0)
		goto err;
	r = hy_thread_start(&ctl->thread, serve, ctl);
	if (r < 0) {
		hy_err_setr(err, r, "start the control thread");
		goto err;
	}
	ctl->has_thread = true;
	*ret = ctl;
	return 0;
err:
	hy_control_stop(ctl);
	return r;
}

void hy_control_stop(struct hy_control *ctl)
{
	if (!ctl)
		return;
	if (ctl->has_thread) {
		uint64_t one = 1;
		if (write(ctl->stopfd, &one, sizeof(one)) < 0)
			pr_warn("wake the control thread: %s", strerror(errno));
		pthread_join(ctl->thread, NULL);
	}
	if (ctl->lfd >= 0 && unlinkat(ctl->statefd, HY_CONTROL_SOCK, 0) < 0 && errno != ENOENT)
		pr_warn("remove %s: %s", HY_CONTROL_SOCK, strerror(errno));
	closep(&ctl->lfd);
	closep(&ctl->stopfd);
	closep(&ctl->cmd_pidfd);
	free(ctl);
}

/* --- client ------------------------------------------------------------------ */

static int connect_ctl(const char *dir, const char *id, const char *name, struct hy_err *err)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 && errno == ENOENT)
		return hy_err_set(err, -ENOENT, "container '%s' does not exist (no %s)", id, dir);
	if (dfd < 0)
		return hy_err_setr(err, -errno, "container '%s': open %s", id, dir);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return hy_err_setr(err, -errno, "socket");
	struct sockaddr_un sa;
	sock_addr(&sa, dir, dfd, name);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return TAKE_FD(fd);
	int r = -errno;
	if (r == -ECONNREFUSED)
		return hy_err_set(err, r, "container '%s' is not running: its supervisor is gone "
					  "(stale state directory %s)", id, dir);
	if (r == -ENOENT)
		return hy_err_set(err, r, "container '%s' has no %s in %s (its supervisor is "
					  "starting, stopping or gone)", id, name, dir);
	if (r == -EACCES || r == -EPERM)
		return hy_err_set(err, r,
				  "container '%s': permission denied on %s/%s (only root or the "
				  "owner of the state directory may control it)",
				  id, dir, name);
	return hy_err_setr(err, r, "container '%s': connect to %s/%s", id, dir, name);
}

int hy_control_connect(const char *root, const char *id, const char *name, struct hy_err *err)
{
	char dir[4096];
	int r = hy_id_validate(id, err);
	if (r < 0)
		return r;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", root, id) >= sizeof(dir))
		return hy_err_set(err, -ENAMETOOLONG, "state directory path too long");
	return connect_ctl(dir, id, name, err);
}

static int exchange(int fd, const char *id, json_t *req, json_t **ret_reply, struct hy_err *err)
{
	_cleanup_free_ char *s = json_dumps(req, JSON_COMPACT);
	if (!s || send(fd, s, strlen(s), MSG_NOSIGNAL) < 0)
		return hy_err_setr(err, s ? -errno : -ENOMEM, "container '%s': send request", id);
	/* Generous: pause waits up to HY_CONTROL_FREEZE_TIMEOUT_MS on the server. */
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	_cleanup_free_ char *buf = xmalloc(HY_CONTROL_REPLY_MAX);
	ssize_t n = recv(fd, buf, HY_CONTROL_REPLY_MAX, MSG_TRUNC);
	if (n < 0)
		return hy_err_setr(err, -errno, "container '%s': no reply from the supervisor", id);
	if (n == 0)
		return hy_err_set(err, -ECONNRESET, "container '%s': the supervisor closed the "
						    "connection without replying", id);
	if (n > HY_CONTROL_REPLY_MAX)
		return hy_err_set(err, -EMSGSIZE, "container '%s': reply too large", id);
	json_error_t je;
	json_t *reply = json_loadb(buf, n, 0, &je);
	if (!json_is_object(reply)) {
		json_decref(reply);
		return hy_err_set(err, -EPROTO, "container '%s': malformed reply", id);
	}
	if (!json_is_true(json_object_get(reply, "ok"))) {
		const char *e = json_string_value(json_object_get(reply, "error"));
		int r = hy_err_set(err, -EIO, "container '%s': %s", id, e ? e : "request failed");
		json_decref(reply);
		return r;
	}
	*ret_reply = reply;
	return 0;
}

int hy_control_call_fd(int fd, const char *id, json_t *req, json_t **ret_reply,
		       struct hy_err *err)
{
	return exchange(fd, id, req, ret_reply, err);
}

int hy_control_call(const char *root, const char *id, json_t *req, json_t **ret_reply,
		    struct hy_err *err)
{
	_cleanup_close_ int fd = hy_control_connect(root, id, HY_CONTROL_SOCK, err);
	if (fd < 0)
		return fd;
	return exchange(fd, id, req, ret_reply, err);
}
