// SPDX-License-Identifier: GPL-2.0-only
/*
 * OOM kills of a cgroup v2 leaf (oom_watch.h). The count is cumulative and
 * hierarchical (the leaf's own and its descendants'), so a rise between two
 * looks is exactly the kills in between: notifications only say "look
 * again", they are not counted, and several kills folded into one
 * notification still give their number.
 */
#include "oom_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "util.h"

int hy_oom_kills_parse(const char *text, uint64_t *ret)
{
	static const char key[] = "oom_kill ";
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, key, sizeof(key) - 1) != 0)
			continue;
		char *end;
		errno = 0;
		unsigned long long v = strtoull(l + sizeof(key) - 1, &end, 10);
		if (errno || end == l + sizeof(key) - 1 || (*end && *end != '\n'))
			return -EINVAL;
		*ret = v;
		return 0;
	}
	return -ENOENT;
}

uint64_t hy_oom_kills_rise(uint64_t prev, uint64_t cur)
{
	return cur > prev ? cur - prev : 0;
}

/* memory.events's oom_kill now; 0 or -errno (-ENOENT: no file or no key). */
static int read_kills(int dirfd, uint64_t *ret)
{
	_cleanup_free_ char *text = NULL;
	ssize_t n = read_file_at(dirfd, "memory.events", &text);
	return n < 0 ? (int)n : hy_oom_kills_parse(text, ret);
}

/* Through /proc/self/fd: the leaf is known by its fd, inotify wants a path. */
static int watch_file(int notify_fd, int dirfd, const char *file)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dirfd, file);
	return inotify_add_watch(notify_fd, path, IN_MODIFY) < 0 ? -errno : 0;
}

void hy_oom_watch_init(struct hy_oom_watch *w, int dirfd)
{
	*w = (struct hy_oom_watch){ .dirfd = dirfd, .notify_fd = -1 };
	w->has_file = read_kills(dirfd, &w->kills) == 0;
	w->notify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->notify_fd < 0)
		return;
	/* cgroup.events as well: its change (populated 0) is how the end shows,
	 * also where the memory controller is off. */
	if ((w->has_file && watch_file(w->notify_fd, dirfd, "memory.events") < 0) ||
	    watch_file(w->notify_fd, dirfd, "cgroup.events") < 0) {
		close(w->notify_fd);
		w->notify_fd = -1;
	}
}

void hy_oom_watch_fini(struct hy_oom_watch *w)
{
	if (w->notify_fd >= 0)
		close(w->notify_fd);
	w->notify_fd = -1;
}

int hy_oom_watch_fd(const struct hy_oom_watch *w)
{
	return w->notify_fd;
}

uint64_t hy_oom_watch_check(struct hy_oom_watch *w)
{
	char buf[4096];
	uint64_t cur;

	if (w->notify_fd >= 0)
		while (read(w->notify_fd, buf, sizeof(buf)) > 0)
			; /* only "look again": the count says how many */
	if (!w->has_file || read_kills(w->dirfd, &cur) < 0)
		return 0;
	uint64_t rise = hy_oom_kills_rise(w->kills, cur);
	w->kills = cur;
	return rise;
}
