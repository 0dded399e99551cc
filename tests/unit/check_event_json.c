// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/event_json.c: string escaping (quotes, control bytes,
 * invalid UTF-8, hostile input, short buffers) and one JSON line per event
 * type (including exec/fork/task_exit/lost from trace.bpf.c and user/trace.c),
 * each parsed back with jansson and checked field by field.
 */
#include <asm/unistd_64.h>
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "event_json.h"

#define BIG 32768

static char out[BIG];

/* ---- hy_json_escape ------------------------------------------------------ */

/* Escape s and compare with the expected literal (quotes included). */
static void assert_escape(const char *s, size_t len, const char *want)
{
	int r = hy_json_escape(out, sizeof(out), s, len);

	ck_assert_int_eq(r, (int)strlen(want));
	ck_assert_str_eq(out, want);
}

/* The escaped literal must decode (jansson) to want_len bytes of want. */
static void assert_decodes_to(const char *lit, const char *want, size_t want_len)
{
	json_error_t je;
	json_t *v = json_loads(lit, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);

	ck_assert_msg(v, "not JSON: %s (%s)", lit, je.text);
	ck_assert(json_is_string(v));
	ck_assert_uint_eq(json_string_length(v), want_len);
	ck_assert(memcmp(json_string_value(v), want, want_len) == 0);
	json_decref(v);
}

START_TEST(test_event_json_escape_quotes_backslash)
{
	assert_escape("", 0, "\"\"");
	assert_escape("plain", 5, "\"plain\"");
	assert_escape("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	assert_escape("\"\"\\", 3, "\"\\\"\\\"\\\\\"");
	assert_decodes_to(out, "\"\"\\", 3);
	assert_escape("/", 1, "\"/\""); /* solidus needs no escape */
}
END_TEST

START_TEST(test_event_json_escape_control_bytes)
{
	assert_escape("\n", 1, "\"\\n\"");
	assert_escape("\t", 1, "\"\\t\"");
	assert_escape("\x01", 1, "\"\\u0001\"");
	assert_escape("\x7f", 1, "\"\\u007f\"");
	assert_escape("\b\f\r", 3, "\"\\b\\f\\r\"");
	assert_escape("\x1f\x0b\x00z", 4, "\"\\u001f\\u000b\\u0000z\"");
	assert_decodes_to(out, "\x1f\x0b\x00z", 4);
	for (int c = 0; c < 0x20; c++) {
		char in = (char)c;

		ck_assert_int_gt(hy_json_escape(out, sizeof(out), &in, 1), 0);
		for (const char *p = out; *p; p++)
			ck_assert_msg((unsigned char)*p >= 0x20, "raw byte %#x for input %#x", *p,
				      c);
		assert_decodes_to(out, &in, 1);
	}
}
END_TEST

START_TEST(test_event_json_escape_valid_utf8_kept)
{
	static const char s[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf "
				"\xed\x9f\xbf \xee\x80\x80";

	assert_escape(s, sizeof(s) - 1, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
					"\xf4\x8f\xbf\xbf \xed\x9f\xbf \xee\x80\x80\"");
	assert_decodes_to(out, s, sizeof(s) - 1);
}
END_TEST

START_TEST(test_event_json_escape_invalid_utf8)
{
	/* Every byte that does not start a valid sequence becomes one U+FFFD. */
	assert_escape("\x80", 1, "\"\\ufffd\"");
	assert_escape("a\x80z", 3, "\"a\\ufffdz\"");
	assert_escape("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");             /* overlong '/' */
	assert_escape("\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\"");  /* overlong, 3 bytes */
	assert_escape("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");  /* surrogate D800 */
	assert_escape("\xf4\x90\x80\x80", 4,
		      "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");                /* > U+10FFFF */
	assert_escape("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");             /* truncated at end */
	assert_escape("\xe2\x82z", 3, "\"\\ufffd\\ufffdz\"");           /* truncated mid */
	assert_escape("\xf0\x9f\x98", 3, "\"\\ufffd\\ufffd\\ufffd\"");
	assert_escape("\xff\xfe", 2, "\"\\ufffd\\ufffd\"");
	assert_decodes_to(out, "\xef\xbf\xbd\xef\xbf\xbd", 6);
}
END_TEST

START_TEST(test_event_json_escape_hostile_4k)
{
	enum { N = 4096 };
	char *in = malloc(N);
	unsigned seed = 12345;
	int r;

	ck_assert_ptr_nonnull(in);
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		/* every byte value, then noise */
		in[i] = (char)(i < 256 ? (unsigned)i : seed >> 16);
	}
	r = hy_json_escape(out, sizeof(out), in, N);
	ck_assert_int_gt(r, N);
	ck_assert_int_le(r, 6 * N + 2);
	ck_assert_uint_eq(strlen(out), (size_t)r);
	for (int i = 0; i < r; i++)
		ck_assert((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);

	json_error_t je;
	json_t *v = json_loads(out, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);

	ck_assert_msg(v, "hostile input gave invalid JSON: %s at %d", je.text, je.position);
	json_decref(v);

	/* Exactly r + 1 bytes are needed (the NUL), one less is -ENOSPC. */
	char *small = malloc(r + 1);

	ck_assert_int_eq(hy_json_escape(small, r + 1, in, N), r);
	ck_assert_int_eq(memcmp(small, out, r + 1), 0);
	ck_assert_int_eq(hy_json_escape(small, r, in, N), -ENOSPC);
	ck_assert_uint_lt(strlen(small), (size_t)r);
	free(small);
	free(in);
}
END_TEST

START_TEST(test_event_json_escape_enospc)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	ck_assert_int_eq(hy_json_escape(buf, sizeof(buf), "0123456789", 10), -ENOSPC);
	ck_assert_uint_lt(strnlen(buf, sizeof(buf)), sizeof(buf)); /* NUL-terminated */
	ck_assert_int_eq(hy_json_escape(buf, sizeof(buf), "\x01\x02", 2), -ENOSPC);
	ck_assert_uint_lt(strnlen(buf, sizeof(buf)), sizeof(buf));
	ck_assert_int_eq(hy_json_escape(buf, 1, "a", 1), -ENOSPC);
	ck_assert_int_eq(buf[0], '\0');
	ck_assert_int_eq(hy_json_escape(buf, 3, "a", 1), -ENOSPC); /* "a" needs 4 with NUL */
	ck_assert_int_eq(hy_json_escape(buf, 4, "a", 1), 3);
	ck_assert_str_eq(buf, "\"a\"");
}
END_TEST

