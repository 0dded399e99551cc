/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The events socket <state dir>/events.sock, through which `hybox events ID`
 * follows a running container. A supervisor thread (root, every signal
 * blocked) accepts followers, checks each peer like the control socket does
 * (root or the state directory's owner), registers a bounded queue for it
 * with the exporter (telemetry.h) and moves its lines to the socket without
 * ever blocking: a follower that stops reading fills its own queue and loses
 * lines (counted, and told in a `lost` line), nobody else notices.
 *
 * Protocol (SOCK_SEQPACKET, one JSON text per message):
 *   client: {"op":"follow"} or {"op":"follow","kinds":["exec","policy",...]}
 *   server: {"ok":true,"id":ID,"kinds":[...],"warning":TEXT?} or {"ok":false,"error":TEXT}
 *   server: one event line per message ('\n'-terminated, docs/events.md) ...
 *   server: {"end":true} when the container has ended, then EOF.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "telemetry.h"

#define HY_EVENTS_SOCK "events.sock"
#define HY_EVENTS_FOLLOWERS_MAX 16 /* at once; more are refused */
#define HY_EVENTS_HELLO_MS 2000    /* a connection must send its request within this */
#define HY_EVENTS_DRAIN_MS 1000    /* at the end, how long followers get to take their lines */
#define HY_EVENTS_SNDBUF (512 * 1024)

/* Parse and validate a follow request into a mask of kinds (all when absent). */
int hy_evserver_parse_request(const char *buf, size_t len, uint32_t *ret_kinds,
			      struct hy_err *err);

struct hy_evserver_config {
	const char *id;
	int state_dirfd; /* borrowed */
	const char *state_dir;
	struct hy_telemetry *tel;
	/* Called in the server thread when a follower takes a kind only BPF makes
	 * (HY_EVMASK_BPF); returns NULL or a warning passed on to the follower. */
	const char *(*on_follow)(void *ctx, uint32_t kinds);
	void *ctx;
};

struct hy_evserver;

/* Bind <state dir>/events.sock (0600) and start the thread. */
int hy_evserver_start(struct hy_evserver **ret, const struct hy_evserver_config *cfg,
		      struct hy_err *err);
/*
 * The container has ended (its `exit` event is out): give followers up to
 * HY_EVENTS_DRAIN_MS to take what is queued for them, report what is left as
 * a final `lost` line, send {"end":true}, close, unlink the socket, free.
 * NULL-safe.
 */
void hy_evserver_stop(struct hy_evserver *s);
