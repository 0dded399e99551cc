// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/seccomp.c: the program hy_seccomp_build() emits is run
 * by a small classic-BPF interpreter (the subset seccomp accepts) on crafted
 * struct seccomp_data inputs, and its verdicts are compared with the syscall
 * table and policy (emu_road_resolve): ALLOW exactly where the road is NATIVE
 * and the argument conditions hold, USER_NOTIF everywhere else. Nothing is
 * installed, so no privileges are needed.
 */
#include <asm/unistd_64.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "seccomp.h"

#define ALLOW SECCOMP_RET_ALLOW
#define NOTIF SECCOMP_RET_USER_NOTIF
#define X32_BIT 0x40000000u
#define HI_GARBAGE 0xdeadbeef00000000ULL

static struct hy_filter filt;
static struct emu_syscall_policy pol;
static struct hy_err err;

/* ---- a classic BPF interpreter for seccomp programs ----------------------- */

/*
 * Runs prog on d. Returns 0 and the program's return value in *ret, or -1
 * with a reason in why for any opcode outside the implemented subset, an
 * out-of-range load, scratch index or jump, or falling off the end: the
 * interpreter must never guess.
 */
/* Loads of seccomp_data past nr and arch (ip, args) during the last bpf_exec(). */
static unsigned beyond_nr_arch_loads;

static int bpf_exec(const struct sock_filter *prog, unsigned len, const struct seccomp_data *d,
		    uint32_t *ret, char *why, size_t whylen)
{
	beyond_nr_arch_loads = 0;
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };

	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &prog[pc];
		uint32_t k = in->k;
		unsigned skip = 0;

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k % 4 || k + 4 > sizeof(*d))
				goto bad;
			if (k >= offsetof(struct seccomp_data, instruction_pointer))
				beyond_nr_arch_loads++;
			memcpy(&A, (const char *)d + k, 4);
			break;
		case BPF_LD | BPF_IMM:
			A = k;
			break;
		case BPF_LDX | BPF_IMM:
			X = k;
			break;
		case BPF_LD | BPF_MEM:
			if (k >= BPF_MEMWORDS)
				goto bad;
			A = M[k];
			break;
		case BPF_LDX | BPF_MEM:
			if (k >= BPF_MEMWORDS)
				goto bad;
			X = M[k];
			break;
		case BPF_ST:
			if (k >= BPF_MEMWORDS)
				goto bad;
			M[k] = A;
			break;
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				goto bad;
			M[k] = X;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			A &= k;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			A |= k;
			break;
		case BPF_MISC | BPF_TAX:
			X = A;
			break;
		case BPF_MISC | BPF_TXA:
			A = X;
			break;
		case BPF_JMP | BPF_JA:
			skip = k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			skip = A == k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			skip = A > k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			skip = A >= k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			skip = (A & k) ? in->jt : in->jf;
			break;
		case BPF_RET | BPF_K:
			*ret = k;
			return 0;
		default:
			snprintf(why, whylen,
				 "pc %u: opcode %#06x not implemented by the test interpreter", pc,
				 in->code);
			return -1;
		}
		if (pc + 1 + skip >= len) {
			snprintf(why, whylen, "pc %u: jump past the end (+%u)", pc, skip);
			return -1;
		}
		pc += skip;
		continue;
bad:
		snprintf(why, whylen, "pc %u: opcode %#06x operand %u out of range", pc, in->code,
			 k);
		return -1;
	}
	snprintf(why, whylen, "fell off the end of the program");
	return -1;
}

static uint32_t bpf_run(const struct sock_filter *prog, unsigned len, const struct seccomp_data *d)
{
	char why[128] = "";
	uint32_t ret = 0;

	ck_assert_msg(bpf_exec(prog, len, d, &ret, why, sizeof(why)) == 0, "%s", why);
	return ret;
}

