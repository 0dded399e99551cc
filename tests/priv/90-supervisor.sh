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
done_testing