START_TEST(test_event_json_escape_zero_cap_writes_nothing)
{
	char buf[4] = { 'X', 'X', 'X', 'X' };

	/* cap 0: not even the NUL may be written (the buffer has no room). */
	ck_assert_int_eq(hy_json_escape(buf, 0, "a", 1), -ENOSPC);
	ck_assert_int_eq(buf[0], 'X');
	ck_assert_int_eq(hy_json_escape(buf, 0, "\x01", 1), -ENOSPC);
	ck_assert_msg(buf[0] == 'X', "wrote %#x at out[0] with cap 0", (unsigned char)buf[0]);
}
END_TEST

/* ---- hy_event_to_json ---------------------------------------------------- */

static const struct hy_json_ctx ctx = {
	.container_id = "c1",
	.mono_to_real_ns = 1700000000LL * 1000000000LL, /* 2023-11-14T22:13:20Z at ts 0 */
};

static void fill_task(struct hy_evt_task *t, const char *comm)
{
	t->pid = 4242;
	t->tid = 4243;
	memcpy(t->comm, comm, sizeof(t->comm));
}

static struct hy_evt_syscall mk_syscall(int nr, uint32_t arch, uint32_t decision, int ret)
{
	struct hy_evt_syscall e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = HY_EVT_SYSCALL;
	e.hdr.size = sizeof(e);
	e.hdr.ts_ns = 123456789;
	e.hdr.cgid = 777;
	fill_task(&e.task, "sh\0\0\0\0\0\0\0\0\0\0\0\0\0");
	e.nr = nr;
	e.arch = arch;
	e.decision = decision;
	e.ret = ret;
	e.args[0] = 3;
	e.args[1] = 0x5412;
	return e;
}

/* Encode ev, check the line shape, and parse it. */
static json_t *encode(const struct hy_json_ctx *c, uint64_t seq, const struct hy_evt_hdr *ev)
{
	int r = hy_event_to_json(c, seq, ev, out, sizeof(out));
	json_error_t je;

	ck_assert_int_gt(r, 0);
	ck_assert_uint_eq(strlen(out), (size_t)r);
	ck_assert_int_eq(out[r - 1], '\n');
	ck_assert_msg(memchr(out, '\n', r - 1) == NULL, "newline inside the line: %s", out);
	ck_assert_int_eq(out[0], '{');

	json_t *v = json_loads(out, 0, &je);

	ck_assert_msg(v, "not JSON (%s at %d): %s", je.text, je.position, out);
	ck_assert(json_is_object(v));
	return v;
}

static const char *str_at(json_t *root, const char *obj, const char *key)
{
	json_t *o = obj ? json_object_get(root, obj) : root;

	ck_assert_msg(json_is_object(o), "no object '%s'", obj);
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_string(v), "%s.%s is not a string", obj ? obj : "", key);
	return json_string_value(v);
}