static uint32_t verdict6(const struct hy_filter *f, uint32_t arch, uint32_t nr, const uint64_t a[6])
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.nr = (int)nr;
	d.arch = arch;
	d.instruction_pointer = 0x401000;
	memcpy(d.args, a, sizeof(d.args));
	return bpf_run(f->insns, f->len, &d) & SECCOMP_RET_ACTION_FULL;
}

static uint32_t verdict(const struct hy_filter *f, uint32_t nr, uint64_t a0, uint64_t a1)
{
	const uint64_t a[6] = { a0, a1 };

	return verdict6(f, AUDIT_ARCH_X86_64, nr, a);
}

#define ASSERT_VERDICT(f, nr, a0, a1, want)                                                       \
	do {                                                                                       \
		uint32_t v_ = verdict((f), (nr), (a0), (a1));                                      \
		ck_assert_msg(v_ == (want), "%s(%#llx, %#llx): verdict %#x, want %#x", #nr,        \
			      (unsigned long long)(a0), (unsigned long long)(a1), v_, (want));     \
	} while (0)

/* Reference semantics of the table's conditions (emu.h: low 32 bits only). */
static bool conds_hold(const struct emu_road_decision *d, const uint64_t a[6])
{
	for (unsigned i = 0; i < d->ncond; i++) {
		const struct emu_arg_cond *c = &d->cond[i];
		uint32_t v = (uint32_t)a[c->arg];

		if (c->op == EMU_CMP_MASKED_EQ && (v & c->mask) != c->value)
			return false;
		if (c->op == EMU_CMP_NE && v == c->value)
			return false;
		if (c->op == EMU_CMP_NULL && a[c->arg] != 0)
			return false;
	}
	return true;
}

static uint32_t expected(const struct emu_syscall_policy *p, int nr, const uint64_t a[6])
{
	struct emu_road_decision d;

	if (emu_road_resolve(p, nr, &d) == -ENOENT)
		return NOTIF;
	/* EMULATED with conds: native while they hold (read-only opens, sendto
	 * without an address). */
	bool native = d.road == EMU_ROAD_NATIVE || (d.road == EMU_ROAD_EMULATED && d.ncond);
	return native && conds_hold(&d, a) ? ALLOW : NOTIF;
}

static void build(const struct emu_syscall_policy *p)
{
	memset(&err, 0, sizeof(err));
	ck_assert_msg(hy_seccomp_build(p, &filt, &err) == 0, "build: %s", err.msg);
	ck_assert_ptr_nonnull(filt.insns);
	ck_assert_uint_gt(filt.len, 0);
	ck_assert_uint_le(filt.len, BPF_MAXINSNS);
}

static void setup(void)
{
	memset(&pol, 0, sizeof(pol));
	memset(&filt, 0, sizeof(filt));
}

static void teardown(void)
{
	hy_seccomp_fini(&filt);
}

/* ---- the interpreter itself ------------------------------------------------ */

START_TEST(test_seccomp_interpreter_sanity)
{
	/* A hand-written program using every implemented opcode. */
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LD | BPF_IMM, 0),
		BPF_STMT(BPF_LDX | BPF_MEM, 3),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 0x100),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x1ff),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_STX, 4),
		BPF_STMT(BPF_LD | BPF_MEM, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x127, 0, 4),  /* nr 39 */
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 0x127, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x127, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x20, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_JMP | BPF_JA, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct seccomp_data d = { .nr = 39, .arch = AUDIT_ARCH_X86_64 };

	ck_assert_uint_eq(bpf_run(prog, sizeof(prog) / sizeof(prog[0]), &d), SECCOMP_RET_ALLOW);
	d.nr = 40;
	ck_assert_uint_eq(bpf_run(prog, sizeof(prog) / sizeof(prog[0]), &d),
			  SECCOMP_RET_USER_NOTIF);
}
END_TEST

