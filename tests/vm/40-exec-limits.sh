#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `hybox exec` in a container under an enforced --memory 32M: a shell that
# prints, a dd within the limit, several execs in a row, no OOM kill in
# memory.events, nothing left behind in the cgroup; and one over the limit,
# OOM-killed, after which exec still works. The guest's supervisor runs with
# the kernel's default soft RLIMIT_NOFILE (1024), which once stopped the
# exec server at its first poll(2) (every exec hung, then died of the
# harness's SIGKILL: 137). Runs inside the VM only.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
# shellcheck source=vmlib.sh
. "$(dirname "$0")/vmlib.sh"
require root cgroup2 probe

# A hang is a failure here, not a wait for the VM's timeout.
export HYBOX_TEST_TIMEOUT=15
echo "# RLIMIT_NOFILE soft limit in the guest: $(ulimit -Sn)"

id=$(tid execmem)
bg_start "$HYBOX" run --id "$id" --memory 32M -- sleep 1000 2>"$TEST_TMP/run.err"
sup=$BG_PID
cg="$(cg2_mount)/hybox/$id"
running() { "$HYBOX" ps "$id" >/dev/null 2>&1; }
check "the container runs" wait_for 20 running
assert_eq "$(cat "$cg/memory.max" 2>&1)" 33554432 "--memory 32M is memory.max 33554432"
procs_before=$(sort "$cg/cgroup.procs" | tr '\n' ' ')
events() { awk -v k="$1" '$1 == k { print $2 }' "$cg/memory.events"; }

hy exec "$id" /bin/sh -c 'echo hello; cat /proc/self/cgroup'
assert_eq "$RUN_RC" 0 "exec: a shell exits 0 (${RUN_ERR:-no error})"
assert_eq "$(head -n 1 <<<"$RUN_OUT")" hello "exec: its output reaches the caller"
assert_eq "$(tail -n 1 <<<"$RUN_OUT")" "0::/" "exec: it sees the container's cgroup as its root (cgroup namespace)"
hy exec "$id" dd if=/dev/zero of=/dev/null bs=4M count=4
assert_eq "$RUN_RC" 0 "exec: dd with a 4 MiB buffer runs within the limit (${RUN_ERR##*$'\n'})"
n=0
for i in 1 2 3 4 5 6; do
	hy exec "$id" echo "n$i"
	[ "$RUN_RC $RUN_OUT" = "0 n$i" ] || break
	n=$((n + 1))
done
assert_eq "$n" 6 "exec: six execs in a row, each prints and exits 0"
assert_eq "$(events oom_kill)" 0 "memory.events: no oom_kill"
assert_eq "$(sort "$cg/cgroup.procs" | tr '\n' ' ')" "$procs_before" \
	"cgroup.procs: init and the command only, the exec'd processes gone"

# The limit applies to exec'd processes: over it, one is OOM-killed, the
# container goes on, and exec still works.
hy exec "$id" dd if=/dev/zero of=/dev/null bs=64M count=1
assert_eq "$RUN_RC" 137 "exec: dd with a 64 MiB buffer is OOM-killed (SIGKILL)"
assert_eq "$(events oom_kill)" 1 "memory.events: one oom_kill, that dd"
hy exec "$id" echo after
assert_eq "$RUN_RC $RUN_OUT" "0 after" "exec after the OOM kill still works"
check "the container's command still runs" running

"$HYBOX" kill "$id" KILL >/dev/null 2>&1
wait "$sup" 2>/dev/null
check "the supervisor said nothing on stderr" test ! -s "$TEST_TMP/run.err"
sed 's/^/# run: /' "$TEST_TMP/run.err"
assert_no_leftovers "$id"
done_testing
