// SPDX-License-Identifier: GPL-2.0-only
/*
 * The events socket (see evserver.h). One thread serves every follower with
 * non-blocking sends from a poll loop; the producers never touch a socket.
 * Everything a client sends is untrusted: the request is bounded and
 * validated key by key, the peer's uid is checked before anything is
 * followed, a connection that says nothing is dropped after
 * HY_EVENTS_HELLO_MS, and there are at most HY_EVENTS_FOLLOWERS_MAX
 * followers (plus a few connections still greeting).
 *
 * Room for the last word: a follower's socket is filled only up to half its
 * send buffer (SIOCOUTQ), and the kernel admits a message while the buffer is
 * below its size, so a final `lost` line and {"end":true} always fit, even
 * for a follower that has not read for a long time.
 */
#define LOG_PREFIX "evserver: "
#include "evserver.h"

#include <errno.h>
#include <linux/sockios.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "container.h"
#include "control.h"
#include "evfilter.h"
#include "log.h"
#include "util.h"

#define PENDING_MAX 8 /* connections still greeting, on top of the followers */
#define SLOTS (HY_EVENTS_FOLLOWERS_MAX + PENDING_MAX)

/* --- pure part ----------------------------------------------------------------- */

static int parse_kinds(json_t *v, uint32_t *mask, struct hy_err *err)
{
	size_t i;
	json_t *k;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return hy_err_set(err, -EINVAL,
				  "\"kinds\" must be a non-empty array of kind names");
	json_array_foreach(v, i, k) {
		const char *name = json_string_value(k);
		int kind = name ? hy_evkind_from_name(name) : -EINVAL;
		if (kind < 0)
			return hy_err_set(err, -EINVAL, "\"kinds\"[%zu]: not an event kind", i);
		*mask |= HY_EVMASK(kind);
	}
	return 0;
}

int hy_evserver_parse_request(const char *buf, size_t len, uint32_t *ret_kinds,
			      struct hy_err *err)
{
	json_error_t je;
	uint32_t mask = 0;
	const char *key;
	json_t *j, *v;
	int r = 0;

	if (len > HY_CONTROL_REQ_MAX)
		return hy_err_set(err, -E2BIG, "request larger than %d bytes", HY_CONTROL_REQ_MAX);
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return hy_err_set(err, -EINVAL, "request is not JSON: %s", je.text);
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "op")) ||
	    strcmp(json_string_value(json_object_get(j, "op")), "follow") != 0) {
		r = hy_err_set(err, -EINVAL,
			       "request must be {\"op\":\"follow\"[,\"kinds\":[...]]}");
		goto out;
	}
	json_object_foreach(j, key, v) {
		if (strcmp(key, "op") == 0)
			continue;
		if (strcmp(key, "kinds") != 0) {
			r = hy_err_set(err, -EINVAL, "unknown key (expected op, kinds)");
			goto out;
		}
		if ((r = parse_kinds(v, &mask, err)) < 0)
			goto out;
	}
	*ret_kinds = mask ? mask : HY_EVMASK_ALL;
out:
	json_decref(j);
	return r;
}

/* --- server -------------------------------------------------------------------- */

struct client {
	int fd;
	bool is_streaming;
	bool is_blocked; /* waiting for room in the socket */
	unsigned long long hello_deadline;
	int room; /* send while SIOCOUTQ is below this */
	struct hy_follower *f;
	size_t msg_len; /* a line taken from the queue, not yet sent */
	char msg[HY_TELEMETRY_LINE_MAX];
};

struct hy_evserver {
	int lfd, stopfd, wakefd, statefd;
	uid_t owner;
	struct hy_telemetry *tel;
	const char *(*on_follow)(void *ctx, uint32_t kinds);
	void *ctx;
	bool has_thread;
	pthread_t thread;
	struct client *c[SLOTS];
	unsigned n, nstreaming;
	char id[HY_ID_MAX];
};

