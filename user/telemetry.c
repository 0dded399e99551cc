// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exporter (see telemetry.h). Runs in the supervisor; called from the
 * notify thread, the trace consumer, the events-socket thread and the main
 * thread, all under one mutex. Events are written to the --events sink as
 * they arrive (a user watching live wants them now); a write error is
 * remembered and reported once at close rather than failing the container.
 * Followers only ever get a memcpy into their own bounded queue here: the
 * socket I/O happens in the events-socket thread (evserver.c), so a follower
 * that stops reading costs the producers nothing but the drops it is told of.
 */
#define LOG_PREFIX "telemetry: "
#include "telemetry.h"

#include <errno.h>
#include <linux/audit.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "emu.h"
#include "event_json.h"
#include "evfile.h"
#include "evfilter.h"
#include "evqueue.h"
#include "log.h"
#include "util.h"

/* Per-syscall counters for x86_64 numbers below this; the rest count as "other". */
#define NR_MAX 512
#define N_DECISIONS 5 /* enum hy_decision */
#define N_AREAS 5     /* enum hy_area, 0 unused */
#define LOST_LINE_MAX 512 /* a `lost` line: ~150 bytes + the container id */
_Static_assert(HY_TELEMETRY_QUEUE_RESERVE >= LOST_LINE_MAX + sizeof(uint32_t),
	       "the queue's reserve holds a final lost line");

struct hy_follower {
	struct hy_follower *next;
	struct hy_evqueue q;
	uint32_t kinds;
	pid_t pid;
	uid_t uid;
	uint64_t queued, taken, dropped, filtered;
	uint64_t lost_pending; /* dropped since the last `lost` line was queued */
	uint64_t last_dropped_seq, last_queued_seq;
};

struct counters {
	uint64_t by_kind[HY_EVK__COUNT];
	uint64_t unknown;         /* types this build does not know */
	uint64_t policy_filtered; /* refused by the policy's `events` setting */
	uint64_t encode_errors;
	uint64_t decisions[N_DECISIONS];            /* syscall events */
	uint64_t sys[NR_MAX + 1][N_DECISIONS];      /* [nr or NR_MAX: other][decision] */
	uint64_t area[N_AREAS][2];                  /* policy events: [area][deny, audit] */
	uint64_t road[3];                           /* policy events: enum hy_road_id */
	uint64_t suppressed_syscall, suppressed_policy;
	uint64_t lost_kernel;
	uint64_t file_filtered, file_errors;
	uint64_t followers_total;
	uint64_t closed_taken, closed_dropped; /* of followers that have left */
};

struct hy_telemetry {
	pthread_mutex_t lock;
	struct hy_evfile *file; /* NULL: no --events sink */
	uint32_t kinds;         /* container-wide */
	uint32_t sink_kinds;    /* the file sink's, within kinds */
	struct hy_follower *followers;
	unsigned nfollowers;
	atomic_bool emulated_wanted;
	int wake_fd;
	bool wake_pending;
	uint64_t seq;
	unsigned batch; /* > 0: inside hy_telemetry_batch(): the file is written at the end */
	int write_err;
	struct hy_json_ctx json;
	uint64_t cgid;
	struct counters c;
	char id[HY_ID_LEN];
	char sink_name[256];
	char line[HY_TELEMETRY_LINE_MAX];
};

int hy_telemetry_open(struct hy_telemetry **ret, const struct hy_telemetry_config *cfg,
		      struct hy_err *err)
{
	struct hy_telemetry *t = xcalloc(1, sizeof(*t));
	int r;

	pthread_mutex_init(&t->lock, NULL);
	strscpy(t->id, cfg->container_id, sizeof(t->id));
	t->json.container_id = t->id;
	t->json.mono_to_real_ns = (int64_t)(now_real_ns() - now_mono_ns());
	t->cgid = cfg->cgid;
	t->kinds = cfg->kinds & HY_EVMASK_ALL;
	t->wake_fd = -1;
	if (cfg->sink) {
		r = hy_evfile_open(&t->file, cfg->sink, cfg->max_size, cfg->keep, err);
		if (r < 0) {
			pthread_mutex_destroy(&t->lock);
			free(t);
			return r;
		}
		t->sink_kinds = (cfg->sink_kinds ? cfg->sink_kinds : HY_EVMASK_ALL) & t->kinds;
		strscpy(t->sink_name, cfg->sink, sizeof(t->sink_name));
	}
	atomic_init(&t->emulated_wanted, t->sink_kinds & HY_EVMASK(HY_EVK_SYSCALL_EMULATED));
	*ret = t;
	return 0;
}

