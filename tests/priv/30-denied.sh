#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Default syscall policy: the dangerous syscalls fail with EPERM (clone3 with
# ENOSYS so libc falls back to clone), the 32-bit entries do not reach the
# x86_64 syscalls, and a denial is reported as exactly one syscall_denied event.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe python3

# probe subcommand, expected output inside, syscall name in the event.
denied=(
	"bpf:err EPERM:bpf"
	"open_by_handle_at:err EPERM:open_by_handle_at"
	"perf_event_open:err EPERM:perf_event_open"
	"userfaultfd:err EPERM:userfaultfd"
	"io_uring_setup:err EPERM:io_uring_setup"
	"kexec_load:err EPERM:kexec_load"
	"init_module:err EPERM:init_module"
	"keyctl:err EPERM:keyctl"
	"ptrace:err EPERM:ptrace"
	"mount:err EPERM:mount"
	"unshare_user:err EPERM:unshare"
	"clone_newuser:err EPERM:clone"
	"clone3:err ENOSYS:"
)

for entry in "${denied[@]}"; do
	IFS=: read -r sub want sys <<<"$entry"
	id=$(tid "$sub")
	ev="$TEST_TMP/$sub.jsonl"
	hy run --id "$id" --events "$ev" -- "$PROBE" "$sub"
	host=$("$PROBE" "$sub" 2>&1)
	if [ "$RUN_OUT" = "$want" ]; then
		ok "probe $sub: $want (host: $host)"
	else
		not_ok "probe $sub: $want" "got: $RUN_OUT (exit $RUN_RC)" "stderr: $RUN_ERR" "host: $host"
	fi
	# The probes' bogus arguments never give EPERM when the syscall is allowed,
	# but a dropped capability could: the event proves the policy denied it.
	if [ -n "$sys" ]; then
		assert_events "$ev" "any(get(e, 'syscall.name') == '$sys' and e.get('decision') == 'deny' for e in kind('syscall_denied'))" \
			"probe $sub: a syscall_denied event names $sys"
	fi
done
assert_no_leftovers "$(tid bpf)"

# The 32-bit entries: an error (ENOSYS, EPERM...) or a fault, never a pid.
for sub in x32 int80; do
	hy run -- "$PROBE" "$sub"
	assert_match "$RUN_OUT" "^err (E[A-Z0-9]+|SIGSEGV|SIGSYS)$" "probe $sub: the 32-bit syscall does not run (host: $("$PROBE" "$sub"))"
done

# The probe itself works: allowed syscalls succeed inside.
hy run -- "$PROBE" open /proc/self/status
assert_eq "$RUN_OUT" "ok" "control: open(/proc/self/status) is allowed"
hy run -- "$PROBE" exec /bin/true
assert_eq "$RUN_OUT" "ok" "control: execve(/bin/true) is allowed"
hy run -- "$PROBE" errno getppid
assert_eq "$RUN_OUT" "ok" "control: getppid is allowed"

# One bpf() call: exactly one syscall_denied event, fully described.
id=$(tid bpf-one)
ev="$TEST_TMP/bpf-one.jsonl"
hy run --id "$id" --events "$ev" -- "$PROBE" bpf
assert_eq "$RUN_OUT" "err EPERM" "one bpf call: EPERM"
assert_events "$ev" "len(kind('syscall_denied')) == 1" "one bpf call: exactly one syscall_denied event"
d="kind('syscall_denied')[0]"
assert_events "$ev" "get($d, 'syscall.name') == 'bpf'" "denied event: syscall.name is bpf"
assert_events "$ev" "get($d, 'syscall.nr') == 321" "denied event: syscall.nr is 321 (x86_64)"
assert_events "$ev" "get($d, 'decision') == 'deny'" "denied event: decision is deny"
assert_events "$ev" "get($d, 'errno') == 'EPERM'" "denied event: errno is EPERM"
assert_events "$ev" "get($d, 'container.id') == '$id'" "denied event: container.id is the --id"
assert_events "$ev" "get($d, 'proc.comm') == 'probe' and isinstance(get($d, 'proc.pid'), int) and isinstance(get($d, 'proc.tid'), int)" \
	"denied event: proc has pid, tid and comm probe"
assert_no_leftovers "$id"

done_testing
