// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox events [--events-filter kind=...] ID`: follow a running container's
 * events as JSON Lines on stdout, through <state dir>/events.sock (protocol:
 * evserver.h), until the container ends. Runs with the caller's privileges
 * (root or the owner of the state directory); the lines come from the
 * supervisor and are passed through unchanged. runc's forms read the
 * container's cgroup instead: `--stats` once (runc_stats.c), `--interval D`
 * as a stream (runc_events.c).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd.h"
#include "cgroup.h"
#include "container.h"
#include "control.h"
#include "duration.h"
#include "runc_events.h"
#include "runc_stats.h"
#include "evfilter.h"
#include "evserver.h"
#include "telemetry.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hybox events [OPTIONS] ID\n"
		"\n"
		"Follow the events of the running container ID: one JSON object per line on\n"
		"stdout (the schema of `hybox run --events`, docs/events.md), from the moment\n"
		"of connecting until the container ends; then exit 0. Works whether or not\n"
		"the container was started with --events; several followers may watch the\n"
		"same container at once, each with its own filter. Ctrl-C stops following\n"
		"(the container goes on).\n"
		"\n"
		"Options:\n"
		"  --events-filter kind=KIND[,KIND...]\n"
		"              only these kinds (repeatable; kinds: start, exit,\n"
		"              syscall_denied, syscall_emulated, unimplemented, suppressed,\n"
		"              exec, fork, task_exit, lost, policy, syscall, checkpoint,\n"
		"              restore); `lost` and `suppressed` events still come when they\n"
		"              account for a kind you chose\n"
		"  --stats     print runc's stats event once instead ({\"type\": \"stats\",\n"
		"              \"id\": ID, \"data\": {cpu, memory, pids}}, from the container's\n"
		"              cgroup; a controller the host lacks is left out; a limit of 0\n"
		"              means none) and exit\n"
		"  --interval DURATION, --interval=DURATION\n"
		"              runc's event stream instead: the --stats event every DURATION\n"
		"              (a Go duration above 0: 5s, 500ms, 1m30s, 1.5h; the first\n"
		"              after one DURATION) and {\"type\": \"oom\", \"id\": ID} as soon\n"
		"              as the kernel OOM-kills a process of the container (its\n"
		"              cgroup's memory.events oom_kill count rises; needs the memory\n"
		"              controller), until the container stops; then exit 0. With\n"
		"              --stats: one event, as runc does\n"
		"  --json      JSON Lines: the only output format, accepted for symmetry with\n"
		"              `hybox ps --json` and `hybox stats --json`\n"
		"  -h, --help  show this help\n"
		"\n"
		"What a follower sees: the events produced after it connected (the full\n"
		"record from the start is what `hybox run --events FILE` is for), narrowed\n"
		"by the container policy's \"events\" setting. `seq` numbers the events some\n"
		"sink took, so it can jump where events went only to another sink.\n"
		"exec/fork/task_exit events need the BPF trace programs, which the first\n"
		"follower asking for them loads when `hybox run` did not (a warning says so\n"
		"if they cannot load).\n"
		"\n"
		"A slow follower never slows the container or other followers: the\n"
		"supervisor keeps at most %u KiB of lines for each, drops what does not fit\n"
		"and counts it, and the next line that follower gets is\n"
		"  {\"kind\":\"lost\",\"source\":\"client\",\"count\":N,...}\n"
		"When the container ends, a follower has %d ms to take what is queued for\n"
		"it; what is left is reported in a last `lost` line.\n"
		"\n"
		"Exit status: 0 when the container ended (or stdout was closed), 125 on an\n"
		"error: unknown or stopped container, permission denied (root or the owner\n"
		"of the state directory only), supervisor gone before the container ended\n"
		"(hybox's events), a malformed --interval.\n"
		"\n"
		"Examples:\n"
		"  hybox events box1\n"
		"  hybox events --interval 2s box1      # runc's: stats every 2 s, oom notices\n"
		"  hybox events --events-filter kind=exec,policy,syscall_denied box1 | jq .\n",
		HY_TELEMETRY_QUEUE_BYTES / 1024, HY_EVENTS_DRAIN_MS);
}

static int fail(const char *id, const char *what)
{
	fprintf(stderr, "hybox: container '%s': %s\n", id, what);
	return HY_EXIT_RUNTIME;
}

/* Send the request and read the reply; returns 0 or prints and returns 125. */
static int greet(int fd, const char *id, uint32_t kinds)
{
	json_t *req = json_pack("{s:s}", "op", "follow"), *reply, *k;
	struct timeval tv = { .tv_sec = 10 }, none = { 0 };
	char buf[HY_CONTROL_REQ_MAX];
	json_error_t je;
	const char *warning;
	ssize_t n;

	if (kinds && kinds != HY_EVMASK_ALL) {
		k = json_array();
		for (int kind = 0; kind < HY_EVK__COUNT; kind++)
			if (kinds & HY_EVMASK(kind))
				json_array_append_new(k, json_string(hy_evkind_name(kind)));
		json_object_set_new(req, "kinds", k);
	}
	_cleanup_free_ char *s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!s || send(fd, s, strlen(s), MSG_NOSIGNAL) < 0)
		return fail(id, "cannot send the request to its supervisor");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
	if (n <= 0)
		return fail(id, n < 0 && errno == EAGAIN ? "no reply from the supervisor" :
							  "the supervisor closed the connection "
							  "without replying");
	reply = json_loadb(buf, n, 0, &je);
	if (!json_is_object(reply)) {
		json_decref(reply);
		return fail(id, "malformed reply from the supervisor");
	}
	if (!json_is_true(json_object_get(reply, "ok"))) {
		const char *e = json_string_value(json_object_get(reply, "error"));
		int r = fail(id, e ? e : "follow refused");
		json_decref(reply);
		return r;
	}
	warning = json_string_value(json_object_get(reply, "warning"));
	if (warning)
		fprintf(stderr, "hybox: warning: %s\n", warning);
	k = json_object_get(reply, "kinds");
	if (json_is_array(k) && json_array_size(k) == 0)
		fprintf(stderr, "hybox: warning: container '%s' lets none of these kinds out (its "
				"policy's \"events\" setting); only the end will come\n", id);
	json_decref(reply);
	return 0;
}