START_TEST(test_seccomp_interpreter_rejects_unknown_opcode)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter tail[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 1), /* both branches past the end */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter load[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(struct seccomp_data)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct seccomp_data d = { 0 };
	char why[128];
	uint32_t ret;

	ck_assert_int_eq(bpf_exec(prog, 2, &d, &ret, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "not implemented"), "%s", why);
	ck_assert_int_eq(bpf_exec(tail, 2, &d, &ret, why, sizeof(why)), -1);
	ck_assert_int_eq(bpf_exec(load, 2, &d, &ret, why, sizeof(why)), -1);
	ck_assert_int_eq(bpf_exec(tail + 1, 0, &d, &ret, why, sizeof(why)), -1);
}
END_TEST

/* ---- default policy -------------------------------------------------------- */

START_TEST(test_seccomp_default_native)
{
	build(NULL);
	ck_assert_uint_gt(filt.n_native, 200);
	ck_assert_uint_eq(filt.n_cond, 3); /* ioctl, clone, unshare */
	ASSERT_VERDICT(&filt, __NR_getpid, 0, 0, ALLOW);
	ASSERT_VERDICT(&filt, __NR_read, 0, 0, ALLOW);
	ASSERT_VERDICT(&filt, __NR_read, 3, 0x7ffc0000ULL, ALLOW);
	ASSERT_VERDICT(&filt, __NR_mmap, 0, 4096, ALLOW);
	ASSERT_VERDICT(&filt, __NR_exit_group, 0, 0, ALLOW);
}
END_TEST

START_TEST(test_seccomp_default_denied_go_to_supervisor)
{
	build(NULL);
	ASSERT_VERDICT(&filt, __NR_bpf, 0, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_mount, 0, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_kexec_load, 0, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_ptrace, 0, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_clone3, 0, 0, NOTIF);
}
END_TEST

START_TEST(test_seccomp_default_emulated_go_to_supervisor)
{
	build(NULL);
	ASSERT_VERDICT(&filt, __NR_uname, 0, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_sethostname, 0, 0, NOTIF);
}
END_TEST

START_TEST(test_seccomp_ioctl_tty_injection)
{
	build(NULL);
	ASSERT_VERDICT(&filt, __NR_ioctl, 0, TCGETS, ALLOW);
	ASSERT_VERDICT(&filt, __NR_ioctl, 1, TIOCGWINSZ, ALLOW);
	ASSERT_VERDICT(&filt, __NR_ioctl, 0, TIOCSTI, NOTIF);
	ASSERT_VERDICT(&filt, __NR_ioctl, 0, TIOCLINUX, NOTIF);
	/* The kernel truncates cmd to 32 bits: garbage above must not help. */
	ASSERT_VERDICT(&filt, __NR_ioctl, 0, 0xdeadbeef00005412ULL, NOTIF);
	ASSERT_VERDICT(&filt, __NR_ioctl, 0, HI_GARBAGE | TIOCLINUX, NOTIF);
	ASSERT_VERDICT(&filt, __NR_ioctl, 0, 0xffffffff00000000ULL | TIOCSTI, NOTIF);
	ASSERT_VERDICT(&filt, __NR_ioctl, 0, HI_GARBAGE | TCGETS, ALLOW);
	/* Neighbours of the excluded values stay allowed. */
	for (uint32_t cmd = 0x5400; cmd < 0x5440; cmd++) {
		uint32_t want = cmd == TIOCSTI || cmd == TIOCLINUX ? NOTIF : ALLOW;

		ASSERT_VERDICT(&filt, __NR_ioctl, 5, cmd, want);
		ASSERT_VERDICT(&filt, __NR_ioctl, 5, HI_GARBAGE | cmd, want);
	}
}
END_TEST

