// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event → JSON line encoder. Hand-written rather than built with jansson:
 * it runs for every event on the telemetry path, and escaping hostile bytes
 * needs byte-level control anyway.
 */
#include "event_json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/audit.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "emu.h"
#include "util.h"

struct buf {
	char *p;
	size_t cap, len;
	int overflow;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n >= b->cap) {
		b->overflow = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void putf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	if (b->len >= b->cap) {
		b->overflow = 1;
		return;
	}
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		b->overflow = 1;
		b->p[b->len] = '\0';
		return;
	}
	b->len += n;
}

/* Length of a valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		n = 2, cp = c & 0x1f;
	else if ((c & 0xf0) == 0xe0)
		n = 3, cp = c & 0x0f;
	else if ((c & 0xf8) == 0xf0)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static void put_escaped(struct buf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	put(b, "\"", 1);
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n = utf8_seq(s + i, len - i);
		if (n == 0) {
			put(b, "\\ufffd", 6);
			i++;
		} else if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(b, e, 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			static const char *const named[] = { [8] = "\\b", [9] = "\\t", [10] = "\\n",
							     [12] = "\\f", [13] = "\\r" };
			if (c < 14 && named[c])
				put(b, named[c], 2);
			else
				putf(b, "\\u%04x", c);
			i++;
		} else {
			put(b, (const char *)s + i, n);
			i += n;
		}
	}
	put(b, "\"", 1);
}

int hy_json_escape(char *out, size_t cap, const char *s, size_t len)
{
	struct buf b = { .p = out, .cap = cap };
	if (cap)
		out[0] = '\0';
	put_escaped(&b, s, len);
	return b.overflow ? -ENOSPC : (int)b.len;
}

static void put_header(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
		       const struct hy_evt_hdr *h, const char *kind)
{
	int64_t real = (int64_t)h->ts_ns + ctx->mono_to_real_ns;
	time_t sec = real / 1000000000LL;
	struct tm tm;
	gmtime_r(&sec, &tm);
	putf(b, "{\"seq\":%llu,\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ\",\"kind\":\"%s\","
		"\"container\":{\"id\":",
	     (unsigned long long)seq, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	     tm.tm_min, tm.tm_sec, (long long)(real % 1000000000LL), kind);
	put_escaped(b, ctx->container_id, strlen(ctx->container_id));
	putf(b, ",\"cgroup_id\":%llu}", (unsigned long long)h->cgid);
}

/* ,"proc":{"pid":..,"tid":..,"comm":..   — the caller adds fields and the closing brace. */
static void put_task_open(struct buf *b, const struct hy_evt_task *t)
{
	putf(b, ",\"proc\":{\"pid\":%u,\"tid\":%u,\"comm\":", t->pid, t->tid);
	put_escaped(b, t->comm, strnlen(t->comm, sizeof(t->comm)));
}

static void put_task(struct buf *b, const struct hy_evt_task *t)
{
	put_task_open(b, t);
	put(b, "}", 1);
}

static const char *errno_name(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "EUNKNOWN";
}

static const char *decision_name(uint32_t d)
{
	static const char *const names[] = { "allow", "deny", "audit", "emulate", "unimplemented" };
	return d < sizeof(names) / sizeof(names[0]) ? names[d] : "unknown";
}

static const char *syscall_kind(uint32_t d)
{
	switch (d) {
	case HY_DECISION_EMULATE:
		return "syscall_emulated";
	case HY_DECISION_UNIMPLEMENTED:
		return "unimplemented";
	default:
		return "syscall_denied";
	}
}

/* ,"syscall":{"name":...,"nr":N,"arch":"..." (the object left open). */
static void put_syscall_id(struct buf *b, uint32_t nr, uint32_t arch)
{
	const char *name = arch == AUDIT_ARCH_X86_64 ? emu_syscall_name(nr) : NULL;
	puts_(b, ",\"syscall\":{\"name\":");
	if (name)
		put_escaped(b, name, strlen(name));
	else
		puts_(b, "null");
	putf(b, ",\"nr\":%u,\"arch\":\"%s\"", nr,
	     arch == AUDIT_ARCH_X86_64 ? "x86_64" : arch == AUDIT_ARCH_I386 ? "i386" : "other");
}

