#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `hybox stats [--json] ID`: the supervisor's counters over the control
# socket, with or without --events: events per kind, kernel-emu's decisions
# per syscall (emulate, deny, unimplemented) with rate-limited denials
# counted apart, policy decisions by area, what the --events sink wrote and
# filtered, and the BPF rings' counters when they are loaded.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe python3

scratch_dir
cp "$PROBE" "$SCRATCH/probe"
P=$SCRATCH/probe

# js JSON EXPR: evaluate a Python expression over the parsed stats (s).
js() {
	python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>&1
}
ctl_ready() { [ -S "$HYBOX_STATE_ROOT/$1/control.sock" ]; }
# The default policy lets the container write only its own /tmp: it says
# where it is on its stdout instead.
at_step() { grep -qx "at $1" "$TEST_TMP/out" 2>/dev/null; }

# Without --events: 500 emulated unames, a denial, an unknown syscall, 1500
# more denials in a burst (the rate limit lets ~1000 through as events), then
# after 1.1 s one more denial, which reports what was suppressed.
id=$(tid plain)
bg_start "$HYBOX" run --id "$id" -- /bin/sh -c \
	"$P uname_loop 500 >/dev/null; $P bpf >/dev/null; $P errno 400 >/dev/null; $P flood 1500 >/dev/null;
	 sleep 1.1; $P bpf >/dev/null; echo at 1;
	 while [ ! -e $SCRATCH/stop.1 ]; do sleep 0.05; done" >"$TEST_TMP/out"
run=$BG_PID
check "the container reaches its pause point" wait_for 30 at_step 1
hy stats --json "$id"
assert_rc 0 "stats --json exits 0"
s=$RUN_OUT
assert_eq "$(js "$s" "s['id']")" "$id" "stats: the container id"
assert_eq "$(js "$s" "s['syscalls']['decisions']['emulate'] >= 500")" True \
	"stats: at least the 500 emulated calls (without --events: counted, not written)"
assert_eq "$(js "$s" "[e['count'] for e in s['syscalls']['by_syscall'] if e['name'] == 'uname' and e['decision'] == 'emulate'][0] >= 500")" True \
	"stats: uname counted per syscall"
assert_eq "$(js "$s" "sum(e['count'] for e in s['syscalls']['by_syscall'] if e['name'] == 'bpf' and e['decision'] == 'deny') + s['syscalls']['suppressed']")" 1502 \
	"stats: bpf denials as events + suppressed by the rate limit == 1502 exactly"
assert_eq "$(js "$s" "s['syscalls']['suppressed'] > 0 and s['syscalls']['decisions']['unimplemented'] >= 1")" True \
	"stats: rate-limited denials counted apart; the unknown syscall as unimplemented"
assert_eq "$(js "$s" "[e['nr'] for e in s['syscalls']['by_syscall'] if e['decision'] == 'unimplemented']")" "[400]" \
	"stats: the unimplemented call under its number"
assert_eq "$(js "$s" "s['events']['produced'] == sum(s['events']['by_kind'].values()) and s['events']['by_kind']['start'] == 1")" True \
	"stats: produced is the sum of the per-kind counts, one start"
assert_eq "$(js "$s" "s['sinks'] == [] and s['events']['numbered'] == 0")" True \
	"stats: no --events and no follower: no sink, no event numbered"
assert_eq "$(js "$s" "s['bpf']['loaded']")" False "stats: BPF trace not loaded when nobody asked for it"
hy stats "$id"
assert_rc 0 "stats (text) exits 0"
for h in "Container $id" "Events produced" "Sinks" "BPF rings" "Syscalls decided by kernel-emu" \
	"Policy decisions"; do
	assert_contains "$RUN_OUT" "$h" "stats text: section '$h'"
done
assert_match "$RUN_OUT" $'\n  uname +63 +emulate +[0-9]+' "stats text: a row for uname"
assert_match "$RUN_OUT" "suppressed by the rate limit [1-9]" "stats text: the suppressed count"
touch "$SCRATCH/stop.1"
wait "$run"
assert_eq "$?" 0 "the container exits 0"

# With --events FILE (a filter that leaves the idle loop silent) and a files
# policy: the sink's written count, policy decisions by area.
pol=$TEST_TMP/files.json
echo '{"files": [{"path": "/", "access": "rx"}, {"path": "/dev/null", "access": "rw"}]}' >"$pol"
ev=$TEST_TMP/ev.jsonl
id=$(tid sink)
bg_start "$HYBOX" run --id "$id" --policy "$pol" --events "$ev" \
	--events-filter kind=start,syscall_emulated,syscall_denied,policy -- /bin/sh -c \
	"$P uname_loop 20 >/dev/null; $P errno 400 >/dev/null; $P open /etc/hostname w >/dev/null;
	 while [ ! -e $SCRATCH/stop.2 ]; do sleep 0.05; done"
run=$BG_PID
seen() { grep -q '"kind":"policy"' "$ev" 2>/dev/null; }
if wait_for 30 seen; then
	ok "the container's write under a read-only files rule became a policy event"
else
	not_ok "the container's write under a read-only files rule became a policy event" "$(tail -n 3 "$ev" 2>&1)"
fi
sleep 0.5
hy stats --json "$id"
s=$RUN_OUT
lines=$(grep -c '' "$ev")
assert_eq "$(js "$s" "[k['type'] for k in s['sinks']]")" "['file']" "stats: the --events file is a sink"
assert_eq "$(js "$s" "s['sinks'][0]['written']")" "$lines" "stats: the sink's written count is the file's line count ($lines)"
assert_eq "$(js "$s" "s['sinks'][0]['filtered'] == s['events']['produced'] - $lines >= 1")" True \
	"stats: the sink's filtered count (the unimplemented call its filter leaves out)"
assert_eq "$(js "$s" "(s['sinks'][0]['rotations'], s['sinks'][0]['errors'], s['sinks'][0]['dropped'])")" "(0, 0, 0)" \
	"stats: no rotation, no write error, no drop for the file sink"
assert_eq "$(js "$s" "s['policy']['by_area']['files']['deny'] >= 1")" True "stats: the files denial by area"
assert_eq "$(js "$s" "s['policy']['by_road']['emulated'] + s['policy']['by_road']['bpf-lsm'] == sum(a['deny'] + a['audit'] for a in s['policy']['by_area'].values())")" True \
	"stats: policy decisions by road add up to those by area"
assert_eq "$(js "$s" "s['events']['numbered'] == $lines")" True "stats: numbered == lines written (a single sink)"
touch "$SCRATCH/stop.2"
wait "$run"

hy stats "no-such-$$"
assert_rc 125 "stats of an unknown id exits 125"
assert_error_line "does not exist" "stats of an unknown id: one line"
hy stats --help
assert_rc 0 "stats --help exits 0"
assert_contains "$RUN_OUT" "native road" "stats --help says the native road is not counted"

done_testing
