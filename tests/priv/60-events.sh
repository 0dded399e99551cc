#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Events (JSON Lines): start/exit, seq, container id, exit status, emulated
# syscalls, and the rate limit on denials (100/s, burst 1000) with
# "suppressed" events that account for every dropped event.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe python3

seq_ok="[get(e, 'seq') for e in ev] == sorted(set(get(e, 'seq') for e in ev)) and ev[0].get('seq') == 1 and all(isinstance(get(e, 'seq'), int) for e in ev)"
common_ok() { # ID
	echo "all(isinstance(e.get('time'), (str, int, float)) and e.get('kind') and get(e, 'container.id') == '$1' for e in ev)"
}

# --- a plain run to a file ---
id=$(tid file)
ev="$TEST_TMP/file.jsonl"
hy run --id "$id" --events "$ev" -- /bin/sh -c 'exit 5'
assert_rc 5 "run with --events FILE: exit 5"
check "--events FILE: the file is written" test -s "$ev"
assert_events "$ev" "all(isinstance(e, dict) for e in ev) and len(ev) >= 2" "every line is a JSON object"
assert_events "$ev" "$(common_ok "$id")" "every event has time, kind and container.id == --id"
assert_events "$ev" "$seq_ok" "seq starts at 1 and strictly increases"
assert_events "$ev" "len(kind('start')) == 1 and len(kind('exit')) == 1" "one start and one exit event"
assert_events "$ev" "ev[0].get('kind') == 'start' and ev[-1].get('kind') == 'exit'" "start comes first, exit last"
assert_events "$ev" "get(kind('exit')[0], 'exit.code') == 5 and get(kind('exit')[0], 'exit.signal') in (0, None)" \
	"the exit event records code 5, no signal"
assert_no_leftovers "$id"

id=$(tid signal)
ev="$TEST_TMP/signal.jsonl"
hy run --id "$id" --events "$ev" -- /bin/sh -c 'kill -9 $$; sleep 10'
assert_rc 137 "killed command: exit 137"
assert_events "$ev" "get(kind('exit')[0], 'exit.signal') in (9, 'SIGKILL', 'KILL')" "the exit event records signal 9"

# --- events on stdout ---
id=$(tid stdout)
hy run --id "$id" --events - -- /bin/true
assert_rc 0 "run with --events -: exit 0"
printf '%s\n' "$RUN_OUT" >"$TEST_TMP/stdout.jsonl"
assert_events "$TEST_TMP/stdout.jsonl" "len(ev) >= 2 and $(common_ok "$id")" "--events -: stdout is JSON Lines events for the container"
assert_events "$TEST_TMP/stdout.jsonl" "[e.get('kind') for e in ev][0] == 'start' and ev[-1].get('kind') == 'exit' and $seq_ok" \
	"--events -: start ... exit with seq from 1"

# --- an emulated syscall ---
id=$(tid emulated)
ev="$TEST_TMP/emulated.jsonl"
hy run --id "$id" --events "$ev" -- "$PROBE" sethostname "hyt-ev$$"
assert_eq "$RUN_OUT" "ok" "sethostname inside succeeds"
e="[e for e in kind('syscall_emulated') if get(e, 'syscall.name') == 'sethostname']"
assert_events "$ev" "len($e) == 1" "sethostname produces one syscall_emulated event"
assert_events "$ev" "get(${e}[0], 'syscall.nr') == 170 and get(${e}[0], 'decision') == 'emulate'" \
	"the emulated event: syscall.nr 170, decision emulate"
assert_events "$ev" "get(${e}[0], 'proc.comm') == 'probe' and isinstance(get(${e}[0], 'proc.pid'), int)" \
	"the emulated event: proc.comm probe, proc.pid"
assert_events "$ev" "$seq_ok" "seq strictly increasing with syscall events"

# --- rate limit: 2000 denials in a burst ---
id=$(tid flood)
ev="$TEST_TMP/flood.jsonl"
hy run --id "$id" --events "$ev" -- "$PROBE" flood 2000
assert_eq "$RUN_OUT" "err EPERM" "2000 bpf calls all fail with EPERM"
denied="len([e for e in kind('syscall_denied') if get(e, 'syscall.name') == 'bpf'])"
suppressed="sum(get(e, 'count') or 0 for e in kind('suppressed'))"
got=$(events_query "$ev" "'%d %d %d' % ($denied, $suppressed, len(kind('suppressed')))")
read -r n_denied n_suppressed n_events <<<"$got"
if [[ $n_denied =~ ^[0-9]+$ ]]; then
	ok "flood: events parsed ($n_denied denied, $n_events suppressed events counting $n_suppressed)"
else
	not_ok "flood: events parsed" "$got"
	n_denied=-1 n_suppressed=-1 n_events=0
fi
check "flood: at least the burst (1000) of denied events" test "$n_denied" -ge 1000
check "flood: at most ~1100 denied events (burst + rate)" test "$n_denied" -le 1100
check "flood: at least one suppressed event" test "$n_events" -ge 1
assert_eq "$((n_denied + n_suppressed))" 2000 "flood: denied + suppressed counts == 2000 exactly"
assert_events "$ev" "all(isinstance(get(e, 'count'), int) and get(e, 'count') > 0 for e in kind('suppressed'))" \
	"flood: every suppressed event has a positive integer count"
assert_events "$ev" "$seq_ok" "flood: seq strictly increasing"
assert_events "$ev" "ev[-1].get('kind') == 'exit'" "flood: the exit event is still last"
assert_no_leftovers "$id"

done_testing