START_TEST(test_seccomp_clone_unshare_userns)
{
	build(NULL);
	ASSERT_VERDICT(&filt, __NR_clone, CLONE_NEWUSER | SIGCHLD, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_clone, SIGCHLD, 0, ALLOW);
	ASSERT_VERDICT(&filt, __NR_clone, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			       CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
			       CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
		       0, ALLOW);
	ASSERT_VERDICT(&filt, __NR_clone, HI_GARBAGE | CLONE_NEWUSER | SIGCHLD, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_clone, HI_GARBAGE | SIGCHLD, 0, ALLOW);
	ASSERT_VERDICT(&filt, __NR_clone, 0xffffffffULL, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_unshare, CLONE_NEWUSER, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_unshare, CLONE_NEWUSER | CLONE_NEWNS, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_unshare, CLONE_NEWNS, 0, ALLOW);
	ASSERT_VERDICT(&filt, __NR_unshare, CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC, 0, ALLOW);
}
END_TEST

START_TEST(test_seccomp_foreign_arch)
{
	static const uint32_t arches[] = { AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0, 0xffffffffu };
	const uint64_t zero[6] = { 0 };

	build(NULL);
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		for (uint32_t nr = 0; nr < EMU_NR_MAX; nr++)
			ck_assert_msg(verdict6(&filt, arches[i], nr, zero) == NOTIF,
				      "arch %#x nr %u: verdict %#x", arches[i], nr,
				      verdict6(&filt, arches[i], nr, zero));
}
END_TEST

START_TEST(test_seccomp_x32_not_allowed)
{
	build(NULL);
	ck_assert_uint_ne(verdict(&filt, X32_BIT | __NR_getpid, 0, 0), ALLOW);
	for (uint32_t nr = 0; nr < EMU_NR_MAX; nr++)
		ck_assert_msg(verdict(&filt, X32_BIT | nr, 0, 0) != ALLOW, "x32 nr %u allowed", nr);
	ck_assert_uint_ne(verdict(&filt, X32_BIT | 512, 0, 0), ALLOW); /* x32-only numbers */
}
END_TEST

START_TEST(test_seccomp_unassigned_not_allowed)
{
	static const uint32_t nrs[] = { 335, 400, 423, EMU_NR_MAX, 512, 1000, 0x3fffffff,
					0x7fffffff, 0x80000000, 0xffffffff };

	build(NULL);
	ck_assert_uint_ne(verdict(&filt, 400, 0, 0), ALLOW);
	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		ck_assert_msg(verdict(&filt, nrs[i], 0, 0) != ALLOW, "nr %#x allowed", nrs[i]);
}
END_TEST

START_TEST(test_seccomp_everything_else_is_user_notif)
{
	/* seccomp.h: unknown numbers, x32 and foreign arches go to the
	 * supervisor with USER_NOTIF (no silent kill or errno). */
	build(NULL);
	ck_assert_uint_eq(verdict(&filt, 400, 0, 0), NOTIF);
	ck_assert_uint_eq(verdict(&filt, 0xffffffff, 0, 0), NOTIF);
	ck_assert_uint_eq(verdict(&filt, X32_BIT | __NR_getpid, 0, 0), NOTIF);
	ck_assert_uint_eq(verdict(&filt, X32_BIT | 512, 0, 0), NOTIF);
}
END_TEST

START_TEST(test_seccomp_policy_overrides)
{
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "bpf", EMU_OVR_ALLOW), 0);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "uname", EMU_OVR_ALLOW), 0);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "ioctl", EMU_OVR_ALLOW), 0);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "getpid", EMU_OVR_DENY), 0);
	ck_assert_int_eq(emu_syscall_policy_set(&pol, "clone", EMU_OVR_DENY), 0);
	build(&pol);
	ASSERT_VERDICT(&filt, __NR_bpf, 0, 0, ALLOW);
	ASSERT_VERDICT(&filt, __NR_uname, 0, 0, ALLOW);
	ASSERT_VERDICT(&filt, __NR_ioctl, 0, TIOCSTI, ALLOW); /* allow drops the conditions */
	ASSERT_VERDICT(&filt, __NR_getpid, 0, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_clone, SIGCHLD, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_read, 0, 0, ALLOW); /* untouched */
	ASSERT_VERDICT(&filt, __NR_sethostname, 0, 0, NOTIF);
	ASSERT_VERDICT(&filt, __NR_unshare, CLONE_NEWUSER, 0, NOTIF);
}
END_TEST