/* ------------------------------------------------------------ counting */

static void count_syscall(struct counters *c, const struct hy_evt_syscall *e)
{
	uint32_t d = e->decision < N_DECISIONS ? e->decision : HY_DECISION_DENY;
	uint32_t nr = e->arch == AUDIT_ARCH_X86_64 && e->nr < NR_MAX ? e->nr : NR_MAX;

	c->decisions[d]++;
	c->sys[nr][d]++;
}

static void count(struct hy_telemetry *t, const struct hy_evt_hdr *ev)
{
	struct counters *c = &t->c;
	int k = hy_evkind_of(ev);

	if (k < 0) {
		c->unknown++;
		return;
	}
	c->by_kind[k]++;
	if (ev->type == HY_EVT_SYSCALL) {
		count_syscall(c, (const struct hy_evt_syscall *)ev);
	} else if (ev->type == HY_EVT_POLICY && ev->size >= sizeof(struct hy_evt_policy)) {
		const struct hy_evt_policy *p = (const void *)ev;
		c->area[p->area < N_AREAS ? p->area : 0][p->decision == HY_DECISION_AUDIT]++;
		c->road[p->road < 3 ? p->road : 0]++;
	} else if (ev->type == HY_EVT_SUPPRESSED && ev->size >= sizeof(struct hy_evt_suppressed)) {
		const struct hy_evt_suppressed *s = (const void *)ev;
		if (s->kind == HY_EVT_POLICY)
			c->suppressed_policy += s->count;
		else
			c->suppressed_syscall += s->count;
	} else if (ev->type == HY_EVT_LOST && ev->size >= sizeof(struct hy_evt_lost)) {
		c->lost_kernel += ((const struct hy_evt_lost *)ev)->count;
	}
}

/* ------------------------------------------------------------ followers */

static void recompute_wanted(struct hy_telemetry *t)
{
	uint32_t any = t->sink_kinds;

	for (struct hy_follower *f = t->followers; f; f = f->next)
		any |= f->kinds;
	atomic_store(&t->emulated_wanted, any & HY_EVMASK(HY_EVK_SYSCALL_EMULATED));
}

static void wake(struct hy_telemetry *t)
{
	uint64_t one = 1;

	if (t->wake_fd < 0 || t->wake_pending)
		return;
	t->wake_pending = true;
	if (write(t->wake_fd, &one, sizeof(one)) < 0)
		pr_debug("wake the events thread: %s", strerror(errno));
}

/* The follower's `lost` line: everything dropped since its previous one. It
 * carries the seq of the last line it stands for, so seq still increases. */
static int encode_lost(struct hy_telemetry *t, struct hy_follower *f, char *buf, size_t cap)
{
	struct hy_evt_lost ev = {
		.hdr = { .type = HY_EVT_LOST, .size = sizeof(ev), .ts_ns = now_mono_ns(),
			 .cgid = t->cgid },
		.count = f->lost_pending,
		.source = HY_LOST_SRC_CLIENT,
	};
	return hy_event_to_json(&t->json, f->last_dropped_seq, &ev.hdr, buf, cap);
}

/* Queue one line for f, preceded by its pending `lost` line; both or neither. */
static void follower_push(struct hy_telemetry *t, struct hy_follower *f, const char *line,
			  size_t len)
{
	bool was_empty = f->q.count == 0;
	size_t need = hy_evqueue_need(len);
	char lost[LOST_LINE_MAX];
	int ln;

	/* Bounded, not encoded: a follower that is not reading costs a compare. */
	if (f->lost_pending)
		need += hy_evqueue_need(sizeof(lost));
	if (hy_evqueue_room(&f->q) < need) {
		f->dropped++;
		f->lost_pending++;
		f->last_dropped_seq = t->seq;
		return;
	}
	if (f->lost_pending) {
		ln = encode_lost(t, f, lost, sizeof(lost));
		if (ln > 0 && hy_evqueue_push(&f->q, lost, ln, false) == 0)
			f->lost_pending = 0;
	}
	hy_evqueue_push(&f->q, line, len, false);
	f->queued++;
	f->last_queued_seq = t->seq;
	if (was_empty)
		wake(t);
}

