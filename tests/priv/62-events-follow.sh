#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `hybox events ID` follows a running container through <state dir>/events.sock
# (0600), with or without --events: two followers get the same lines; a
# follower that does not read blocks neither the container nor the other
# followers, and once it reads it gets a {"kind":"lost","source":"client"}
# line whose count accounts exactly for what it missed; two containers at
# once never see each other's events; followers end with exit 0 when the
# container ends; bad ids, bad filters and foreign uids are refused.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe python3

N=20000 # uname calls: ~300 bytes of JSON each, far beyond a follower's 256 KiB queue
scratch_dir
flags=$SCRATCH
cp "$PROBE" "$flags/probe"

# A container that waits for $flags/go.ID, runs COUNT emulated unames, then
# waits for $flags/stop.ID (so followers can be checked while it still runs).
start_box() { # ID COUNT
	bg_start "$HYBOX" run --id "$1" -- /bin/sh -c \
		"while [ ! -e $flags/go.$1 ]; do sleep 0.05; done; $flags/probe uname_loop $2 >/dev/null;
		 while [ ! -e $flags/stop.$1 ]; do sleep 0.05; done"
}
sock_ready() { [ -S "$HYBOX_STATE_ROOT/$1/events.sock" ]; }
# followers ID N: the supervisor counts N connected followers.
followers() {
	[ "$("$HYBOX" stats --json "$1" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["followers"]["connected"])' 2>/dev/null)" = "$2" ]
}
count_uname() { # FILE
	grep -c '"name":"uname"' "$1" 2>/dev/null || true
}
has_uname() { [ "$(count_uname "$1")" -ge "$2" ]; }

c1=$(tid one)
c2=$(tid two)
start_box "$c1" "$N"
run1=$BG_PID
start_box "$c2" 2000
run2=$BG_PID
check "events.sock appears for container one" wait_for 20 sock_ready "$c1"
check "events.sock appears for container two" wait_for 20 sock_ready "$c2"
assert_eq "$(stat -c '%F %a' "$HYBOX_STATE_ROOT/$c1/events.sock" 2>&1)" "socket 600" \
	"events.sock is a socket, mode 0600"

A=$TEST_TMP/a.jsonl B=$TEST_TMP/b.jsonl D=$TEST_TMP/d.jsonl E=$TEST_TMP/e.jsonl
# A and D read at once; B's reader waits for $flags/read (until then hybox
# events blocks on its full stdout pipe and stops reading the socket).
bg_start "$HYBOX" events "$c1" >"$A" 2>"$TEST_TMP/a.err"
fa=$BG_PID
bg_start "$HYBOX" events --json "$c1" >"$D" 2>"$TEST_TMP/d.err"
fd=$BG_PID
bg_start /bin/bash -c "'$HYBOX' events '$c1' 2>'$TEST_TMP/b.err' |
	{ while [ ! -e '$flags/read' ]; do sleep 0.05; done; cat >'$B'; }"
fb=$BG_PID
bg_start "$HYBOX" events "$c2" >"$E" 2>"$TEST_TMP/e.err"
fe=$BG_PID
check "three followers on container one" wait_for 20 followers "$c1" 3
check "one follower on container two" wait_for 20 followers "$c2" 1

touch "$flags/go.$c1" "$flags/go.$c2"
t0=$(date +%s%N)
check "follower A got all $N uname events while B did not read" wait_for 60 has_uname "$A" "$N"
t1=$(date +%s%N)
echo "# $N emulated calls reached follower A in $(((t1 - t0) / 1000000)) ms"
check "follower D got all $N uname events too" wait_for 30 has_uname "$D" "$N"
check "B's reader has not started yet" test ! -e "$flags/read" -a ! -e "$B"
check "container two's follower got its 2000 events meanwhile" wait_for 30 has_uname "$E" 2000

hy stats --json "$c1"
drops=$(python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["followers"]["dropped"])' <<<"$RUN_OUT" 2>&1)
check "stats: the supervisor counts drops for the follower that does not read ($drops)" \
	test "${drops:-0}" -gt 0 2>/dev/null

touch "$flags/read"
lost_seen() { grep -q '"kind":"lost"' "$B" 2>/dev/null && has_uname "$B" 1; }
check "B, once it reads, gets a lost line" wait_for 30 lost_seen
touch "$flags/stop.$c1" "$flags/stop.$c2"

for p in "$fa:A" "$fd:D" "$fb:B" "$fe:E"; do
	wait "${p%%:*}"
	assert_eq "$?" 0 "follower ${p#*:} exits 0 when the container ends"
done
wait "$run1"
assert_eq "$?" 0 "container one exits 0"
wait "$run2"
assert_eq "$?" 0 "container two exits 0"
assert_eq "$(cat "$TEST_TMP/a.err" "$TEST_TMP/b.err" "$TEST_TMP/d.err" "$TEST_TMP/e.err")" "" \
	"followers print nothing on stderr"

seq_ok="all(isinstance(e.get('seq'), int) for e in ev) and [e['seq'] for e in ev] == sorted(set(e['seq'] for e in ev))"
for f in A B D E; do
	assert_events "${!f}" "len(ev) > 0 and $seq_ok" "follower $f: every line is JSON, seq strictly increases"
	assert_events "${!f}" "ev[-1].get('kind') == 'exit'" "follower $f: the container's exit event comes last"
done
assert_events "$A" "kind('lost') == []" "follower A (reading) lost nothing"
assert_events "$D" "kind('lost') == []" "follower D (reading) lost nothing"
assert_events "$A" "len([e for e in kind('syscall_emulated') if get(e, 'syscall.name') == 'uname']) == $N" \
	"follower A: exactly $N uname events"