static json_int_t int_at(json_t *root, const char *obj, const char *key)
{
	json_t *o = obj ? json_object_get(root, obj) : root;

	ck_assert_msg(json_is_object(o), "no object '%s'", obj);
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_integer(v), "%s.%s is not an integer", obj ? obj : "", key);
	return json_integer_value(v);
}

static void assert_common(json_t *v, uint64_t seq, const char *kind)
{
	ck_assert_int_eq(int_at(v, NULL, "seq"), (json_int_t)seq);
	ck_assert_str_eq(str_at(v, NULL, "kind"), kind);
	ck_assert_str_eq(str_at(v, "container", "id"), "c1");
	ck_assert_str_eq(str_at(v, NULL, "time"), "2023-11-14T22:13:20.123456789Z");
	ck_assert_int_eq(int_at(v, "container", "cgroup_id"), 777);
}

START_TEST(test_event_json_syscall_denied)
{
	struct hy_evt_syscall e = mk_syscall(__NR_bpf, AUDIT_ARCH_X86_64, HY_DECISION_DENY, -EPERM);
	json_t *v = encode(&ctx, 17, &e.hdr);
	json_t *sc = json_object_get(v, "syscall");

	assert_common(v, 17, "syscall_denied");
	ck_assert_int_eq(int_at(v, "proc", "pid"), 4242);
	ck_assert_int_eq(int_at(v, "proc", "tid"), 4243);
	ck_assert_str_eq(str_at(v, "proc", "comm"), "sh");
	ck_assert_str_eq(str_at(v, "syscall", "name"), "bpf");
	ck_assert_int_eq(int_at(v, "syscall", "nr"), __NR_bpf);
	ck_assert_str_eq(str_at(v, "syscall", "arch"), "x86_64");
	ck_assert(json_is_array(json_object_get(sc, "args")));
	ck_assert_uint_eq(json_array_size(json_object_get(sc, "args")), 2);
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(sc, "args"), 1)),
			 0x5412);
	ck_assert_str_eq(str_at(v, NULL, "decision"), "deny");
	ck_assert_str_eq(str_at(v, NULL, "errno"), "EPERM");
	ck_assert_ptr_null(json_object_get(v, "ret"));
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_syscall_emulated)
{
	struct hy_evt_syscall e = mk_syscall(__NR_uname, AUDIT_ARCH_X86_64, HY_DECISION_EMULATE, 0);
	json_t *v = encode(&ctx, 1, &e.hdr);

	assert_common(v, 1, "syscall_emulated");
	ck_assert_str_eq(str_at(v, "syscall", "name"), "uname");
	ck_assert_str_eq(str_at(v, NULL, "decision"), "emulate");
	ck_assert_int_eq(int_at(v, NULL, "ret"), 0);
	ck_assert_ptr_null(json_object_get(v, "errno"));
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_syscall_unimplemented)
{
	struct hy_evt_syscall e =
		mk_syscall(__NR_clone3, AUDIT_ARCH_X86_64, HY_DECISION_UNIMPLEMENTED, -ENOSYS);
	json_t *v = encode(&ctx, 2, &e.hdr);

	assert_common(v, 2, "unimplemented");
	ck_assert_str_eq(str_at(v, "syscall", "name"), "clone3");
	ck_assert_str_eq(str_at(v, NULL, "decision"), "unimplemented");
	ck_assert_str_eq(str_at(v, NULL, "errno"), "ENOSYS");
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_syscall_audit_and_errnos)
{
	struct hy_evt_syscall e =
		mk_syscall(__NR_mount, AUDIT_ARCH_X86_64, HY_DECISION_AUDIT, -EACCES);
	json_t *v = encode(&ctx, 3, &e.hdr);

	ck_assert_str_eq(str_at(v, NULL, "decision"), "audit");
	ck_assert_str_eq(str_at(v, NULL, "errno"), "EACCES");
	json_decref(v);

	e = mk_syscall(__NR_getpid, AUDIT_ARCH_X86_64, HY_DECISION_EMULATE, 99);
	v = encode(&ctx, 4, &e.hdr);
	ck_assert_int_eq(int_at(v, NULL, "ret"), 99);
	json_decref(v);

	e = mk_syscall(__NR_read, AUDIT_ARCH_X86_64, HY_DECISION_DENY, -4095); /* no name */
	v = encode(&ctx, 5, &e.hdr);
	ck_assert(strlen(str_at(v, NULL, "errno")) > 0);
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_syscall_name_from_nr_and_arch)
{
	struct hy_evt_syscall e = mk_syscall(400, AUDIT_ARCH_X86_64, HY_DECISION_DENY, -ENOSYS);
	json_t *v = encode(&ctx, 6, &e.hdr);
	json_t *sc = json_object_get(v, "syscall");

	ck_assert(json_is_null(json_object_get(sc, "name"))); /* unassigned number */
	ck_assert_int_eq(int_at(v, "syscall", "nr"), 400);
	json_decref(v);

	/* i386 number 1 is exit, not x86_64 write: no x86_64 name may be used. */
	e = mk_syscall(1, AUDIT_ARCH_I386, HY_DECISION_DENY, -ENOSYS);
	v = encode(&ctx, 7, &e.hdr);
	sc = json_object_get(v, "syscall");
	ck_assert(json_is_null(json_object_get(sc, "name")));
	ck_assert_str_eq(str_at(v, "syscall", "arch"), "i386");
	json_decref(v);

	e = mk_syscall(__NR_getpid | 0x40000000, AUDIT_ARCH_X86_64, HY_DECISION_DENY, -ENOSYS);
	v = encode(&ctx, 8, &e.hdr);
	sc = json_object_get(v, "syscall");
	ck_assert(json_is_null(json_object_get(sc, "name"))); /* x32 */
	json_decref(v);

	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		e = mk_syscall(nr, AUDIT_ARCH_X86_64, HY_DECISION_DENY, -EPERM);
		v = encode(&ctx, nr, &e.hdr);
		sc = json_object_get(v, "syscall");
		if (emu_syscall_name(nr))
			ck_assert_str_eq(json_string_value(json_object_get(sc, "name")),
					 emu_syscall_name(nr));
		else
			ck_assert(json_is_null(json_object_get(sc, "name")));
		json_decref(v);
	}
}
END_TEST