static void put_syscall(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
			const struct hy_evt_syscall *e)
{
	put_header(b, ctx, seq, &e->hdr, syscall_kind(e->decision));
	put_task(b, &e->task);
	put_syscall_id(b, e->nr, e->arch);
	/* Signed: int arguments such as AT_FDCWD read as -100, and every value
	 * stays within what JSON libraries with 64-bit integers accept. */
	putf(b, ",\"args\":[%lld,%lld]},\"decision\":\"%s\"", (long long)e->args[0],
	     (long long)e->args[1], decision_name(e->decision));
	if (e->ret < 0)
		putf(b, ",\"errno\":\"%s\"", errno_name(-e->ret));
	else
		putf(b, ",\"ret\":%d", e->ret);
}

/* A traced syscall: errno only for a failure in the kernel's -4095..-1 range
 * (a large unsigned result such as an mmap address is not an error). */
static void put_sys_trace(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
			  const struct hy_evt_sys_trace *e)
{
	put_header(b, ctx, seq, &e->hdr, "syscall");
	put_task(b, &e->task);
	put_syscall_id(b, e->nr, e->arch);
	putf(b, "},\"ret\":%lld", (long long)e->ret);
	if (e->ret < 0 && e->ret >= -4095)
		putf(b, ",\"errno\":\"%s\"", errno_name((int)-e->ret));
	putf(b, ",\"duration_ns\":%llu", (unsigned long long)e->duration_ns);
}

static void put_lifecycle(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
			  const struct hy_evt_lifecycle *e)
{
	put_header(b, ctx, seq, &e->hdr, e->hdr.type == HY_EVT_START ? "start" : "exit");
	put_task(b, &e->task);
	if (e->hdr.type == HY_EVT_EXIT)
		putf(b, ",\"exit\":{\"code\":%d,\"signal\":%d}", e->exit_code, e->signal);
}

static void put_suppressed(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
			   const struct hy_evt_suppressed *e)
{
	put_header(b, ctx, seq, &e->hdr, "suppressed");
	putf(b, ",\"count\":%llu,\"of\":\"%s\"", (unsigned long long)e->count,
	     e->kind == HY_EVT_SYSCALL ? "syscall" : e->kind == HY_EVT_POLICY ? "policy" : "other");
}

static const char *bool_str(int v)
{
	return v ? "true" : "false";
}

static void put_ckpt(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
		     const struct hy_evt_ckpt *e)
{
	bool ck = e->hdr.type == HY_EVT_CHECKPOINT;
	put_header(b, ctx, seq, &e->hdr, ck ? "checkpoint" : "restore");
	put_task(b, &e->task);
	putf(b, ",\"image\":{\"processes\":%u,\"threads\":%u,\"bytes\":%llu}", e->procs,
	     e->threads, (unsigned long long)e->bytes);
	if (ck)
		putf(b, ",\"frozen_ns\":%llu,\"leave_running\":%s",
		     (unsigned long long)e->frozen_ns, bool_str(e->leave_running));
}

/*
 * The argument area as copied by trace.bpf.c: each argv string followed by
 * its NUL; when cut (args_truncated) the last string has none. Both a
 * space-joined cmdline (familiar, lossy) and the exact list are written.
 */
static void put_args(struct buf *b, const char *args, size_t len)
{
	char joined[HY_ARGS_LEN];
	size_t i, start;

	if (len > 0 && args[len - 1] == '\0')
		len--; /* terminator of the last string, not an empty argument */
	for (i = 0; i < len; i++)
		joined[i] = args[i] ? args[i] : ' ';
	puts_(b, ",\"cmdline\":");
	put_escaped(b, joined, len);
	puts_(b, ",\"args\":[");
	for (i = start = 0; i <= len; i++) {
		if (i < len && args[i])
			continue;
		if (start)
			put(b, ",", 1);
		put_escaped(b, args + start, i - start);
		start = i + 1;
	}
	put(b, "]", 1);
}

static void put_exec(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
		     const struct hy_evt_exec *e)
{
	size_t args_len = e->args_len < sizeof(e->args) ? e->args_len : sizeof(e->args);

	put_header(b, ctx, seq, &e->hdr, "exec");
	put_task_open(b, &e->task);
	putf(b, ",\"ppid\":%u,\"exe\":", e->ppid);
	put_escaped(b, e->filename, strnlen(e->filename, sizeof(e->filename)));
	if (args_len)
		put_args(b, e->args, args_len);
	else
		puts_(b, ",\"cmdline\":\"\",\"args\":[]");
	putf(b, ",\"args_truncated\":%s}", bool_str(e->flags & (HY_EXEC_F_ARGS_TRUNC |
								       HY_EXEC_F_ARGS_FAULT)));
	putf(b, ",\"user\":{\"uid\":%u,\"gid\":%u}", e->uid, e->gid);
}

