#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The container never outlives its supervisor: SIGKILL of `hybox run` takes
# the whole container down (PDEATHSIG on init, then the pid namespace), and
# the id can be used again at once (stale state directory and cgroup leaf are
# reclaimed). Signals sent to hybox reach the command.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2

id=$(tid killed)
bg_start "$HYBOX" run --id "$id" -- /bin/sleep 1000
sup=$BG_PID
if wait_for 10 sh -c "grep -lsE -- '/hybox/$id\$' /proc/[0-9]*/cgroup | grep -q ."; then
	ok "the container's sleep runs in its cgroup leaf"
else
	not_ok "the container's sleep runs in its cgroup leaf"
fi
kill -KILL "$sup"
wait "$sup" 2>/dev/null
gone() { ! grep -lsE -- "/hybox/$id\$" /proc/[0-9]*/cgroup | grep -q .; }
if wait_for 5 gone; then
	ok "SIGKILL of the supervisor kills every task of the container"
else
	not_ok "SIGKILL of the supervisor kills every task of the container" "$(leftovers "$id")"
fi
hy run --id "$id" -- /bin/sh -c 'echo again'
assert_rc 0 "the id of a killed supervisor can be reused"
assert_eq "$RUN_OUT" "again" "the reused id runs the new command"
assert_no_leftovers "$id"

# SIGTERM to hybox is forwarded to the command, which can handle it.
id=$(tid term)
bg_start "$HYBOX" run --id "$id" -- /bin/sh -c 'trap "echo got-term; exit 42" TERM; while :; do sleep 0.05; done'
sup=$BG_PID
wait_for 10 test -d "$HYBOX_STATE_ROOT/$id" && sleep 0.3
kill -TERM "$sup"
wait "$sup"
assert_eq "$?" 42 "SIGTERM to hybox reaches the command (its handler exits 42)"
assert_no_leftovers "$id"

# Without a handler, SIGTERM kills the command: hybox exits 128+15.
id=$(tid term2)
bg_start "$HYBOX" run --id "$id" -- /bin/sleep 1000
sup=$BG_PID
wait_for 10 test -d "$HYBOX_STATE_ROOT/$id" && sleep 0.3
kill -TERM "$sup"
wait "$sup"
assert_eq "$?" 143 "SIGTERM kills a command without a handler: exit 143"
assert_no_leftovers "$id"

# Once the container runs, every thread of the supervisor is under its own
# seccomp filter, and what the filter leaves out fails there with EPERM.
id=$(tid confined)
bg_start "$HYBOX" run --id "$id" -- /bin/sleep 1000
sup=$BG_PID
# The last phase installs it: wait for the control socket, then a moment.
wait_for 10 test -S "$HYBOX_STATE_ROOT/$id/control.sock" && sleep 0.3
modes=$(cat /proc/"$sup"/task/*/status 2>/dev/null | sed -n 's/^Seccomp:[[:space:]]*//p' | sort -u)
nthreads=$(find /proc/"$sup"/task -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
assert_eq "$modes" 2 "every supervisor thread ($nthreads) runs in seccomp filter mode (Seccomp: 2)"
check "the supervisor has threads besides the main one (kernel-emu, control)" test "$nthreads" -ge 2
# CAP_SYS_MODULE (16), CAP_SYS_BOOT (22), CAP_SYS_TIME (25): never the supervisor's.
caps_of() { # PID FIELD: the hex mask
	sed -n "s/^$2:[[:space:]]*//p" /proc/"$1"/status
}
for field in CapEff CapPrm CapBnd; do
	mask=$(caps_of "$sup" "$field")
	check "the supervisor's $field ($mask) has no CAP_SYS_MODULE, CAP_SYS_BOOT, CAP_SYS_TIME" \
		test $(((0x${mask:-ffffffffffffffff} >> 16 | 0x${mask:-ffffffffffffffff} >> 22 | 0x${mask:-ffffffffffffffff} >> 25) & 1)) = 0
done
check "the supervisor keeps CAP_SYS_ADMIN (21) and CAP_SYS_PTRACE (19) to serve" \
	test $(((0x$(caps_of "$sup" CapEff) >> 21 & 0x$(caps_of "$sup" CapEff) >> 19) & 1)) = 1
hy ps "$id"
assert_rc 0 "the confined supervisor still answers ps"
# A stop interrupts its threads' polls; the kernel resumes them with
# restart_syscall, which the filter must allow (else they fail with EPERM).
kill -STOP "$sup"
sleep 0.3
kill -CONT "$sup"
sleep 0.3
hy ps "$id"
assert_rc 0 "after SIGSTOP and SIGCONT the supervisor still answers ps"
kill -TERM "$sup"
wait "$sup"
assert_eq "$?" 143 "the confined supervisor still forwards SIGTERM and reaps the command"
assert_no_leftovers "$id"

# A run that exercises its emulated roads under the filter: files, network,
# UTS, sysinfo, exec, and teardown with events.
id=$(tid confined-roads)
hy run --id "$id" --events "$TEST_TMP/confined.jsonl" -- /bin/sh -c \
	'hostname x && uname -n && echo a >/tmp/f && mv /tmp/f /tmp/g && cat /tmp/g && rm /tmp/g && mkdir /tmp/d && rmdir /tmp/d && ln -s /tmp/x /tmp/l && echo ok'
assert_rc 0 "a run through the emulated roads exits 0 under the supervisor filter ($RUN_ERR)"
assert_eq "$RUN_OUT" $'x\na\nok' "and prints what it does natively"
assert_eq "$RUN_ERR" "" "with no warning from the supervisor"
assert_no_leftovers "$id"
# Once the command's tasks are gone, kernel-emu's notifier threads end: the
# kernel answers NOTIF_RECV on a filter without tasks with ENOENT at once,
# every time, and a thread that retried would spin on the CPUs the teardown
# needs (it cost /bin/true runs a third of their time). strace counts the
# failed ioctls of one run: a handful, not hundreds.
if command -v strace >/dev/null; then
	id=$(tid no-spin)
	strace -f -qq -c -e trace=ioctl -o "$TEST_TMP/ioctl.txt" "$HYBOX" run --id "$id" -- /bin/true
	assert_eq "$?" 0 "a run of /bin/true under strace exits 0"
	failed=$(awk '$NF == "ioctl" { print NF == 6 ? $5 : 0 }' "$TEST_TMP/ioctl.txt")
	check "the notifier threads do not retry NOTIF_RECV after the command exits (${failed:-?} failed ioctls)" \
		test "${failed:-999}" -lt 20
	assert_no_leftovers "$id"
else
	skip "strace is not installed (notifier threads end with their filter)"
fi
done_testing