START_TEST(test_event_json_args_full_u64_range)
{
	/* A negative int argument (AT_FDCWD) reaches the event as a u64 >= 2^63.
	 * The line must still be readable by a JSON library with 64-bit integers. */
	struct hy_evt_syscall e =
		mk_syscall(__NR_openat, AUDIT_ARCH_X86_64, HY_DECISION_DENY, -EPERM);

	e.args[0] = (uint64_t)(int64_t)-100;
	e.args[1] = 0xdeadbeef00005412ULL;
	json_t *v = encode(&ctx, 9, &e.hdr);
	json_t *args = json_object_get(json_object_get(v, "syscall"), "args");

	ck_assert_int_eq(json_integer_value(json_array_get(args, 0)), -100);
	ck_assert_int_eq(json_integer_value(json_array_get(args, 1)),
			 (json_int_t)0xdeadbeef00005412ULL);
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_hostile_comm_and_id)
{
	struct hy_evt_syscall e = mk_syscall(__NR_bpf, AUDIT_ARCH_X86_64, HY_DECISION_DENY, -EPERM);
	/* 16 bytes, no NUL */
	static const char comm[16] = "\"}\n\\\x01\x7f\xff\xc0\xaf\xed\xa0\x80\xe2\x82\"x";
	struct hy_json_ctx c = ctx;

	c.container_id = "id\"\n\\";
	memcpy(e.task.comm, comm, sizeof(comm));
	json_t *v = encode(&c, 10, &e.hdr);

	ck_assert_str_eq(str_at(v, "proc", "comm"),
			 "\"}\n\\\x01\x7f\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"x");
	ck_assert_str_eq(str_at(v, "container", "id"), "id\"\n\\");
	ck_assert_str_eq(str_at(v, "syscall", "name"), "bpf"); /* later fields intact */
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_checkpoint_restore)
{
	struct hy_evt_ckpt e;
	json_t *v;

	memset(&e, 0, sizeof(e));
	e.hdr.type = HY_EVT_CHECKPOINT;
	e.hdr.size = sizeof(e);
	e.hdr.cgid = 777;
	e.hdr.ts_ns = 123456789;
	fill_task(&e.task, "counter\0\0\0\0\0\0\0\0\0");
	e.procs = 3, e.threads = 5, e.bytes = 1ULL << 33, e.frozen_ns = 123456, e.leave_running = 1;
	v = encode(&ctx, 7, &e.hdr);
	assert_common(v, 7, "checkpoint");
	ck_assert_int_eq(int_at(v, "image", "processes"), 3);
	ck_assert_int_eq(int_at(v, "image", "threads"), 5);
	ck_assert_int_eq(int_at(v, "image", "bytes"), 1LL << 33);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "frozen_ns")), 123456);
	ck_assert(json_is_true(json_object_get(v, "leave_running")));
	json_decref(v);

	e.hdr.type = HY_EVT_RESTORE;
	v = encode(&ctx, 8, &e.hdr);
	assert_common(v, 8, "restore");
	ck_assert_int_eq(int_at(v, "image", "processes"), 3);
	ck_assert_ptr_null(json_object_get(v, "frozen_ns"));
	ck_assert_ptr_null(json_object_get(v, "leave_running"));
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_start_exit)
{
	struct hy_evt_lifecycle e;
	json_t *v;

	memset(&e, 0, sizeof(e));
	e.hdr.type = HY_EVT_START;
	e.hdr.size = sizeof(e);
	e.hdr.ts_ns = 123456789;
	e.hdr.cgid = 777;
	fill_task(&e.task, "init\0\0\0\0\0\0\0\0\0\0\0\0");
	v = encode(&ctx, 0, &e.hdr);
	assert_common(v, 0, "start");
	ck_assert_str_eq(str_at(v, "proc", "comm"), "init");
	ck_assert_ptr_null(json_object_get(v, "exit"));
	json_decref(v);

	e.hdr.type = HY_EVT_EXIT;
	e.exit_code = 3;
	e.signal = 0;
	v = encode(&ctx, 99, &e.hdr);
	assert_common(v, 99, "exit");
	ck_assert_int_eq(int_at(v, "exit", "code"), 3);
	ck_assert_int_eq(int_at(v, "exit", "signal"), 0);
	json_decref(v);

	e.exit_code = -1;
	e.signal = 9;
	v = encode(&ctx, 100, &e.hdr);
	ck_assert_int_eq(int_at(v, "exit", "code"), -1);
	ck_assert_int_eq(int_at(v, "exit", "signal"), 9);
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_suppressed)
{
	struct hy_evt_suppressed e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = HY_EVT_SUPPRESSED;
	e.hdr.size = sizeof(e);
	e.hdr.ts_ns = 123456789;
	e.hdr.cgid = 777;
	e.count = 12345;
	e.kind = HY_EVT_SYSCALL;
	json_t *v = encode(&ctx, 5, &e.hdr);

	assert_common(v, 5, "suppressed");
	ck_assert_int_eq(int_at(v, NULL, "count"), 12345);
	ck_assert_str_eq(str_at(v, NULL, "of"), "syscall");
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_unknown_or_short_skipped)
{
	struct hy_evt_syscall e = mk_syscall(__NR_bpf, AUDIT_ARCH_X86_64, HY_DECISION_DENY, -EPERM);

	e.hdr.type = 99;
	ck_assert_int_eq(hy_event_to_json(&ctx, 1, &e.hdr, out, sizeof(out)), 0);
	e.hdr.type = 0;
	ck_assert_int_eq(hy_event_to_json(&ctx, 1, &e.hdr, out, sizeof(out)), 0);
	e.hdr.type = HY_EVT_SYSCALL;
	e.hdr.size = sizeof(e) - 1; /* truncated record */
	ck_assert_int_eq(hy_event_to_json(&ctx, 1, &e.hdr, out, sizeof(out)), 0);
	e.hdr.type = HY_EVT_EXIT;
	e.hdr.size = sizeof(struct hy_evt_hdr);
	ck_assert_int_eq(hy_event_to_json(&ctx, 1, &e.hdr, out, sizeof(out)), 0);
	e.hdr.type = HY_EVT_SUPPRESSED;
	ck_assert_int_eq(hy_event_to_json(&ctx, 1, &e.hdr, out, sizeof(out)), 0);
}
END_TEST

