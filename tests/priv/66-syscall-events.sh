#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --trace-syscalls: one "syscall" event per system call of the container's
# tasks (BPF sys_enter/sys_exit, filtered by cgroup id), with name, number,
# return value and duration, in the same seq space as the other events; the
# per-number counts in `hybox stats`; a ring shrunk with --events-ring-size
# and flooded reports what it dropped in "lost" events; bad sizes are refused.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe python3 bpf_tracing

scratch_dir || _t_skip_all "cannot make a directory outside /tmp"
cp "$PROBE" "$SCRATCH/probe"
P=$SCRATCH/probe
getpids="[e for e in kind('syscall') if get(e, 'syscall.name') == 'getpid']"

# --- exactly N events for N calls (a ring large enough to lose nothing) -------
EV=$TEST_TMP/exact.jsonl
hy run --id "$(tid exact)" --trace-syscalls --events-ring-size 16M --events "$EV" -- "$P" getpid 5000
assert_rc 0 "a traced run exits 0"
assert_events "$EV" "len($getpids) == 5000" "5000 getpid calls give exactly 5000 syscall events"
assert_events "$EV" "len(kind('lost')) == 0" "nothing lost with a 16 MiB ring"
assert_events "$EV" "[get(e, 'seq') for e in ev] == list(range(1, len(ev) + 1))" \
	"seq runs from 1 without a gap across every kind"
assert_events "$EV" "all(get(e, 'proc.comm') == 'probe' and get(e, 'syscall.nr') == 39 and get(e, 'syscall.arch') == 'x86_64' and get(e, 'ret') == 2 and get(e, 'duration_ns') > 0 for e in $getpids)" \
	"each names the task, nr 39, x86_64, the container pid (2) as ret and a duration"
assert_events "$EV" "any(get(e, 'syscall.name') == 'execve' for e in kind('syscall')) and get(ev[0], 'kind') == 'start' and get(ev[-1], 'kind') == 'exit'" \
	"the exec is traced too, between start and exit"
EV=$TEST_TMP/fail.jsonl
hy run --id "$(tid fail)" --trace-syscalls --events "$EV" -- "$P" open /nonexistent r
assert_events "$EV" "any(get(e, 'syscall.name') == 'openat' and get(e, 'ret') == -2 and get(e, 'errno') == 'ENOENT' for e in kind('syscall'))" \
	"a failed call carries its negative ret and errno name (openat ENOENT)"

# --- without the option: no syscall events ------------------------------------
EV=$TEST_TMP/plain.jsonl
hy run --id "$(tid plain)" --events "$EV" -- "$P" getpid 100
assert_events "$EV" "len(kind('syscall')) == 0" "without --trace-syscalls no syscall events"

# --- stats: the counts by number while the container runs -----------------------
id=$(tid stats)
bg_start "$HYBOX" run --id "$id" --trace-syscalls -- /bin/sh -c \
	"$P getpid 3000 >/dev/null; echo at 1; while [ ! -e $SCRATCH/stop ]; do sleep 0.05; done" \
	>"$TEST_TMP/out"
run=$BG_PID
check "the traced container reaches its pause point" wait_for 30 grep -qx "at 1" "$TEST_TMP/out"
hy stats --json "$id"
n=$(printf '%s' "$RUN_OUT" | python3 -c 'import json,sys; t=json.load(sys.stdin)["traced"]; print([e["count"] for e in t if e["name"] == "getpid"][0])' 2>&1)
# 3000 from the probe, and the shell's own getpid or two.
check "stats: traced getpid count is 3000..3002 ($n)" test "$n" -ge 3000 -a "$n" -le 3002
hy stats "$id"
assert_match "$RUN_OUT" "getpid +39 +300[0-2]" "stats (text): getpid among the top syscalls"
touch "$SCRATCH/stop"
wait "$run"
assert_eq "$?" 0 "the traced container ends with 0"

# --- overload: a one-page ring, flooded -----------------------------------------
EV=$TEST_TMP/flood.jsonl
hy run --id "$(tid flood)" --trace-syscalls --events-ring-size 4K --events "$EV" -- "$P" getpid 100000
assert_rc 0 "a flooded run exits 0"
assert_events "$EV" "len(kind('lost')) > 0 and all(get(e, 'source') == 'kernel' and get(e, 'count') > 0 for e in kind('lost'))" \
	"a 4 KiB ring under 100000 calls drops, and says so in lost events (source kernel)"
got=$(events_query "$EV" "len($getpids)")
lost=$(events_query "$EV" "sum(get(e, 'count') for e in kind('lost'))")
check "delivered getpid events ($got) plus the lost counts ($lost) cover every call" \
	test "$got" -le 100000 -a "$((got + lost))" -ge 100000

# --- bad sizes ----------------------------------------------------------------------
for size in 3000 5K 2G abc; do
	hy run --events-ring-size "$size" -- /bin/true
	assert_rc 125 "--events-ring-size $size is refused"
	assert_error_line "--events-ring-size: expected" "--events-ring-size $size: the error says what is expected"
done
done_testing