# Two followers get the same lines: byte for byte on the seqs both have, and
# D (connected after A) has every line A has from D's first seq on.
same=$(python3 - "$A" "$D" <<'PY'
import json, sys
def load(p):
    return {json.loads(l)["seq"]: l for l in open(p) if l.strip()}
a, d = load(sys.argv[1]), load(sys.argv[2])
common = set(a) & set(d)
later = [s for s in a if s >= min(d)]
print(len(common) > 20000 and all(a[s] == d[s] for s in common) and set(later) <= set(d))
PY
)
assert_eq "$same" True "followers A and D received identical lines"

# B: lost lines of source client, each before a delivered event, and
# delivered + lost == what A (which lost nothing) got over the same range.
acct=$(python3 - "$A" "$B" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
b = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
lost = [e for e in b if e["kind"] == "lost"]
got = [e for e in b if e["kind"] != "lost"]
ok_src = all(e.get("source") == "client" and e.get("count", 0) > 0 for e in lost)
ok_pos = all(b[i + 1]["kind"] != "lost" and b[i + 1]["seq"] > b[i]["seq"]
             for i, e in enumerate(b) if e["kind"] == "lost" and i + 1 < len(b))
first = got[0]["seq"]
want = len([e for e in a if e["seq"] >= first])
have = len(got) + sum(e["count"] for e in lost)
print(bool(lost) and ok_src and ok_pos and want == have, len(got), sum(e["count"] for e in lost), want)
PY
)
read -r acct_ok b_got b_lost a_want <<<"$acct"
assert_eq "$acct_ok" True "follower B: lost lines (source client) account exactly for its drops ($b_got delivered + $b_lost lost == $a_want)"

assert_events "$A" "all(get(e, 'container.id') == '$c1' for e in ev)" "container one's followers see only its events"
assert_events "$E" "all(get(e, 'container.id') == '$c2' for e in ev)" "container two's follower sees only its events"
cg1=$(events_query "$A" "get(ev[-1], 'container.cgroup_id')")
cg2=$(events_query "$E" "get(ev[-1], 'container.cgroup_id')")
assert_ne "$cg1" "$cg2" "the two containers have different cgroup ids"
assert_events "$E" "all(get(e, 'container.cgroup_id') == $cg2 for e in ev)" \
	"container two's follower: every event carries its cgroup id"
assert_events "$E" "len([e for e in kind('syscall_emulated') if get(e, 'syscall.name') == 'uname']) == 2000" \
	"container two's follower: its own 2000 uname events, none of container one's"
assert_no_leftovers "$c1"
assert_no_leftovers "$c2"

# --- lifecycle events without --events: the first follower loads tracing ---
id=$(tid trace)
bg_start "$HYBOX" run --id "$id" -- /bin/sh -c \
	"while [ ! -e $flags/go.$id ]; do sleep 0.05; done; /bin/true"
run=$BG_PID
wait_for 20 sock_ready "$id"
bg_start "$HYBOX" events --events-filter kind=exec,exit "$id" >"$TEST_TMP/t.jsonl" 2>"$TEST_TMP/t.err"
ft=$BG_PID
wait_for 20 followers "$id" 1
touch "$flags/go.$id"
wait "$ft"
assert_eq "$?" 0 "exec follower exits 0"
wait "$run"
if grep -q 'events unavailable' "$TEST_TMP/t.err"; then
	skip "exec events: tracing unavailable here ($(head -c 200 "$TEST_TMP/t.err"))"
else
	assert_events "$TEST_TMP/t.jsonl" "any(get(e, 'proc.exe') == '/bin/true' for e in kind('exec'))" \
		"without --events, a follower asking for exec events gets them"
fi
assert_events "$TEST_TMP/t.jsonl" "set(e['kind'] for e in ev) <= {'exec', 'exit', 'lost'} and ev[-1]['kind'] == 'exit'" \
	"--events-filter kind=exec,exit: only those kinds"

# --- refusals ---
hy events "no-such-$$"
assert_rc 125 "events for an unknown id exits 125"
assert_error_line "does not exist" "events for an unknown id: one line saying so"
hy events --events-filter kind=bogus "no-such-$$"
assert_rc 125 "events --events-filter with an unknown kind exits 125"
assert_error_line "--events-filter: unknown event kind 'bogus' \(valid kinds: start, exit, syscall_denied" \
	"events: an unknown kind is named, with the valid ones"
hy events
assert_rc 125 "events without an id exits 125"
hy events --help
assert_rc 0 "events --help exits 0"
assert_contains "$RUN_OUT" '"source":"client"' "events --help explains the client lost line"

id=$(tid perm)
bg_start "$HYBOX" run --id "$id" -- /bin/sh -c "while [ ! -e $flags/stop.$id ]; do sleep 0.05; done"
run=$BG_PID
wait_for 20 sock_ready "$id"
run_capture setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps +dac_override \
	--ambient-caps +dac_override "$HYBOX" events "$id"
assert_rc 125 "events as uid 65534 (with CAP_DAC_OVERRIDE) exits 125"
assert_error_line "uid 65534 is neither root nor the owner" "events: the peer check refuses uid 65534"
raw=$(python3 - "$HYBOX_STATE_ROOT/$id/events.sock" <<'PY'
import socket, sys
out = []
for req in (b'{"op":"follow","kinds":["nope"]}', b'not json', b'{"op":"ps"}'):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(10)
    s.connect(sys.argv[1])
    s.send(req)
    out.append(s.recv(65536).decode())
print("\n".join(out))
PY
)
assert_eq "$(grep -c '"ok": *false' <<<"$raw")" 3 "malformed follow requests are refused with an error reply"
touch "$flags/stop.$id"
wait "$run"
assert_eq "$?" 0 "the container is unaffected by refused followers"
assert_no_leftovers "$id"

done_testing