/* ------------------------------------------------------------ fan-out */

static void deliver(struct hy_telemetry *t, const struct hy_evt_hdr *ev)
{
	bool file_takes = t->file && hy_evmask_admits(t->sink_kinds, ev);
	bool any = file_takes;
	int n, r;

	for (struct hy_follower *f = t->followers; f && !any; f = f->next)
		any = hy_evmask_admits(f->kinds, ev);
	if (!any) {
		t->c.file_filtered += t->file != NULL;
		for (struct hy_follower *f = t->followers; f; f = f->next)
			f->filtered++;
		return;
	}
	n = hy_event_to_json(&t->json, t->seq + 1, ev, t->line, sizeof(t->line));
	if (n <= 0) {
		t->c.encode_errors += n < 0;
		return;
	}
	t->seq++;
	if (file_takes) {
		r = hy_evfile_write(t->file, t->line, n);
		if (r < 0) {
			t->c.file_errors++;
			if (!t->write_err)
				t->write_err = r;
		}
	} else if (t->file) {
		t->c.file_filtered++;
	}
	for (struct hy_follower *f = t->followers; f; f = f->next) {
		if (hy_evmask_admits(f->kinds, ev))
			follower_push(t, f, t->line, n);
		else
			f->filtered++;
	}
}

/* Write the file sink's queued lines (t->lock held). */
static void flush_file(struct hy_telemetry *t)
{
	int r = t->file ? hy_evfile_flush(t->file) : 0;

	if (r < 0) {
		t->c.file_errors++;
		if (!t->write_err)
			t->write_err = r;
	}
}

void hy_telemetry_emit(void *ctx, const struct hy_evt_hdr *ev)
{
	struct hy_telemetry *t = ctx;

	pthread_mutex_lock(&t->lock);
	count(t, ev);
	if (hy_evmask_admits(t->kinds, ev))
		deliver(t, ev);
	else
		t->c.policy_filtered++;
	if (!t->batch)
		flush_file(t);
	pthread_mutex_unlock(&t->lock);
}

void hy_telemetry_batch(struct hy_telemetry *t, bool begin)
{
	pthread_mutex_lock(&t->lock);
	if (begin)
		t->batch++;
	else if (t->batch && --t->batch == 0)
		flush_file(t);
	pthread_mutex_unlock(&t->lock);
}

void hy_telemetry_count(void *ctx, const struct hy_evt_hdr *ev)
{
	struct hy_telemetry *t = ctx;

	pthread_mutex_lock(&t->lock);
	count(t, ev);
	if (!hy_evmask_admits(t->kinds, ev))
		t->c.policy_filtered++;
	pthread_mutex_unlock(&t->lock);
}

bool hy_telemetry_active(void *ctx)
{
	struct hy_telemetry *t = ctx;

	return atomic_load_explicit(&t->emulated_wanted, memory_order_relaxed);
}

uint32_t hy_telemetry_kinds(const struct hy_telemetry *t)
{
	return t->kinds;
}

uint32_t hy_telemetry_sink_kinds(const struct hy_telemetry *t)
{
	return t->file ? t->sink_kinds : 0;
}

void hy_telemetry_set_wake(struct hy_telemetry *t, int wake_fd)
{
	pthread_mutex_lock(&t->lock);
	t->wake_fd = wake_fd;
	t->wake_pending = false;
	pthread_mutex_unlock(&t->lock);
}

void hy_telemetry_woken(struct hy_telemetry *t)
{
	pthread_mutex_lock(&t->lock);
	t->wake_pending = false;
	pthread_mutex_unlock(&t->lock);
}