static void put_fork(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
		     const struct hy_evt_fork *e)
{
	put_header(b, ctx, seq, &e->hdr, "fork");
	put_task_open(b, &e->task);
	putf(b, ",\"ppid\":%u,\"cpid\":%u,\"ctid\":%u},\"parent\":{\"pid\":%u,\"tid\":%u},"
		"\"thread\":%s", e->ppid, e->cpid, e->ctid, e->parent_pid, e->parent_tid,
	     bool_str(e->flags & HY_TASK_F_THREAD));
}

static void put_task_exit(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
			  const struct hy_evt_task_exit *e)
{
	put_header(b, ctx, seq, &e->hdr, "task_exit");
	put_task(b, &e->task);
	putf(b, ",\"exit\":{\"code\":%d,\"signal\":%d,\"core_dumped\":%s},\"thread\":%s,"
		"\"group_dead\":%s",
	     e->exit_code, e->signal, bool_str(e->flags & HY_TASK_F_CORE_DUMP),
	     bool_str(e->flags & HY_TASK_F_THREAD), bool_str(e->flags & HY_TASK_F_GROUP_DEAD));
}

static void put_lost(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
		     const struct hy_evt_lost *e)
{
	put_header(b, ctx, seq, &e->hdr, "lost");
	putf(b, ",\"count\":%llu,\"source\":\"%s\"", (unsigned long long)e->count,
	     e->source == HY_LOST_SRC_KERNEL ? "kernel" :
	     e->source == HY_LOST_SRC_CLIENT ? "client" :
					       "other");
}

static const char *name_of(const char *const *names, size_t n, uint32_t v)
{
	return v < n && names[v] ? names[v] : "unknown";
}

/* Access letters in the policy file's spelling ("rw", "c"). */
static void put_access(struct buf *b, uint32_t acc)
{
	char s[5];
	size_t n = 0;
	static const char letters[] = "rwxc";
	for (int i = 0; i < 4; i++)
		if (acc & (1u << i))
			s[n++] = letters[i];
	put(b, ",\"access\":\"", 11);
	put(b, s, n);
	put(b, "\"", 1);
}

static void put_net(struct buf *b, const struct hy_evt_policy *e)
{
	static const char *const fam[] = { "other", "inet", "inet6", "unix", "netlink", "packet",
					   "raw" };
	char addr[INET6_ADDRSTRLEN] = "";
	putf(b, ",\"family\":\"%s\"", name_of(fam, ARRAY_SIZE(fam), e->family));
	if (e->op == HY_OP_SOCKET)
		return;
	if (e->family == HY_NET_INET || e->family == HY_NET_INET6) {
		inet_ntop(e->family == HY_NET_INET ? AF_INET : AF_INET6, e->addr, addr, sizeof(addr));
		putf(b, ",\"addr\":\"%s\",\"port\":%u", addr, e->port);
	} else if (e->family == HY_NET_UNIX) {
		puts_(b, ",\"path\":");
		put_escaped(b, e->path, strnlen(e->path, sizeof(e->path)));
	}
}

