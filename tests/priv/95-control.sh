#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The control socket: `hybox ps|kill|pause|resume ID` reach a running
# supervisor through <state dir>/control.sock (0600). ps lists host and
# container pids; kill signals the command or (--all) the whole cgroup;
# pause/resume freeze and thaw the leaf; unknown ids, malformed requests and
# non-root peers are refused.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 python3

CG=$(cg2_mount)

# raw_request ID JSON: send one raw request over the socket, print the reply.
raw_request() {
	python3 - "$HYBOX_STATE_ROOT/$1/control.sock" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(10)
s.connect(sys.argv[1])
s.send(sys.argv[2].encode())
print(s.recv(1 << 20).decode())
PY
}

id=$(tid ps)
bg_start "$HYBOX" run --id "$id" -- /bin/sh -c 'sleep 1000 & sleep 1000 & wait'
sup=$BG_PID
sock=$HYBOX_STATE_ROOT/$id/control.sock
three() { [ "$("$HYBOX" ps --json "$id" 2>/dev/null | grep -c '"cpid"')" -ge 4 ]; }
wait_for 10 three
assert_eq "$(stat -c '%F %a' "$sock" 2>&1)" "socket 600" "control.sock is a socket, mode 0600"
hy ps "$id"
assert_rc 0 "ps exits 0"
assert_match "$(head -n 1 <<<"$RUN_OUT")" '^PID +CPID +PPID +STAT +CMD' "ps prints a header"
assert_match "$RUN_OUT" $'\n[0-9]+ +2 +[0-9]+ +S +/bin/sh -c sleep 1000' "ps: the command is container pid 2"
assert_eq "$(grep -cE '^[0-9]+ +[34] +[0-9]+ +S +sleep 1000$' <<<"$RUN_OUT")" 2 \
	"ps: both sleeps are listed with container pids 3 and 4"
hostpid=$(awk '$2 == 2 { print $1 }' <<<"$RUN_OUT")
assert_match "$(cat "/proc/$hostpid/cgroup" 2>&1)" "0::/hybox/$id" "ps's PID column is the host pid"
hy ps --json "$id"
assert_eq "$(python3 -c 'import json,sys; p=json.load(sys.stdin); print(sorted(t["cpid"] for t in p))' <<<"$RUN_OUT")" \
	"[1, 2, 3, 4]" "ps --json: container pids 1..4"
assert_eq "$(python3 -c 'import json,sys; p={t["cpid"]: t for t in json.load(sys.stdin)}
print([p[c]["cppid"] for c in (1, 2, 3, 4)], all(t["threads"] == 1 for t in p.values()),
      p[1]["started"] == 0 and all(0 <= t["started"] < 30 for t in p.values()))' <<<"$RUN_OUT")" \
	"[0, 1, 2, 2] True True" "ps --json: parents' container pids, thread counts, start times after init's"
pids_json=$(python3 -c 'import json,sys; print(sorted(t["pid"] for t in json.load(sys.stdin)))' <<<"$RUN_OUT")
hy ps --format json "$id"
assert_eq "$(python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)))' <<<"$RUN_OUT")" "$pids_json" \
	"ps --format json (runc's): a JSON array of the host pids"
hy ps --format yaml "$id"
assert_rc 125 "ps --format yaml exits 125"
assert_match "$(raw_request "$id" '{"op":"state"}')" \
	"\"ok\": ?true.*\"id\": ?\"$id\".*\"pid\": ?$hostpid.*\"status\": ?\"running\"" \
	"op state: id, pid of the command, running"

# Malformed or hostile requests get an error reply; the server keeps serving.
for req in 'not json' '{"op":"reboot"}' '{"op":"kill","signal":0}' '{"op":"kill","signal":65}' \
	'{"op":"kill","signal":"9"}' '{"op":"kill"}' '{"op":"ps","x":1}' '[1,2]' \
	'{"op":"kill","signal":9,"all":1}'; do
	assert_match "$(raw_request "$id" "$req")" '"ok": ?false.*"error"' "request $req is refused"
done
big=$(python3 -c 'print("{\"op\":\"ps\",\"pad\":\"" + "x" * 8000 + "\"}")')
assert_match "$(raw_request "$id" "$big")" 'larger than' "an oversized request is refused"