struct hy_follower *hy_telemetry_follow(struct hy_telemetry *t, uint32_t kinds, pid_t pid,
					uid_t uid, uint32_t *ret_kinds)
{
	struct hy_follower *f = xcalloc(1, sizeof(*f));

	hy_evqueue_init(&f->q, HY_TELEMETRY_QUEUE_BYTES, HY_TELEMETRY_QUEUE_RESERVE);
	f->pid = pid;
	f->uid = uid;
	pthread_mutex_lock(&t->lock);
	f->kinds = kinds & t->kinds;
	f->next = t->followers;
	t->followers = f;
	t->nfollowers++;
	t->c.followers_total++;
	recompute_wanted(t);
	pthread_mutex_unlock(&t->lock);
	if (ret_kinds)
		*ret_kinds = f->kinds;
	return f;
}

int hy_telemetry_take(struct hy_telemetry *t, struct hy_follower *f, char *buf, size_t cap)
{
	int n;

	pthread_mutex_lock(&t->lock);
	n = hy_evqueue_pop(&f->q, buf, cap);
	if (n > 0)
		f->taken++;
	pthread_mutex_unlock(&t->lock);
	return n > 0 ? n : 0;
}

void hy_telemetry_finish(struct hy_telemetry *t, struct hy_follower *f, bool abandon,
			 unsigned unsent)
{
	char lost[LOST_LINE_MAX];
	uint64_t n = unsent;
	int ln;

	pthread_mutex_lock(&t->lock);
	if (abandon)
		n += hy_evqueue_clear(&f->q);
	if (n) {
		f->dropped += n;
		f->taken -= MIN((uint64_t)unsent, f->taken);
		f->lost_pending += n;
		f->last_dropped_seq = MAX(f->last_dropped_seq, f->last_queued_seq);
	}
	if (f->lost_pending) {
		ln = encode_lost(t, f, lost, sizeof(lost));
		if (ln > 0 && hy_evqueue_push(&f->q, lost, ln, true) == 0)
			f->lost_pending = 0;
	}
	pthread_mutex_unlock(&t->lock);
}

void hy_telemetry_unfollow(struct hy_telemetry *t, struct hy_follower *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&t->lock);
	for (struct hy_follower **p = &t->followers; *p; p = &(*p)->next) {
		if (*p == f) {
			*p = f->next;
			break;
		}
	}
	t->nfollowers--;
	t->c.closed_taken += f->taken;
	t->c.closed_dropped += f->dropped;
	recompute_wanted(t);
	pthread_mutex_unlock(&t->lock);
	hy_evqueue_fini(&f->q);
	free(f);
}

/* ------------------------------------------------------------ stats */

static json_t *kinds_json(uint32_t mask)
{
	json_t *a = json_array();

	for (int k = 0; k < HY_EVK__COUNT; k++)
		if (mask & HY_EVMASK(k))
			json_array_append_new(a, json_string(hy_evkind_name(k)));
	return a;
}

static const char *const decision_names[N_DECISIONS] = { "allow", "deny", "audit", "emulate",
							 "unimplemented" };

static json_t *syscalls_json(const struct counters *c)
{
	json_t *dec = json_object(), *per = json_array();

	for (int d = 1; d < N_DECISIONS; d++)
		json_object_set_new(dec, decision_names[d], json_integer(c->decisions[d]));
	for (int nr = 0; nr <= NR_MAX; nr++) {
		for (int d = 1; d < N_DECISIONS; d++) {
			const char *name = nr < NR_MAX ? emu_syscall_name(nr) : NULL;
			if (!c->sys[nr][d])
				continue;
			json_t *jnr = nr < NR_MAX ? json_integer(nr) : json_null();
			json_array_append_new(per, json_pack("{s:s?,s:o,s:s,s:I}", "name", name,
							     "nr", jnr, "decision",
							     decision_names[d], "count",
							     (json_int_t)c->sys[nr][d]));
		}
	}
	return json_pack("{s:o,s:I,s:o}", "decisions", dec, "suppressed",
			 (json_int_t)c->suppressed_syscall, "by_syscall", per);
}