/* An object-policy denial or audit: the same shape from either road. */
static void put_policy(struct buf *b, const struct hy_json_ctx *ctx, uint64_t seq,
		       const struct hy_evt_policy *e)
{
	static const char *const area[] = { [HY_AREA_FILES] = "files", [HY_AREA_EXEC] = "exec",
					    [HY_AREA_NET] = "network", [HY_AREA_PROCESS] = "process" };
	static const char *const op[] = {
		[HY_OP_OPEN] = "open",       [HY_OP_CREATE] = "create",   [HY_OP_MKDIR] = "mkdir",
		[HY_OP_UNLINK] = "unlink",   [HY_OP_RENAME] = "rename",   [HY_OP_LINK] = "link",
		[HY_OP_TRUNCATE] = "truncate", [HY_OP_EXEC] = "exec",     [HY_OP_SOCKET] = "socket",
		[HY_OP_CONNECT] = "connect", [HY_OP_BIND] = "bind",       [HY_OP_PTRACE] = "ptrace",
		[HY_OP_SIGNAL] = "signal",   [HY_OP_MOUNT] = "mount",
	};
	static const char *const road[] = { [HY_ROAD_ID_EMULATED] = "emulated",
					    [HY_ROAD_ID_BPF_LSM] = "bpf-lsm" };
	put_header(b, ctx, seq, &e->hdr, "policy");
	put_task(b, &e->task);
	putf(b, ",\"area\":\"%s\",\"op\":\"%s\",\"decision\":\"%s\",\"road\":\"%s\"",
	     name_of(area, ARRAY_SIZE(area), e->area), name_of(op, ARRAY_SIZE(op), e->op),
	     decision_name(e->decision), name_of(road, ARRAY_SIZE(road), e->road));
	if (e->ret < 0)
		putf(b, ",\"errno\":\"%s\"", errno_name(-e->ret));
	if (e->area == HY_AREA_FILES || e->area == HY_AREA_EXEC) {
		put_access(b, e->access);
		puts_(b, ",\"path\":");
		put_escaped(b, e->path, strnlen(e->path, sizeof(e->path)));
		if (e->path2[0]) {
			puts_(b, ",\"path2\":");
			put_escaped(b, e->path2, strnlen(e->path2, sizeof(e->path2)));
		}
	} else if (e->area == HY_AREA_NET) {
		put_net(b, e);
	} else if (e->op == HY_OP_PTRACE || e->op == HY_OP_SIGNAL) {
		putf(b, ",\"target\":{\"pid\":%u}", e->target);
		if (e->op == HY_OP_SIGNAL)
			putf(b, ",\"signal\":%u", e->sig);
	}
}

int hy_event_to_json(const struct hy_json_ctx *ctx, uint64_t seq, const struct hy_evt_hdr *ev,
		     char *out, size_t cap)
{
	struct buf b = { .p = out, .cap = cap };
	switch (ev->type) {
	case HY_EVT_SYSCALL:
		if (ev->size < sizeof(struct hy_evt_syscall))
			return 0;
		put_syscall(&b, ctx, seq, (const struct hy_evt_syscall *)ev);
		break;
	case HY_EVT_START:
	case HY_EVT_EXIT:
		if (ev->size < sizeof(struct hy_evt_lifecycle))
			return 0;
		put_lifecycle(&b, ctx, seq, (const struct hy_evt_lifecycle *)ev);
		break;
	case HY_EVT_SUPPRESSED:
		if (ev->size < sizeof(struct hy_evt_suppressed))
			return 0;
		put_suppressed(&b, ctx, seq, (const struct hy_evt_suppressed *)ev);
		break;
	case HY_EVT_EXEC:
		if (ev->size < sizeof(struct hy_evt_exec))
			return 0;
		put_exec(&b, ctx, seq, (const struct hy_evt_exec *)ev);
		break;
	case HY_EVT_FORK:
		if (ev->size < sizeof(struct hy_evt_fork))
			return 0;
		put_fork(&b, ctx, seq, (const struct hy_evt_fork *)ev);
		break;
	case HY_EVT_TASK_EXIT:
		if (ev->size < sizeof(struct hy_evt_task_exit))
			return 0;
		put_task_exit(&b, ctx, seq, (const struct hy_evt_task_exit *)ev);
		break;
	case HY_EVT_LOST:
		if (ev->size < sizeof(struct hy_evt_lost))
			return 0;
		put_lost(&b, ctx, seq, (const struct hy_evt_lost *)ev);
		break;
	case HY_EVT_POLICY:
		if (ev->size < sizeof(struct hy_evt_policy))
			return 0;
		put_policy(&b, ctx, seq, (const struct hy_evt_policy *)ev);
		break;
	case HY_EVT_SYS_TRACE:
		if (ev->size < sizeof(struct hy_evt_sys_trace))
			return 0;
		put_sys_trace(&b, ctx, seq, (const struct hy_evt_sys_trace *)ev);
		break;
	case HY_EVT_CHECKPOINT:
	case HY_EVT_RESTORE:
		if (ev->size < sizeof(struct hy_evt_ckpt))
			return 0;
		put_ckpt(&b, ctx, seq, (const struct hy_evt_ckpt *)ev);
		break;
	default:
		return 0;
	}
	put(&b, "}\n", 2);
	return b.overflow ? -ENOSPC : (int)b.len;
}