START_TEST(test_seccomp_locked_cannot_be_opened)
{
	pol.override[__NR_kexec_load] = EMU_OVR_ALLOW; /* filled in by hand */
	build(&pol);
	ASSERT_VERDICT(&filt, __NR_kexec_load, 0, 0, NOTIF);
}
END_TEST

/* For every number, verdict == ALLOW iff the road is NATIVE and the
 * conditions hold for the arguments given. */
static void sweep(const struct emu_syscall_policy *p, const uint64_t a[6])
{
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		uint32_t got = verdict6(&filt, AUDIT_ARCH_X86_64, nr, a);
		uint32_t want = expected(p, nr, a);

		ck_assert_msg(got == want, "nr %d (%s) args %#llx %#llx: verdict %#x, want %#x", nr,
			      emu_syscall_name(nr) ? emu_syscall_name(nr) : "?",
			      (unsigned long long)a[0], (unsigned long long)a[1], got, want);
	}
}

START_TEST(test_seccomp_sweep_default)
{
	const uint64_t zero[6] = { 0 };
	unsigned native = 0, cond = 0;

	build(NULL);
	sweep(NULL, zero);
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		struct emu_road_decision d;

		if (emu_road_resolve(NULL, nr, &d) == 0 && d.road == EMU_ROAD_NATIVE) {
			ck_assert_msg(conds_hold(&d, zero), "nr %d: zero args fail its conds", nr);
			if (d.ncond)
				cond++;
			else
				native++;
		}
	}
	ck_assert_uint_eq(filt.n_native, native);
	ck_assert_uint_eq(filt.n_cond, cond);
}
END_TEST

START_TEST(test_seccomp_sweep_args)
{
	static const uint64_t vals[] = {
		0,
		~0ULL,
		TIOCSTI,
		TIOCLINUX,
		TCGETS,
		HI_GARBAGE | TIOCSTI,
		CLONE_NEWUSER,
		CLONE_NEWUSER | SIGCHLD,
		HI_GARBAGE | CLONE_NEWNS,
		0xffffffff00000000ULL,
		0x00000000efffffffULL, /* every low bit but CLONE_NEWUSER */
		0x123456789abcdef0ULL,
	};

	build(NULL);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		for (size_t j = 0; j < sizeof(vals) / sizeof(vals[0]); j++) {
			const uint64_t a[6] = { vals[i], vals[j], vals[j],
						vals[i], vals[j], vals[i] };

			sweep(NULL, a);
		}
}
END_TEST

START_TEST(test_seccomp_sweep_policy)
{
	static const char *const allow[] = { "bpf", "ptrace", "uname", "ioctl", "mount" };
	static const char *const deny[] = { "getpid", "read", "clone", "openat" };
	const uint64_t zero[6] = { 0 };
	const uint64_t sti[6] = { 0, TIOCSTI };

	for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		ck_assert_int_eq(emu_syscall_policy_set(&pol, allow[i], EMU_OVR_ALLOW), 0);
	for (size_t i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		ck_assert_int_eq(emu_syscall_policy_set(&pol, deny[i], EMU_OVR_DENY), 0);
	build(&pol);
	sweep(&pol, zero);
	sweep(&pol, sti);

	/* audit mode does not change roads, so not the filter either. */
	pol.audit = true;
	hy_seccomp_fini(&filt);
	build(&pol);
	sweep(&pol, zero);
}
END_TEST

/* Every object area routed to kernel-emu: the conds that keep calls native
 * must look at the whole argument (a pointer with zero low bits is no NULL). */
START_TEST(test_seccomp_sweep_areas)
{
	static const uint64_t vals[] = { 0, 1, O_WRONLY, O_RDONLY | O_CLOEXEC, 0x100000000ULL,
					 0x7ffd00000000ULL, ~0ULL };

	pol.areas = EMU_AREA_FILES | EMU_AREA_EXEC | EMU_AREA_NET | EMU_AREA_NET_ADDR;
	pol.files_read_all = true;
	build(&pol);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		const uint64_t a[6] = { 3, vals[i], vals[i], 0, vals[i], 16 };

		sweep(&pol, a);
	}
	const uint64_t send_null[6] = { 3, 0x1000, 5, 0, 0, 0 };
	const uint64_t send_hi[6] = { 3, 0x1000, 5, 0, 0x100000000ULL, 16 };
	ck_assert_uint_eq(verdict6(&filt, AUDIT_ARCH_X86_64, __NR_sendto, send_null), ALLOW);
	ck_assert_uint_eq(verdict6(&filt, AUDIT_ARCH_X86_64, __NR_sendto, send_hi), NOTIF);
	ck_assert_uint_eq(verdict(&filt, __NR_connect, 3, 0), NOTIF);
}
END_TEST