static json_t *policy_json(const struct counters *c)
{
	static const char *const areas[N_AREAS] = { "other", "files", "exec", "network",
						    "process" };
	json_t *by_area = json_object();

	for (int a = 1; a < N_AREAS; a++)
		json_object_set_new(by_area, areas[a],
				    json_pack("{s:I,s:I}", "deny", (json_int_t)c->area[a][0], "audit",
					      (json_int_t)c->area[a][1]));
	return json_pack("{s:o,s:{s:I,s:I},s:I}", "by_area", by_area, "by_road", "emulated",
			 (json_int_t)c->road[HY_ROAD_ID_EMULATED], "bpf-lsm",
			 (json_int_t)c->road[HY_ROAD_ID_BPF_LSM], "suppressed",
			 (json_int_t)c->suppressed_policy);
}

static json_t *sinks_json(struct hy_telemetry *t)
{
	json_t *sinks = json_array();
	struct hy_evfile_stats fs;

	if (t->file) {
		hy_evfile_stats(t->file, &fs);
		json_array_append_new(
			sinks, json_pack("{s:s,s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:I}", "type",
					 strcmp(t->sink_name, "-") ? "file" : "stdout", "path",
					 t->sink_name, "kinds", kinds_json(t->sink_kinds), "written",
					 (json_int_t)fs.lines, "bytes", (json_int_t)fs.bytes,
					 "filtered", (json_int_t)t->c.file_filtered, "dropped",
					 (json_int_t)0, "errors", (json_int_t)t->c.file_errors,
					 "rotations", (json_int_t)fs.rotations));
	}
	for (struct hy_follower *f = t->followers; f; f = f->next)
		json_array_append_new(
			sinks, json_pack("{s:s,s:i,s:i,s:o,s:I,s:I,s:I,s:I}", "type", "follower",
					 "pid", (int)f->pid, "uid", (int)f->uid, "kinds",
					 kinds_json(f->kinds), "written", (json_int_t)f->taken,
					 "queued", (json_int_t)f->q.count, "filtered",
					 (json_int_t)f->filtered, "dropped", (json_int_t)f->dropped));
	return sinks;
}

json_t *hy_telemetry_stats(struct hy_telemetry *t)
{
	/* A snapshot under the lock; the JSON is built without it, so producers
	 * wait for a memcpy, not for ~2500 allocations. */
	_cleanup_free_ struct counters *c = xmalloc(sizeof(*c));
	json_t *by_kind = json_object(), *sinks, *ev;
	uint64_t produced = 0, fdropped, ftaken, seq;
	unsigned connected;

	pthread_mutex_lock(&t->lock);
	*c = t->c;
	seq = t->seq;
	connected = t->nfollowers;
	sinks = sinks_json(t);
	fdropped = c->closed_dropped;
	ftaken = c->closed_taken;
	for (struct hy_follower *f = t->followers; f; f = f->next) {
		fdropped += f->dropped;
		ftaken += f->taken;
	}
	pthread_mutex_unlock(&t->lock);
	for (int k = 0; k < HY_EVK__COUNT; k++) {
		produced += c->by_kind[k];
		json_object_set_new(by_kind, hy_evkind_name(k), json_integer(c->by_kind[k]));
	}
	ev = json_pack("{s:I,s:o,s:o,s:I,s:I,s:I,s:I}", "produced", (json_int_t)produced,
		       "by_kind", by_kind, "kinds", kinds_json(t->kinds), "filtered_by_policy",
		       (json_int_t)c->policy_filtered, "numbered", (json_int_t)seq, "lost_kernel",
		       (json_int_t)c->lost_kernel, "unknown", (json_int_t)c->unknown);
	return json_pack("{s:s,s:o,s:o,s:{s:i,s:I,s:I,s:I},s:o,s:o}", "id", t->id, "events", ev,
			 "sinks", sinks, "followers", "connected", (int)connected, "total",
			 (json_int_t)c->followers_total, "written", (json_int_t)ftaken, "dropped",
			 (json_int_t)fdropped, "syscalls", syscalls_json(c), "policy",
			 policy_json(c));
}

int hy_telemetry_close(struct hy_telemetry *t)
{
	int r, cr;

	if (!t)
		return 0;
	while (t->followers) /* the events thread unfollows first; this is a backstop */
		hy_telemetry_unfollow(t, t->followers);
	r = t->write_err;
	cr = hy_evfile_close(t->file);
	if (!r)
		r = cr;
	if (r < 0)
		pr_warn("writing events failed: %s", strerror(-r));
	pthread_mutex_destroy(&t->lock);
	free(t);
	return r;
}