static void send_json(int fd, json_t *j)
{
	_cleanup_free_ char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (s && send(fd, s, strlen(s), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		pr_debug("reply not sent: %s", strerror(errno));
}

static void drop_client(struct hy_evserver *s, unsigned i)
{
	struct client *c = s->c[i];

	if (c->f) {
		hy_telemetry_unfollow(s->tel, c->f);
		s->nstreaming--;
	}
	close(c->fd);
	free(c);
	s->c[i] = s->c[--s->n];
}

static void accept_client(struct hy_evserver *s)
{
	int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct client *c;

	if (fd < 0)
		return;
	if (s->n == SLOTS) { /* the client reads EOF: "closed without replying" */
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->hello_deadline = now_mono_ns() + HY_EVENTS_HELLO_MS * 1000000ULL;
	s->c[s->n++] = c;
}

static json_t *refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *refuse(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

static json_t *kinds_array(uint32_t mask)
{
	json_t *a = json_array();

	for (int k = 0; k < HY_EVK__COUNT; k++)
		if (mask & HY_EVMASK(k))
			json_array_append_new(a, json_string(hy_evkind_name(k)));
	return a;
}

static void set_sndbuf(struct client *c)
{
	int sz = HY_EVENTS_SNDBUF;
	socklen_t len = sizeof(sz);

	/* Root may exceed wmem_max; fall back to the plain request otherwise. */
	if (setsockopt(c->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (getsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sz, &len) < 0)
		sz = 2 * HY_TELEMETRY_LINE_MAX;
	c->room = sz / 2;
}

/* The request: returns true when the connection becomes a follower. */
static bool hello(struct hy_evserver *s, struct client *c)
{
	char buf[HY_CONTROL_REQ_MAX];
	struct hy_err err = { 0 };
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	uint32_t kinds, eff;
	const char *warning = NULL;
	ssize_t n;

	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0)
		return false;
	/* Read before refusing: closing on unread data would reset the connection
	 * and the client would lose the reply. MSG_TRUNC: the real length. */
	n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
	if (n <= 0)
		return false;
	if (!hy_control_peer_allowed(cred.uid, s->owner)) {
		send_json(c->fd, refuse("permission denied: uid %u is neither root nor the owner "
					"of the container's state directory", cred.uid));
		return false;
	}
	if (hy_evserver_parse_request(buf, n, &kinds, &err) < 0) {
		send_json(c->fd, refuse("bad request: %s", err.msg));
		return false;
	}
	if (s->nstreaming >= HY_EVENTS_FOLLOWERS_MAX) {
		send_json(c->fd, refuse("too many followers (at most %d at once)",
					HY_EVENTS_FOLLOWERS_MAX));
		return false;
	}
	/* Registered first: nothing produced from here on is missed. */
	c->f = hy_telemetry_follow(s->tel, kinds, cred.pid, cred.uid, &eff);
	s->nstreaming++;
	c->is_streaming = true;
	set_sndbuf(c);
	if ((eff & HY_EVMASK_BPF) && s->on_follow)
		warning = s->on_follow(s->ctx, eff);
	send_json(c->fd, json_pack("{s:b,s:s,s:o,s:s?}", "ok", 1, "id", s->id, "kinds",
				   kinds_array(eff), "warning", warning));
	pr_debug("follower pid %d uid %u", cred.pid, cred.uid);
	return true;
}

static bool has_room(struct client *c)
{
	int outq = 0;

	return ioctl(c->fd, SIOCOUTQ, &outq) < 0 || outq < c->room;
}

/* Move queued lines to the socket. force: ignore the half-buffer mark (the
 * last lines). Returns 0 (all sent, or blocked: is_blocked) or -errno. */
static int pump(struct hy_evserver *s, struct client *c, bool force)
{
	for (;;) {
		if (!c->msg_len)
			c->msg_len = hy_telemetry_take(s->tel, c->f, c->msg, sizeof(c->msg));
		if (!c->msg_len) {
			c->is_blocked = false;
			return 0;
		}
		if (!force && !has_room(c)) {
			c->is_blocked = true;
			return 0;
		}
		if (send(c->fd, c->msg, c->msg_len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			if (errno != EAGAIN)
				return -errno;
			c->is_blocked = true;
			return 0;
		}
		c->msg_len = 0;
	}
}

/* One client after poll; returns false when it is to be dropped. */
static bool service(struct hy_evserver *s, struct client *c, short revents)
{
	char junk[256];

	if (!c->is_streaming) {
		if (revents & (POLLIN | POLLHUP | POLLERR))
			return hello(s, c);
		return now_mono_ns() < c->hello_deadline;
	}
	if (revents & (POLLHUP | POLLERR))
		return false;
	/* A follower has nothing more to say; EOF means it left. */
	if ((revents & POLLIN) && recv(c->fd, junk, sizeof(junk), MSG_DONTWAIT) == 0)
		return false;
	return pump(s, c, false) == 0;
}

static int hello_timeout_ms(struct hy_evserver *s)
{
	unsigned long long now = now_mono_ns(), next = 0;

	for (unsigned i = 0; i < s->n; i++)
		if (!s->c[i]->is_streaming && (!next || s->c[i]->hello_deadline < next))
			next = s->c[i]->hello_deadline;
	if (!next)
		return -1;
	return next <= now ? 0 : (int)((next - now) / 1000000ULL) + 1;
}

static void drain_fd(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) == sizeof(v))
		;
}

/* The end: give followers their lines (bounded wait), the last `lost`, the end mark. */
static void finish_all(struct hy_evserver *s)
{
	unsigned long long deadline = now_mono_ns() + HY_EVENTS_DRAIN_MS * 1000000ULL;
	struct pollfd pfd[SLOTS];

	for (unsigned i = 0; i < s->n; i++)
		if (s->c[i]->is_streaming)
			hy_telemetry_finish(s->tel, s->c[i]->f, false, 0);
	for (;;) {
		unsigned nb = 0;
		unsigned long long now = now_mono_ns();

		for (unsigned i = s->n; i-- > 0;) {
			struct client *c = s->c[i];
			if (!c->is_streaming || pump(s, c, false) < 0) {
				drop_client(s, i);
				continue;
			}
			if (c->is_blocked)
				pfd[nb++] = (struct pollfd){ .fd = c->fd, .events = POLLOUT };
		}
		if (nb == 0 || now >= deadline)
			break;
		if (poll(pfd, nb, (int)((deadline - now) / 1000000ULL) + 1) < 0 && errno != EINTR)
			break;
	}
	for (unsigned i = s->n; i-- > 0;) {
		struct client *c = s->c[i];
		if (c->is_blocked) {
			/* Out of time: what it did not take is lost, and it is told so. */
			hy_telemetry_finish(s->tel, c->f, true, c->msg_len ? 1 : 0);
			c->msg_len = 0;
			pump(s, c, true);
		}
		send_json(c->fd, json_pack("{s:b}", "end", 1));
		drop_client(s, i);
	}
}

static void *serve(void *arg)
{
	struct hy_evserver *s = arg;
	struct pollfd pfd[3 + SLOTS];

	for (;;) {
		unsigned n = s->n;

		pfd[0] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = s->stopfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = s->wakefd, .events = POLLIN };
		for (unsigned i = 0; i < n; i++)
			pfd[3 + i] = (struct pollfd){
				.fd = s->c[i]->fd,
				.events = POLLIN | (s->c[i]->is_blocked ? POLLOUT : 0),
			};
		if (poll(pfd, 3 + n, hello_timeout_ms(s)) < 0) {
			if (errno == EINTR)
				continue;
			pr_warn("poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents)
			break;
		if (pfd[2].revents) {
			drain_fd(s->wakefd);
			hy_telemetry_woken(s->tel);
		}
		/* Backwards: drop_client() moves the last slot into the dropped one. */
		for (unsigned i = n; i-- > 0;)
			if (!service(s, s->c[i], pfd[3 + i].revents))
				drop_client(s, i);
		if (pfd[0].revents & POLLIN)
			accept_client(s);
	}
	finish_all(s);
	return NULL;
}

int hy_evserver_start(struct hy_evserver **ret, const struct hy_evserver_config *cfg,
		      struct hy_err *err)
{
	struct hy_evserver *s = xcalloc(1, sizeof(*s));
	struct stat st;
	int r;

	s->lfd = s->stopfd = s->wakefd = -1;
	s->statefd = cfg->state_dirfd;
	s->tel = cfg->tel;
	s->on_follow = cfg->on_follow;
	s->ctx = cfg->ctx;
	strscpy(s->id, cfg->id, sizeof(s->id));
	if (fstat(cfg->state_dirfd, &st) < 0) {
		r = hy_err_setr(err, -errno, "stat %s", cfg->state_dir);
		goto err;
	}
	s->owner = st.st_uid;
	s->stopfd = eventfd(0, EFD_CLOEXEC);
	s->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->stopfd < 0 || s->wakefd < 0) {
		r = hy_err_setr(err, -errno, "eventfd");
		goto err;
	}
	r = hy_control_listen(cfg->state_dirfd, cfg->state_dir, HY_EVENTS_SOCK, err);
	if (r < 0)
		goto err;
	s->lfd = r;
	hy_telemetry_set_wake(s->tel, s->wakefd);
	r = hy_thread_start(&s->thread, serve, s);
	if (r < 0) {
		hy_err_setr(err, r, "start the events thread");
		goto err;
	}
	s->has_thread = true;
	*ret = s;
	return 0;
err:
	hy_evserver_stop(s);
	return r;
}

void hy_evserver_stop(struct hy_evserver *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	if (s->has_thread) {
		if (write(s->stopfd, &one, sizeof(one)) < 0)
			pr_warn("wake the events thread: %s", strerror(errno));
		pthread_join(s->thread, NULL);
	}
	if (s->tel)
		hy_telemetry_set_wake(s->tel, -1);
	if (s->lfd >= 0 && unlinkat(s->statefd, HY_EVENTS_SOCK, 0) < 0 && errno != ENOENT)
		pr_warn("remove %s: %s", HY_EVENTS_SOCK, strerror(errno));
	closep(&s->lfd);
	closep(&s->stopfd);
	closep(&s->wakefd);
	free(s);
}