START_TEST(test_event_json_event_enospc)
{
	struct hy_evt_syscall e = mk_syscall(__NR_bpf, AUDIT_ARCH_X86_64, HY_DECISION_DENY, -EPERM);
	int r = hy_event_to_json(&ctx, 1, &e.hdr, out, sizeof(out));
	char *buf = malloc(r + 1);

	ck_assert_int_gt(r, 0);
	ck_assert_int_eq(hy_event_to_json(&ctx, 1, &e.hdr, buf, r + 1), r);
	ck_assert_str_eq(buf, out);
	for (size_t cap = 1; cap <= (size_t)r; cap++) {
		ck_assert_int_eq(hy_event_to_json(&ctx, 1, &e.hdr, buf, cap), -ENOSPC);
		ck_assert_uint_lt(strnlen(buf, cap), cap);
	}
	free(buf);
}
END_TEST

START_TEST(test_event_json_event_zero_cap_writes_nothing)
{
	struct hy_evt_syscall e = mk_syscall(__NR_bpf, AUDIT_ARCH_X86_64, HY_DECISION_DENY, -EPERM);
	char buf[4] = { 'X', 'X', 'X', 'X' };

	ck_assert_int_eq(hy_event_to_json(&ctx, 1, &e.hdr, buf, 0), -ENOSPC);
	ck_assert_msg(buf[0] == 'X', "wrote %#x at out[0] with cap 0", (unsigned char)buf[0]);
}
END_TEST

/* ---- lifecycle events from BPF (trace.bpf.c) ------------------------------ */

static void fill_hdr(struct hy_evt_hdr *h, uint32_t type, uint32_t size)
{
	h->type = type;
	h->size = size;
	h->ts_ns = 123456789;
	h->cgid = 777;
}