/* Copy event lines to stdout until the end mark; 0, or 125 when the stream broke. */
static int follow(int fd, const char *id)
{
	char buf[HY_TELEMETRY_LINE_MAX + 512];
	bool got_end = false;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((size_t)n > sizeof(buf))
			continue; /* cannot be a line of ours; skip rather than print half */
		if (n > 7 && memcmp(buf, "{\"seq\":", 7) == 0) {
			int r = write_all(STDOUT_FILENO, buf, n);
			if (r == -EPIPE)
				return 0; /* the reader went away: not an error of ours */
			if (r < 0) {
				fprintf(stderr, "hybox: writing events to stdout: %s\n",
					strerror(-r));
				return HY_EXIT_RUNTIME;
			}
			continue;
		}
		json_t *m = json_loadb(buf, n, 0, NULL);
		got_end = got_end || json_is_true(json_object_get(m, "end"));
		json_decref(m);
	}
	if (!got_end)
		return fail(id, "the supervisor closed the event stream before the container "
				"ended");
	return 0;
}

/* The leaf of a container that is running (created, running or paused), or
 * the same error line `--stats` has always given; 0 or HY_EXIT_RUNTIME. */
static int open_live_cgroup(const struct hy_global_opts *g, const char *id, struct hy_cgroup *cg)
{
	int r = hy_state_is_live(g->root, id);
	if (r <= 0) {
		fprintf(stderr, "hybox events: container '%s' is not running under %s\n", id, g->root);
		return HY_EXIT_RUNTIME;
	}
	if ((r = hy_state_open_cgroup(g->root, id, cg)) < 0) {
		fprintf(stderr, "hybox events: open the cgroup of container '%s': %s\n", id,
			strerror(-r));
		return HY_EXIT_RUNTIME;
	}
	return 0;
}

/* --stats: runc's stats event, once, from the container's cgroup. */
static int print_stats(const struct hy_global_opts *g, const char *id)
{
	struct hy_cgroup cg = { .dirfd = -1 };
	if (open_live_cgroup(g, id, &cg) != 0)
		return HY_EXIT_RUNTIME;
	json_t *st = hy_runc_stats(cg.dirfd, id);
	close(cg.dirfd);
	json_dumpf(st, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(st);
	return fflush(stdout) == 0 ? 0 : HY_EXIT_RUNTIME;
}

/* --interval: runc's event stream until the container stops. */
static int stream_stats(const struct hy_global_opts *g, const char *id, uint64_t interval_ns)
{
	struct hy_cgroup cg = { .dirfd = -1 };
	struct hy_err err = { 0 };
	if (open_live_cgroup(g, id, &cg) != 0)
		return HY_EXIT_RUNTIME;
	signal(SIGPIPE, SIG_IGN); /* a closed stdout is an EPIPE: the end, quietly */
	int r = hy_runc_events_stream(g->root, id, cg.dirfd, interval_ns, &err);
	close(cg.dirfd);
	if (r < 0) {
		fprintf(stderr, "hybox events: container '%s': %s\n", id, err.msg);
		return HY_EXIT_RUNTIME;
	}
	return 0;
}

int hy_cmd_events(const struct hy_global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "stats", no_argument, NULL, 's' },
					      { "interval", required_argument, NULL, 'i' },
					      { "events-filter", required_argument, NULL, 'F' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	struct hy_err err = { 0 };
	uint32_t kinds = 0;
	uint64_t interval_ns = 0;
	bool stats = false;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (c == 'j')
			continue;
		if (c == 's') {
			stats = true;
			continue;
		}
		if (c == 'i') {
			if (hy_duration_parse("--interval", optarg, &interval_ns, &err) < 0) {
				fprintf(stderr, "hybox events: %s\n", err.msg);
				return HY_EXIT_RUNTIME;
			}
			continue;
		}
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == 'F') {
			if (hy_evfilter_parse("--events-filter", optarg, &kinds, &err) < 0) {
				fprintf(stderr, "hybox: %s\n", err.msg);
				return HY_EXIT_RUNTIME;
			}
			continue;
		}
		if (c == ':')
			fprintf(stderr, "hybox events: option '%s' needs an argument\n",
				argv[optind - 1]);
		else
			fprintf(stderr, "hybox events: bad option '%s'\n", argv[optind - 1]);
		usage(stderr);
		return HY_EXIT_RUNTIME;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "hybox events: expected one container ID\n");
		usage(stderr);
		return HY_EXIT_RUNTIME;
	}
	const char *id = argv[optind];
	if (stats)
		return print_stats(g, id); /* with --interval too: runc's --stats wins */
	if (interval_ns)
		return stream_stats(g, id, interval_ns);
	_cleanup_close_ int fd = hy_control_connect(g->root, id, HY_EVENTS_SOCK, &err);
	if (fd < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	signal(SIGPIPE, SIG_IGN); /* a closed stdout is an EPIPE to handle, not a death */
	if (greet(fd, id, kinds) != 0)
		return HY_EXIT_RUNTIME;
	return follow(fd, id);
}
