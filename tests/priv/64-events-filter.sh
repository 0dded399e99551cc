#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Choosing kinds: `--events-filter kind=...` on hybox run (the --events sink)
# and on hybox events (one follower), with accounting events that follow
# what they account for; the policy file's "events" setting (all,
# denied-only, none) for every sink and follower; unknown kinds refused with
# the list of valid ones.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe python3

scratch_dir
cp "$PROBE" "$SCRATCH/probe"
P=$SCRATCH/probe
kinds() { # FILE: the set of kinds, sorted, one line
	events_query "$1" "' '.join(sorted(set(e['kind'] for e in ev)))"
}
consecutive="[e['seq'] for e in ev] == list(range(1, len(ev) + 1))"

# --- --events-filter on run ---
ev=$TEST_TMP/denied.jsonl
hy run --events "$ev" --events-filter kind=syscall_denied,exit -- /bin/sh -c "$P uname >/dev/null; $P bpf"
assert_rc 0 "run with --events-filter kind=syscall_denied,exit exits 0"
assert_eq "$RUN_OUT" "err EPERM" "the denied call is still denied"
assert_eq "$(kinds "$ev")" "exit syscall_denied" "the sink gets syscall_denied and exit only"
assert_events "$ev" "$consecutive" "seq counts the lines this sink took: 1, 2, ... without gaps"

ev=$TEST_TMP/union.jsonl
hy run --events "$ev" --events-filter kind=syscall_emulated --events-filter kind=start -- "$P" uname
assert_rc 0 "two --events-filter options exit 0"
assert_eq "$(kinds "$ev")" "start syscall_emulated" "repeated --events-filter options add up"

# Accounting follows what it accounts for: suppressed (of syscall) comes with
# syscall_denied, and denied + suppressed still equals what happened.
ev=$TEST_TMP/flood.jsonl
hy run --events "$ev" --events-filter kind=syscall_denied -- "$P" flood 2000
assert_eq "$(kinds "$ev")" "suppressed syscall_denied" "kind=syscall_denied also gets the suppressed events that count denials"
assert_events "$ev" "len(kind('syscall_denied')) + sum(e['count'] for e in kind('suppressed')) == 2000" \
	"denied + suppressed == 2000 through the filter"
ev=$TEST_TMP/flood-exec.jsonl
hy run --events "$ev" --events-filter kind=exec,exit -- "$P" flood 2000
assert_events "$ev" "kind('suppressed') == [] and kind('syscall_denied') == []" \
	"kind=exec,exit: no denial and no suppressed event"

hy run --events "$ev" --events-filter kind=execve -- true
assert_rc 125 "--events-filter kind=execve exits 125"
assert_error_line "^hybox: --events-filter: unknown event kind 'execve' \(valid kinds: start, exit, syscall_denied, syscall_emulated, unimplemented, suppressed, exec, fork, task_exit, lost, policy, syscall, checkpoint, restore\)$" \
	"an unknown kind is named, with every valid kind"
hy run --events "$ev" --events-filter exec -- true
assert_error_line "--events-filter: expected kind=KIND\[,KIND...\], got 'exec'" \
	"a filter without kind= says the expected form"
hy run --events-filter kind=exec -- true
assert_error_line "--events-filter needs --events SINK" "--events-filter without --events is refused"

# --- the policy's "events" setting ---
pol=$TEST_TMP/denied-only.json
echo '{"events": "denied-only"}' >"$pol"
ev=$TEST_TMP/policy-denied-only.jsonl
hy run --policy "$pol" --events "$ev" -- /bin/sh -c "$P uname >/dev/null; $P bpf; $P errno 400"
assert_rc 0 "events: denied-only: run exits 0"
got=$(kinds "$ev")
assert_eq "$got" "exit start syscall_denied unimplemented" \
	"events: denied-only keeps start, denials, unimplemented calls and exit"
assert_events "$ev" "$consecutive" "events: denied-only: seq has no gap"

id=$(tid denied-follow)
bg_start "$HYBOX" run --id "$id" --policy "$pol" -- /bin/sh -c \
	"while [ ! -e $SCRATCH/go ]; do sleep 0.05; done; $P uname >/dev/null; $P bpf >/dev/null"
run=$BG_PID
sock_ready() { [ -S "$HYBOX_STATE_ROOT/$id/events.sock" ]; }
wait_for 20 sock_ready
fol=$TEST_TMP/follower.jsonl
bg_start "$HYBOX" events "$id" >"$fol" 2>"$TEST_TMP/follower.err"
fpid=$BG_PID
followed() { "$HYBOX" stats --json "$id" 2>/dev/null | grep -q '"connected": 1'; }
wait_for 20 followed
touch "$SCRATCH/go"
wait "$fpid"
assert_eq "$?" 0 "a follower of a denied-only container exits 0"
wait "$run"
assert_eq "$(kinds "$fol")" "exit syscall_denied" \
	"events: denied-only applies to followers too (no emulated, exec, fork events)"

echo '{"events": "none"}' >"$TEST_TMP/none.json"
ev=$TEST_TMP/none.jsonl
hy run --policy "$TEST_TMP/none.json" --events "$ev" -- "$P" bpf
assert_rc 0 "events: none: run exits 0"
assert_eq "$RUN_OUT" "err EPERM" "events: none: denials are still enforced"
check "events: none: the sink gets no line" test -f "$ev" -a ! -s "$ev"

# --- --events-filter on hybox events ---
id=$(tid follow-filter)
rm -f "$SCRATCH/go"
bg_start "$HYBOX" run --id "$id" -- /bin/sh -c \
	"while [ ! -e $SCRATCH/go ]; do sleep 0.05; done; $P uname >/dev/null; $P bpf >/dev/null"
run=$BG_PID
wait_for 20 sock_ready
bg_start "$HYBOX" events --events-filter kind=syscall_emulated "$id" >"$fol" 2>"$TEST_TMP/follower.err"
fpid=$BG_PID
wait_for 20 followed
touch "$SCRATCH/go"
wait "$fpid"
assert_eq "$?" 0 "a filtered follower exits 0"
wait "$run"
assert_eq "$(kinds "$fol")" "syscall_emulated" "events --events-filter kind=syscall_emulated: only those"
assert_events "$fol" "[get(e, 'syscall.name') for e in ev] == ['uname']" "the follower got the one uname call"

done_testing