/* An exec event with args given as a byte string of len bytes (NULs inside). */
static struct hy_evt_exec mk_exec(const char *exe, const char *args, size_t len)
{
	struct hy_evt_exec e;

	memset(&e, 0, sizeof(e));
	fill_hdr(&e.hdr, HY_EVT_EXEC, sizeof(e));
	fill_task(&e.task, "sh\0\0\0\0\0\0\0\0\0\0\0\0\0");
	e.ppid = 4000;
	e.uid = 1000;
	e.gid = 100;
	memcpy(e.filename, exe, strnlen(exe, sizeof(e.filename) - 1));
	memcpy(e.args, args, len);
	e.args_len = len;
	e.args_total = len;
	return e;
}

static json_t *arr_at(json_t *root, const char *obj, const char *key)
{
	json_t *v = json_object_get(json_object_get(root, obj), key);

	ck_assert_msg(json_is_array(v), "%s.%s is not an array", obj, key);
	return v;
}

START_TEST(test_event_json_exec)
{
	static const char args[] = "/bin/sh\0-c\0/bin/true; /bin/echo hi";
	struct hy_evt_exec e = mk_exec("/bin/sh", args, sizeof(args)); /* with the last NUL */
	json_t *v = encode(&ctx, 11, &e.hdr);
	json_t *a;

	assert_common(v, 11, "exec");
	ck_assert_int_eq(int_at(v, "proc", "pid"), 4242);
	ck_assert_int_eq(int_at(v, "proc", "tid"), 4243);
	ck_assert_int_eq(int_at(v, "proc", "ppid"), 4000);
	ck_assert_str_eq(str_at(v, "proc", "comm"), "sh");
	ck_assert_str_eq(str_at(v, "proc", "exe"), "/bin/sh");
	ck_assert_str_eq(str_at(v, "proc", "cmdline"), "/bin/sh -c /bin/true; /bin/echo hi");
	a = arr_at(v, "proc", "args");
	ck_assert_uint_eq(json_array_size(a), 3);
	ck_assert_str_eq(json_string_value(json_array_get(a, 0)), "/bin/sh");
	ck_assert_str_eq(json_string_value(json_array_get(a, 2)), "/bin/true; /bin/echo hi");
	ck_assert(json_is_false(json_object_get(json_object_get(v, "proc"), "args_truncated")));
	ck_assert_int_eq(int_at(v, "user", "uid"), 1000);
	ck_assert_int_eq(int_at(v, "user", "gid"), 100);
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_exec_args_edges)
{
	struct hy_evt_exec e = mk_exec("/x", "", 0); /* argc 0 */
	json_t *v = encode(&ctx, 1, &e.hdr);

	ck_assert_str_eq(str_at(v, "proc", "cmdline"), "");
	ck_assert_uint_eq(json_array_size(arr_at(v, "proc", "args")), 0);
	json_decref(v);

	e = mk_exec("/x", "\0", 1); /* one empty argument */
	v = encode(&ctx, 2, &e.hdr);
	ck_assert_uint_eq(json_array_size(arr_at(v, "proc", "args")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(arr_at(v, "proc", "args"), 0)), "");
	json_decref(v);

	e = mk_exec("/x", "a\0\0b\0", 5); /* empty argument in the middle */
	v = encode(&ctx, 3, &e.hdr);
	ck_assert_str_eq(str_at(v, "proc", "cmdline"), "a  b");
	ck_assert_uint_eq(json_array_size(arr_at(v, "proc", "args")), 3);
	json_decref(v);

	/* Cut by the kernel side: no NUL after the last, partial argument. */
	e = mk_exec("/x", "prog\0abcdef", 11);
	e.args_len = 8;
	e.args_total = 5000;
	e.flags = HY_EXEC_F_ARGS_TRUNC;
	v = encode(&ctx, 4, &e.hdr);
	ck_assert_str_eq(str_at(v, "proc", "cmdline"), "prog abc");
	ck_assert_str_eq(json_string_value(json_array_get(arr_at(v, "proc", "args"), 1)), "abc");
	ck_assert(json_is_true(json_object_get(json_object_get(v, "proc"), "args_truncated")));
	json_decref(v);

	/* A corrupt length never reads past the record. */
	memset(e.args, 'A', sizeof(e.args));
	e.args_len = 100000;
	v = encode(&ctx, 5, &e.hdr);
	ck_assert_uint_eq(strlen(str_at(v, "proc", "cmdline")), HY_ARGS_LEN);
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_exec_hostile)
{
	static const char args[] = "q\"uote\0back\\slash\0ctl\x01\x1b[31m\0bad\xff\xc0\xaf\0nl\n}";
	struct hy_evt_exec e = mk_exec("/tmp/\"\\\x01\xff\n", args, sizeof(args) - 1);
	json_t *v = encode(&ctx, 6, &e.hdr);
	json_t *a = arr_at(v, "proc", "args");

	ck_assert_str_eq(str_at(v, "proc", "exe"), "/tmp/\"\\\x01\xef\xbf\xbd\n");
	ck_assert_uint_eq(json_array_size(a), 5);
	ck_assert_str_eq(json_string_value(json_array_get(a, 0)), "q\"uote");
	ck_assert_str_eq(json_string_value(json_array_get(a, 1)), "back\\slash");
	ck_assert_str_eq(json_string_value(json_array_get(a, 2)), "ctl\x01\x1b[31m");
	ck_assert_str_eq(json_string_value(json_array_get(a, 3)),
			 "bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(json_string_value(json_array_get(a, 4)), "nl\n}");
	ck_assert_str_eq(str_at(v, "proc", "cmdline"),
			 "q\"uote back\\slash ctl\x01\x1b[31m bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			 " nl\n}");
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_exec_worst_case_fits_line)
{
	/* Every byte escapes to 6 characters: the longest line must still fit the
	 * exporter's 8192-byte line buffer (user/telemetry.c), or it is skipped. */
	struct hy_evt_exec e = mk_exec("", "", 0);
	int r;

	memset(e.filename, '\x01', sizeof(e.filename) - 1);
	memset(e.args, '\x02', sizeof(e.args));
	for (size_t i = 1; i < sizeof(e.args); i += 2)
		e.args[i] = '\0'; /* many one-byte arguments: most commas and quotes */
	e.args_len = sizeof(e.args);
	memset(e.task.comm, '\x03', sizeof(e.task.comm));
	r = hy_event_to_json(&ctx, UINT64_MAX, &e.hdr, out, sizeof(out));
	ck_assert_int_gt(r, 0);
	ck_assert_int_lt(r, 8192);
	json_decref(encode(&ctx, 1, &e.hdr));

	for (size_t i = 1; i < sizeof(e.args); i += 2)
		e.args[i] = '\x04';
	r = hy_event_to_json(&ctx, UINT64_MAX, &e.hdr, out, sizeof(out));
	ck_assert_int_gt(r, 0);
	ck_assert_int_lt(r, 8192);
}
END_TEST

