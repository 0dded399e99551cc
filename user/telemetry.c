// SPDX-License-Identifier: GPL-2.0-only
/*
 * JSON Lines exporter. Runs in the supervisor; called from the notify
 * thread and the main thread. Events are written as they arrive (a sandbox
 * user watching live wants them now); a write error is remembered and
 * reported once at close rather than failing the container.
 */
#define LOG_PREFIX "telemetry: "
#include "telemetry.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "event_json.h"
#include "log.h"
#include "util.h"

struct hy_telemetry {
	pthread_mutex_t lock;
	int fd; /* -1: no sink */
	int owns_fd;
	uint64_t seq;
	int write_err;
	struct hy_json_ctx json;
	char id[HY_ID_LEN];
	char line[8192];
};

int hy_telemetry_open(struct hy_telemetry **ret, const char *sink, const char *container_id,
		      struct hy_err *err)
{
	struct hy_telemetry *t = xcalloc(1, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	strscpy(t->id, container_id, sizeof(t->id));
	t->json.container_id = t->id;
	t->json.mono_to_real_ns = (int64_t)(now_real_ns() - now_mono_ns());
	t->fd = -1;
	if (sink && strcmp(sink, "-") == 0) {
		t->fd = STDOUT_FILENO;
	} else if (sink) {
		t->fd = open(sink, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (t->fd < 0) {
			int r = -errno;
			free(t);
			return hy_err_setr(err, r, "--events %s", sink);
		}
		t->owns_fd = 1;
	}
	*ret = t;
	return 0;
}

void hy_telemetry_emit(void *ctx, const struct hy_evt_hdr *ev)
{
	struct hy_telemetry *t = ctx;
	pthread_mutex_lock(&t->lock);
	if (t->fd >= 0) {
		int n = hy_event_to_json(&t->json, t->seq + 1, ev, t->line, sizeof(t->line));
		if (n > 0) {
			t->seq++;
			int r = write_all(t->fd, t->line, n);
			if (r < 0 && !t->write_err)
				t->write_err = r;
		}
	}
	pthread_mutex_unlock(&t->lock);
}

int hy_telemetry_close(struct hy_telemetry *t)
{
	if (!t)
		return 0;
	int r = t->write_err;
	if (t->owns_fd && close(t->fd) < 0 && !r)
		r = -errno;
	if (r < 0)
		pr_warn("writing events failed: %s", strerror(-r));
	pthread_mutex_destroy(&t->lock);
	free(t);
	return r;
}