# Only root (or the owner) may connect: the socket's mode stops a plain user,
# the peer-credential check stops one that can bypass file permissions.
hy_nobody() { run_capture setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
hy_nobody "$HYBOX" ps "$id"
assert_rc 125 "ps as uid 65534 exits 125"
assert_error_line "permission denied" "ps as uid 65534: permission denied"
hy_nobody --inh-caps +dac_override --ambient-caps +dac_override "$HYBOX" kill --all "$id" KILL
assert_error_line "uid 65534 is neither root nor the owner" \
	"uid 65534 with CAP_DAC_OVERRIDE is refused by the peer check"
hy ps "$id"
assert_rc 0 "the container still runs after the refused requests"

# pause / resume through cgroup.freeze.
hy pause "$id"
assert_rc 0 "pause exits 0"
assert_eq "$(cat "$CG/hybox/$id/cgroup.freeze")" 1 "pause: cgroup.freeze is 1"
assert_file_has "$CG/hybox/$id/cgroup.events" '^frozen 1$' "pause: cgroup.events says frozen 1"
assert_match "$(raw_request "$id" '{"op":"state"}')" '"status": ?"paused"' "op state: paused"
hy resume "$id"
assert_rc 0 "resume exits 0"
assert_eq "$(cat "$CG/hybox/$id/cgroup.freeze")" 0 "resume: cgroup.freeze is 0"
assert_file_has "$CG/hybox/$id/cgroup.events" '^frozen 0$' "resume: cgroup.events says frozen 0"

# kill --all KILL ends everything: hybox exits 137, nothing is left.
hy kill --all "$id" KILL
assert_rc 0 "kill --all KILL exits 0"
wait "$sup"
assert_eq "$?" 137 "hybox run exits 137 after kill --all KILL"
assert_no_leftovers "$id"
hy ps "$id"
assert_rc 125 "ps of the ended container exits 125"
assert_error_line "container '$id' does not exist \(no $HYBOX_STATE_ROOT/$id\)" \
	"ps of the ended container: does not exist"

# kill TERM reaches the command's handler; the default signal is TERM.
for sig in TERM SIGTERM 15 ""; do
	id=$(tid "term$sig")
	bg_start "$HYBOX" run --id "$id" -- /bin/sh -c 'trap "exit 42" TERM; while :; do sleep 0.05; done'
	sup=$BG_PID
	wait_for 10 test -S "$HYBOX_STATE_ROOT/$id/control.sock" && sleep 0.3
	# shellcheck disable=SC2086 # an empty $sig means "no argument"
	hy kill "$id" $sig
	assert_rc 0 "kill ${sig:-(default)} exits 0"
	wait "$sup"
	assert_eq "$?" 42 "kill ${sig:-(default)} reaches the command's TERM handler (exit 42)"
	assert_no_leftovers "$id"
done

# kill --all with a catchable signal reaches every task (init ignores it).
id=$(tid usr1)
bg_start "$HYBOX" run --id "$id" -- /bin/sh -c 'sleep 1000 & wait'
sup=$BG_PID
wait_for 10 three || wait_for 10 test -S "$HYBOX_STATE_ROOT/$id/control.sock"
sleep 0.3
hy kill --all "$id" USR1
assert_rc 0 "kill --all USR1 exits 0"
wait "$sup"
assert_eq "$?" 138 "kill --all USR1 ends the command (exit 128+10)"
assert_no_leftovers "$id"

hy ps does-not-exist
assert_rc 125 "ps of an unknown id exits 125"
assert_error_line "container 'does-not-exist' does not exist \(no $HYBOX_STATE_ROOT/does-not-exist\)" \
	"ps of an unknown id names the missing directory"
hy kill does-not-exist NOSUCHSIG
assert_rc 125 "kill with an unknown signal exits 125"
assert_error_line "unknown signal 'NOSUCHSIG'" "kill names the unknown signal"
for verb in ps kill pause resume; do
	hy "$verb" --help
	assert_match "$RUN_RC $RUN_OUT" "^0 Usage: hybox $verb" "$verb --help"
done

# A stale directory (supervisor gone, socket left): a clear message.
id=$(tid stale)
mkdir -p "$HYBOX_STATE_ROOT/$id"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX,socket.SOCK_SEQPACKET); s.bind(sys.argv[1])' \
	"$HYBOX_STATE_ROOT/$id/control.sock"
hy pause "$id"
assert_rc 125 "pause of a stale container exits 125"
assert_error_line "not running: its supervisor is gone \(stale state directory" "stale: clear message"
rm -rf "${HYBOX_STATE_ROOT:?}/$id"
done_testing