START_TEST(test_event_json_fork)
{
	struct hy_evt_fork e;
	json_t *v;

	memset(&e, 0, sizeof(e));
	fill_hdr(&e.hdr, HY_EVT_FORK, sizeof(e));
	fill_task(&e.task, "sh\0\0\0\0\0\0\0\0\0\0\0\0\0");
	e.task.pid = e.task.tid = 5000;
	e.ppid = 4242;
	e.parent_pid = 4242;
	e.parent_tid = 4243;
	e.cpid = 7;
	e.ctid = 8;
	v = encode(&ctx, 12, &e.hdr);
	assert_common(v, 12, "fork");
	ck_assert_int_eq(int_at(v, "proc", "cpid"), 7);
	ck_assert_int_eq(int_at(v, "proc", "ctid"), 8);
	ck_assert_int_eq(int_at(v, "proc", "pid"), 5000);
	ck_assert_int_eq(int_at(v, "proc", "tid"), 5000);
	ck_assert_int_eq(int_at(v, "proc", "ppid"), 4242);
	ck_assert_int_eq(int_at(v, "parent", "pid"), 4242);
	ck_assert_int_eq(int_at(v, "parent", "tid"), 4243);
	ck_assert(json_is_false(json_object_get(v, "thread")));
	json_decref(v);

	e.task.pid = 4242; /* a thread of the creator's process */
	e.task.tid = 5001;
	e.ppid = 1;
	e.flags = HY_TASK_F_THREAD;
	v = encode(&ctx, 13, &e.hdr);
	ck_assert(json_is_true(json_object_get(v, "thread")));
	ck_assert_int_eq(int_at(v, "proc", "ppid"), 1);
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_task_exit)
{
	struct hy_evt_task_exit e;
	json_t *v;

	memset(&e, 0, sizeof(e));
	fill_hdr(&e.hdr, HY_EVT_TASK_EXIT, sizeof(e));
	fill_task(&e.task, "true\0\0\0\0\0\0\0\0\0\0\0\0");
	e.exit_code = 3;
	e.flags = HY_TASK_F_GROUP_DEAD;
	v = encode(&ctx, 14, &e.hdr);
	assert_common(v, 14, "task_exit");
	ck_assert_int_eq(int_at(v, "exit", "code"), 3);
	ck_assert_int_eq(int_at(v, "exit", "signal"), 0);
	ck_assert(json_is_false(json_object_get(json_object_get(v, "exit"), "core_dumped")));
	ck_assert(json_is_false(json_object_get(v, "thread")));
	ck_assert(json_is_true(json_object_get(v, "group_dead")));
	ck_assert_str_eq(str_at(v, "proc", "comm"), "true");
	json_decref(v);

	e.exit_code = -1;
	e.signal = 11;
	e.flags = HY_TASK_F_THREAD | HY_TASK_F_CORE_DUMP;
	v = encode(&ctx, 15, &e.hdr);
	ck_assert_int_eq(int_at(v, "exit", "code"), -1);
	ck_assert_int_eq(int_at(v, "exit", "signal"), 11);
	ck_assert(json_is_true(json_object_get(json_object_get(v, "exit"), "core_dumped")));
	ck_assert(json_is_true(json_object_get(v, "thread")));
	ck_assert(json_is_false(json_object_get(v, "group_dead")));
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_lost)
{
	struct hy_evt_lost e;

	memset(&e, 0, sizeof(e));
	fill_hdr(&e.hdr, HY_EVT_LOST, sizeof(e));
	e.count = 1ULL << 40;
	e.source = HY_LOST_SRC_KERNEL;
	json_t *v = encode(&ctx, 16, &e.hdr);

	assert_common(v, 16, "lost");
	ck_assert_int_eq(int_at(v, NULL, "count"), (json_int_t)(1ULL << 40));
	ck_assert_str_eq(str_at(v, NULL, "source"), "kernel");
	ck_assert_ptr_null(json_object_get(v, "proc"));
	json_decref(v);
}
END_TEST