/*
 * The kernel caches a per-nr ALLOW verdict (seccomp action cache) only when
 * the filter decides that nr from nr and arch alone. Every native syscall
 * without argument conditions must therefore never look at ip or args:
 * that keeps the native road at the cost of a bare filter.
 */
START_TEST(test_seccomp_native_stays_in_action_cache)
{
	const uint64_t a[6] = { 0x5412, 0x5412, 0x10000000, 0, 0, 0 };
	unsigned checked = 0;

	build(&pol);
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		struct emu_road_decision d;

		if (emu_road_resolve(NULL, nr, &d) != 0 || d.road != EMU_ROAD_NATIVE || d.ncond)
			continue;
		ck_assert_uint_eq(verdict6(&filt, AUDIT_ARCH_X86_64, nr, a), SECCOMP_RET_ALLOW);
		ck_assert_msg(beyond_nr_arch_loads == 0, "%s (%d) reads args: out of the action cache",
			      emu_syscall_name(nr), nr);
		checked++;
	}
	ck_assert_uint_gt(checked, 250);
	/* ...and a conditional one does read them (the check is not vacuous). */
	verdict6(&filt, AUDIT_ARCH_X86_64, __NR_ioctl, a);
	ck_assert_uint_gt(beyond_nr_arch_loads, 0);
}
END_TEST

START_TEST(test_seccomp_fini_idempotent)
{
	build(NULL);
	hy_seccomp_fini(&filt);
	ck_assert_ptr_null(filt.insns);
	ck_assert_uint_eq(filt.len, 0);
	hy_seccomp_fini(&filt);
}
END_TEST

static Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *interp = tcase_create("interpreter");
	TCase *tc = tcase_create("filter");

	tcase_add_test(interp, test_seccomp_interpreter_sanity);
	tcase_add_test(interp, test_seccomp_interpreter_rejects_unknown_opcode);
	suite_add_tcase(s, interp);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_seccomp_default_native);
	tcase_add_test(tc, test_seccomp_default_denied_go_to_supervisor);
	tcase_add_test(tc, test_seccomp_default_emulated_go_to_supervisor);
	tcase_add_test(tc, test_seccomp_ioctl_tty_injection);
	tcase_add_test(tc, test_seccomp_clone_unshare_userns);
	tcase_add_test(tc, test_seccomp_foreign_arch);
	tcase_add_test(tc, test_seccomp_x32_not_allowed);
	tcase_add_test(tc, test_seccomp_unassigned_not_allowed);
	tcase_add_test(tc, test_seccomp_everything_else_is_user_notif);
	tcase_add_test(tc, test_seccomp_policy_overrides);
	tcase_add_test(tc, test_seccomp_locked_cannot_be_opened);
	tcase_add_test(tc, test_seccomp_sweep_default);
	tcase_add_test(tc, test_seccomp_sweep_args);
	tcase_add_test(tc, test_seccomp_sweep_policy);
	tcase_add_test(tc, test_seccomp_sweep_areas);
	tcase_add_test(tc, test_seccomp_fini_idempotent);
	tcase_add_test(tc, test_seccomp_native_stays_in_action_cache);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(seccomp_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
