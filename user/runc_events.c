// SPDX-License-Identifier: GPL-2.0-only
/*
 * runc's streaming events (runc_events.h): a timerfd paces the stats events,
 * the OOM watch's inotify fd wakes the loop when memory.events or
 * cgroup.events changes, so an `oom` line comes when the kernel counts the
 * kill, not at the next interval. The loop ends when the leaf has no process
 * left (cgroup.events "populated 0") or the supervisor no longer holds the
 * state lock, as runc's ends when the cgroup empties. Runs with the caller's
 * privileges; reads the leaf and the state directory, writes only stdout.
 */
#include "runc_events.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "container.h"
#include "oom_watch.h"
#include "runc_stats.h"
#include "util.h"

/* The longest wait between two looks at the end and OOM counts: when inotify
 * is missing it is the only way they are seen, otherwise a safety net. */
#define LOOK_MS_NOTIFY 1000
#define LOOK_MS_POLL 100

struct stream {
	const char *root, *id;
	int dirfd;
	struct hy_oom_watch oom;
};

/* One event, one line, straight to fd 1 (no stdio buffer: a reader sees it now). */
static int emit(json_t *ev)
{
	_cleanup_free_ char *s = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	if (!s)
		return -ENOMEM;
	size_t n = strlen(s);
	_cleanup_free_ char *line = xmalloc(n + 2);
	memcpy(line, s, n);
	line[n] = '\n';
	return write_all(STDOUT_FILENO, line, n + 1);
}

static int emit_ooms(struct stream *s)
{
	int r = 0;
	for (uint64_t n = hy_oom_watch_check(&s->oom); n > 0 && r == 0; n--)
		r = emit(json_pack("{s:s,s:s}", "type", "oom", "id", s->id));
	return r;
}

/* A stats event, unless the leaf went away under us (cpu.stat is in every
 * cgroup v2 directory, so its absence means the leaf is gone). */
static int emit_stats(struct stream *s)
{
	json_t *ev = hy_runc_stats(s->dirfd, s->id);
	if (!json_object_get(json_object_get(ev, "data"), "cpu")) {
		json_decref(ev);
		return 0;
	}
	return emit(ev);
}

static bool has_ended(const struct stream *s)
{
	_cleanup_free_ char *text = NULL;
	if (hy_state_is_live(s->root, s->id) <= 0 || read_file_at(s->dirfd, "cgroup.events", &text) < 0)
		return true;
	return strstr(text, "populated 1") == NULL;
}

static int timer_new(uint64_t interval_ns)
{
	struct timespec t = { .tv_sec = interval_ns / 1000000000ull,
			      .tv_nsec = interval_ns % 1000000000ull };
	struct itimerspec its = { .it_interval = t, .it_value = t };
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* One wake-up: OOM kills first (they happened before the sample), then the
 * sample if the timer fired. 0 to go on, 1 at the end, or -errno. */
static int step(struct stream *s, int timer_fd, bool timer_fired)
{
	uint64_t expirations;
	int r = emit_ooms(s);
	if (r == 0 && timer_fired && read(timer_fd, &expirations, sizeof(expirations)) > 0)
		r = emit_stats(s);
	if (r < 0)
		return r;
	if (!has_ended(s))
		return 0;
	r = emit_ooms(s); /* a kill that ended the container */
	return r < 0 ? r : 1;
}

int hy_runc_events_stream(const char *root, const char *id, int cgroup_dirfd,
			  uint64_t interval_ns, struct hy_err *err)
{
	struct stream s = { .root = root, .id = id, .dirfd = cgroup_dirfd };
	_cleanup_close_ int timer_fd = timer_new(interval_ns);
	int r = 0;

	if (timer_fd < 0)
		return hy_err_setr(err, timer_fd, "timerfd for --interval");
	hy_oom_watch_init(&s.oom, cgroup_dirfd);
	int nfds = hy_oom_watch_fd(&s.oom) >= 0 ? 2 : 1;
	int look_ms = nfds == 2 ? LOOK_MS_NOTIFY : LOOK_MS_POLL;
	while (r == 0) {
		struct pollfd p[2] = { { .fd = timer_fd, .events = POLLIN },
				       { .fd = hy_oom_watch_fd(&s.oom), .events = POLLIN } };
		if (poll(p, nfds, look_ms) < 0 && errno != EINTR) {
			r = hy_err_setr(err, -errno, "poll");
			break;
		}
		r = step(&s, timer_fd, p[0].revents & POLLIN);
	}
	hy_oom_watch_fini(&s.oom);
	if (r == -EPIPE || r == 1)
		return 0; /* the reader went away, or the container ended */
	return r < 0 && !err->code ? hy_err_setr(err, r, "write events to stdout") : r;
}