START_TEST(test_event_json_lifecycle_short_skipped)
{
	static const struct {
		uint32_t type, size;
	} full[] = {
		{ HY_EVT_EXEC, sizeof(struct hy_evt_exec) },
		{ HY_EVT_FORK, sizeof(struct hy_evt_fork) },
		{ HY_EVT_TASK_EXIT, sizeof(struct hy_evt_task_exit) },
		{ HY_EVT_LOST, sizeof(struct hy_evt_lost) },
	};
	struct hy_evt_exec e = mk_exec("/x", "x", 1); /* the largest: room for every kind */

	for (size_t i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
		e.hdr.type = full[i].type;
		e.hdr.size = full[i].size - 1;
		ck_assert_int_eq(hy_event_to_json(&ctx, 1, &e.hdr, out, sizeof(out)), 0);
		e.hdr.size = full[i].size;
		ck_assert_int_gt(hy_event_to_json(&ctx, 1, &e.hdr, out, sizeof(out)), 0);
	}
}
END_TEST

static Suite *event_json_suite(void)
{
	Suite *s = suite_create("event_json");
	TCase *esc = tcase_create("escape");
	TCase *ev = tcase_create("event");
	TCase *lc = tcase_create("lifecycle");

	tcase_add_test(esc, test_event_json_escape_quotes_backslash);
	tcase_add_test(esc, test_event_json_escape_control_bytes);
	tcase_add_test(esc, test_event_json_escape_valid_utf8_kept);
	tcase_add_test(esc, test_event_json_escape_invalid_utf8);
	tcase_add_test(esc, test_event_json_escape_hostile_4k);
	tcase_add_test(esc, test_event_json_escape_enospc);
	tcase_add_test(esc, test_event_json_escape_zero_cap_writes_nothing);
	suite_add_tcase(s, esc);

	tcase_add_test(ev, test_event_json_syscall_denied);
	tcase_add_test(ev, test_event_json_syscall_emulated);
	tcase_add_test(ev, test_event_json_syscall_unimplemented);
	tcase_add_test(ev, test_event_json_syscall_audit_and_errnos);
	tcase_add_test(ev, test_event_json_syscall_name_from_nr_and_arch);
	tcase_add_test(ev, test_event_json_args_full_u64_range);
	tcase_add_test(ev, test_event_json_hostile_comm_and_id);
	tcase_add_test(ev, test_event_json_start_exit);
	tcase_add_test(ev, test_event_json_suppressed);
	tcase_add_test(ev, test_event_json_unknown_or_short_skipped);
	tcase_add_test(ev, test_event_json_event_enospc);
	tcase_add_test(ev, test_event_json_event_zero_cap_writes_nothing);
	suite_add_tcase(s, ev);

	tcase_add_test(lc, test_event_json_exec);
	tcase_add_test(lc, test_event_json_exec_args_edges);
	tcase_add_test(lc, test_event_json_exec_hostile);
	tcase_add_test(lc, test_event_json_exec_worst_case_fits_line);
	tcase_add_test(lc, test_event_json_fork);
	tcase_add_test(lc, test_event_json_task_exit);
	tcase_add_test(lc, test_event_json_lost);
	tcase_add_test(lc, test_event_json_checkpoint_restore);
	tcase_add_test(lc, test_event_json_lifecycle_short_skipped);
	suite_add_tcase(s, lc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(event_json_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
