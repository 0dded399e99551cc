#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Checkpoint and restore: `hybox checkpoint` freezes a container, writes its
# image (image.json, image.sum, pages-*.img) and kills it (the run exits
# 137) or, with --leave-running, lets it go on; `hybox restore` runs the image
# in the foreground under a new id and exits with the restored command's
# status. Each program of tests/ckpt (built into build/ckpt) prints "ready",
# is checkpointed and restored, then gets SIGUSR2 and checks its own state
# (counters, memory, threads, a process tree, a file offset, the monotonic
# clock, a sleep in progress): it must print "PASS NAME" and exit 0. Then:
# --leave-running, two generations of checkpoint and restore, damaged images
# (refused with 125, naming the damaged file, leaving nothing behind),
# --check on both verbs, and the usual help and unknown-id errors.
# shellcheck disable=SC2317 # the small predicates are called through wait_for
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 python3

CG=$(cg2_mount)
PROGS="counter memory threads forktree file monotonic sleeper shm events sockpair piperead orphan alarm zombie"
CKPT_DIR=${CKPT_DIR:-${PAYLOAD_DIR:-$REPO_DIR/build/payload}/../ckpt}
[ -d "$CKPT_DIR" ] || _t_skip_all "no checkpoint test programs in $CKPT_DIR (make all)"
# The sandbox does not see a checkout under /tmp: run copies from elsewhere.
scratch_dir || _t_skip_all "cannot make a directory outside /tmp"
for p in $PROGS; do
	[ -x "$CKPT_DIR/$p" ] || _t_skip_all "no $CKPT_DIR/$p (make all)"
	cp "$CKPT_DIR/$p" "$SCRATCH/$p"
done
# file reads it (the container's root is read-only): "0123" before, "4567" after.
printf '0123456789' >"$SCRATCH/data"

# --- helpers -------------------------------------------------------------------

# gone PID: the background job PID has ended (bash has reaped it).
gone() { ! kill -0 "$1" 2>/dev/null; }

# wait_exit PID SECONDS [ID]: wait for the background job PID; sets EXIT_RC to
# its status, or to "timeout" after SECONDS (then PID and container ID are killed).
wait_exit() {
	if wait_for "$2" gone "$1"; then
		wait "$1"
		EXIT_RC=$?
	else
		EXIT_RC="timeout after $2 s"
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		[ -n "${3:-}" ] && "$HYBOX" kill --all "$3" KILL >/dev/null 2>&1
	fi
}

# start_run ID OUT PROG [ARGS...]: `hybox run` in the background, stdout and
# stderr to OUT; sets RUN_PID.
start_run() {
	local id=$1 out=$2
	shift 2
	bg_start "$HYBOX" run --id "$id" -- "$@" >"$out" 2>&1
	RUN_PID=$BG_PID
}

# start_restore ID IMAGE OUT: `hybox restore` in the background, stdout and
# stderr to OUT; sets RST_PID.
start_restore() {
	bg_start "$HYBOX" restore --image "$2" --id "$1" >"$3" 2>&1
	RST_PID=$BG_PID
}

# checkpoint [OPTIONS...] ID DIR: hy checkpoint, options before the id.
checkpoint() {
	local n=$#
	hy checkpoint "${@:1:n-2}" --image "${@:n:1}" "${@:n-1:1}"
}

# ready_or_gone OUT PID: OUT has the "ready" line, or job PID has ended.
ready_or_gone() { grep -qx ready "$1" 2>/dev/null || gone "$2"; }

# listed ID PROG: `hybox ps ID` lists PROG (the program's path: a restorer
# whose command line names the image or the id does not match).
listed() { "$HYBOX" ps "$1" 2>/dev/null | grep -qF -- "$2"; }
listed_or_gone() { listed "$1" "$2" || gone "$3"; }

# wait_ready NAME OUT PID ID: wait for NAME's "ready" line in OUT (one test
# line); on failure the container is killed and 1 returned.
wait_ready() {
	wait_for 30 ready_or_gone "$2" "$3"
	if grep -qx ready "$2"; then
		ok "$1: prints ready inside hybox"
		return 0
	fi
	not_ok "$1: prints ready inside hybox" "$(head -n 20 "$2")"
	"$HYBOX" kill --all "$4" KILL >/dev/null 2>&1
	wait_exit "$3" 10
	return 1
}

# checkpoint_and_end NAME ID IMAGE: checkpoint the running container ID (its
# hybox run or restore is job RUN_PID) into IMAGE; the job must end with 137
# and leave nothing. Returns 1 if the checkpoint failed.
checkpoint_and_end() {
	local rc
	checkpoint "$2" "$3"
	assert_rc 0 "$1: checkpoint exits 0"
	rc=$RUN_RC
	wait_exit "$RUN_PID" 30 "$2"
	assert_eq "$EXIT_RC" 137 "$1: the checkpointed container ends (its hybox exits 137)"
	assert_no_leftovers "$2"
	[ "$rc" = 0 ]
}

# start_restored NAME RID IMAGE OUT: restore IMAGE as RID in the background
# (job RST_PID) and wait until `hybox ps` lists the program. Returns 1 (after
# one failed test line and the leftovers check) if hybox restore ended first.
start_restored() {
	local name=$1 rid=$2 out=$4
	start_restore "$rid" "$3" "$out"
	wait_for 30 listed_or_gone "$rid" "$SCRATCH/$name" "$RST_PID"
	if gone "$RST_PID"; then
		wait_exit "$RST_PID" 1
		not_ok "$name: the restored container runs" "hybox restore ended early, exit $EXIT_RC:" \
			"$(head -n 20 "$out")"
		assert_no_leftovers "$rid"
		return 1
	elif listed "$rid" "$SCRATCH/$name"; then
		ok "$name: the restored container runs its command (hybox ps)"
	else
		not_ok "$name: the restored container runs its command (hybox ps)" \
			"hybox ps $rid does not list $SCRATCH/$name:" "$("$HYBOX" ps "$rid" 2>&1)"
	fi
}

# restore_pass NAME RID IMAGE: restore IMAGE as RID, SIGUSR2 the restored
# command once it runs: "PASS NAME" and exit 0, nothing left behind.
restore_pass() {
	local name=$1 rid=$2 out=$TEST_TMP/$2.out
	start_restored "$name" "$rid" "$3" "$out" || return
	hy kill "$rid" USR2
	assert_rc 0 "$name: kill USR2 reaches the restored container"
	wait_exit "$RST_PID" 60 "$rid"
	assert_eq "$EXIT_RC" 0 "$name: hybox restore exits 0 (the restored command's status)"
	assert_file_has "$out" "^PASS $name\$" "$name: the restored program passes its checks"
	if grep -qx ready "$out"; then
		not_ok "$name: restored, not started again" "hybox restore printed a second ready:" "$(head -n 20 "$out")"
	else
		ok "$name: restored, not started again (no second ready)"
	fi
	assert_no_leftovers "$rid"
}

# roundtrip NAME PAUSE [ARGS...]: run NAME, checkpoint it once ready, wait
# PAUSE seconds, restore and check it.
roundtrip() {
	local name=$1 pause=$2 id img out
	shift 2
	id=$(tid "$name") img=$TEST_TMP/img-$name out=$TEST_TMP/$name.run
	start_run "$id" "$out" "$SCRATCH/$name" "$@"
	wait_ready "$name" "$out" "$RUN_PID" "$id" || return
	sleep 0.2
	checkpoint_and_end "$name" "$id" "$img" || return
	sleep "$pause"
	restore_pass "$name" "$(tid "$name-restored")" "$img"
	rm -rf "$img"
}

# flip_byte FILE: invert the byte in the middle of FILE.
flip_byte() {
	python3 - "$1" <<'PY'
import os, sys
with open(sys.argv[1], "r+b") as f:
    n = os.fstat(f.fileno()).st_size // 2
    f.seek(n)
    b = f.read(1)
    f.seek(n)
    f.write(bytes([b[0] ^ 0xFF]))
PY
}

# largest_pages DIR: the largest pages-*.img file of image DIR.
largest_pages() {
	find "$1" -maxdepth 1 -name 'pages-*.img' -printf '%s %p\n' | sort -n | tail -n 1 | cut -d ' ' -f 2-
}

# tree_sum DIR: one checksum over every file of DIR (names and contents).
tree_sum() {
	(cd "$1" && find . -type f -print0 | sort -z | xargs -0r sha256sum) | sha256sum
}

# restore_refused DESC IMAGE NEEDLE TAG: restoring IMAGE fails with 125, a
# message naming NEEDLE, and leaves nothing behind.
restore_refused() {
	local id
	id=$(tid "bad-$4")
	HYBOX_TEST_TIMEOUT=20 hy restore --image "$2" --id "$id"
	assert_rc 125 "$1: restore exits 125"
	assert_contains "$RUN_ERR" "$3" "$1: the error names $3"
	assert_no_leftovers "$id"
	"$HYBOX" kill --all "$id" KILL >/dev/null 2>&1
}

# --- usage and errors ----------------------------------------------------------------

for verb in checkpoint restore; do
	hy "$verb" --help
	assert_match "$RUN_RC $RUN_OUT" "^0 Usage: hybox $verb" "$verb --help"
done
nosuch=$(tid nosuch)
checkpoint "$nosuch" "$TEST_TMP/img-nosuch"
assert_rc 125 "checkpoint of an unknown id exits 125"
assert_contains "$RUN_ERR" "$nosuch" "checkpoint of an unknown id names it"
assert_no_leftovers "$nosuch"

# --- each program: run, checkpoint, restore, SIGUSR2 -----------------------------------

roundtrip counter 0
roundtrip memory 0 "${CKPT_MEMORY_MIB:-256}"
roundtrip threads 0
roundtrip forktree 0
roundtrip file 0 "$SCRATCH/data"
# 3 s in the image: a clock that is not carried over shows a gap >= 3 s.
roundtrip monotonic 3
roundtrip sleeper 0
roundtrip shm 0
roundtrip events 0
roundtrip sockpair 0
roundtrip piperead 0
roundtrip orphan 0
roundtrip alarm 0
roundtrip zombie 0

# --- --leave-running --------------------------------------------------------------------

id=$(tid leave)
img=$TEST_TMP/img-leave
out=$TEST_TMP/leave.run
start_run "$id" "$out" "$SCRATCH/counter"
if wait_ready "leave-running" "$out" "$RUN_PID" "$id"; then
	sleep 0.2
	checkpoint --leave-running "$id" "$img"
	assert_rc 0 "checkpoint --leave-running exits 0"
	assert_eq "$(cat "$CG/hybox/$id/cgroup.freeze" 2>&1)" 0 "--leave-running: the container is thawed"
	sleep 0.3
	check "--leave-running: hybox run goes on" kill -0 "$RUN_PID"
	HYBOX_TEST_TIMEOUT=20 hy restore --image "$img" --id "$id"
	assert_rc 125 "restore under the id of a live container exits 125"
	hy kill "$id" USR2
	assert_rc 0 "--leave-running: kill USR2 reaches the original"
	wait_exit "$RUN_PID" 30 "$id"
	assert_eq "$EXIT_RC" 0 "--leave-running: the original exits 0"
	assert_file_has "$out" '^PASS counter$' "--leave-running: the original passes its checks"
	assert_no_leftovers "$id"
	restore_pass counter "$(tid leave-restored)" "$img"
fi

# --- two generations: checkpoint, restore, checkpoint, restore -------------------------

id=$(tid gen0)
out=$TEST_TMP/gen0.run
start_run "$id" "$out" "$SCRATCH/counter"
if wait_ready "generations" "$out" "$RUN_PID" "$id"; then
	sleep 0.2
	rid=$(tid gen1)
	if checkpoint_and_end "generation 0" "$id" "$TEST_TMP/img-gen1" &&
		start_restored counter "$rid" "$TEST_TMP/img-gen1" "$TEST_TMP/gen1.out"; then
		sleep 0.2
		RUN_PID=$RST_PID # checkpoint_and_end waits for RUN_PID
		if checkpoint_and_end "generation 1 (restored)" "$rid" "$TEST_TMP/img-gen2"; then
			assert_eq "$(cat "$TEST_TMP/gen1.out")" "" "generation 1 printed nothing"
			restore_pass counter "$(tid gen2)" "$TEST_TMP/img-gen2"
		fi
	fi
fi

# --- damaged images --------------------------------------------------------------------

id=$(tid good)
good=$TEST_TMP/img-good
out=$TEST_TMP/good.run
start_run "$id" "$out" "$SCRATCH/counter"
if wait_ready "damaged images" "$out" "$RUN_PID" "$id" && sleep 0.2 &&
	checkpoint_and_end "good image" "$id" "$good"; then
	check "the image has image.json" test -f "$good/image.json"
	pages=$(largest_pages "$good")
	check "the image has pages-*.img files" test -n "$pages"

	cp -a "$good" "$TEST_TMP/bad-json"
	flip_byte "$TEST_TMP/bad-json/image.json"
	restore_refused "a flipped byte in image.json" "$TEST_TMP/bad-json" image.json json

	if [ -n "$pages" ]; then
		pages=$(basename "$pages")
		cp -a "$good" "$TEST_TMP/bad-page"
		flip_byte "$TEST_TMP/bad-page/$pages"
		restore_refused "a flipped byte in $pages" "$TEST_TMP/bad-page" "$pages" page

		cp -a "$good" "$TEST_TMP/bad-short"
		truncate -s "$(($(stat -c %s "$TEST_TMP/bad-short/$pages") / 2))" "$TEST_TMP/bad-short/$pages"
		restore_refused "$pages cut to half its size" "$TEST_TMP/bad-short" "$pages" short
	fi

	cp -a "$good" "$TEST_TMP/bad-version"
	sed -i -E '0,/"version": *1([^0-9]|$)/s//"version": 99\1/' "$TEST_TMP/bad-version/image.json"
	check "image.json now says version 99" grep -qE '"version": *99([^0-9]|$)' \
		"$TEST_TMP/bad-version/image.json"
	restore_refused "image version 99" "$TEST_TMP/bad-version" image.json version

	# A CPU feature this host lacks (the saved set edited, image.sum made to
	# match): refused before anything is created, by restore and --check.
	cp -a "$good" "$TEST_TMP/bad-cpu"
	python3 - "$TEST_TMP/bad-cpu" <<'PY'
import json, sys
d = sys.argv[1]
j = json.load(open(d + "/image.json"))
j["xcr0"] = hex(int(j["xcr0"], 16) | 1 << 62)
text = json.dumps(j, indent=1).encode()
open(d + "/image.json", "wb").write(text)
crc = 0xFFFFFFFF
for b in text:  # CRC-32C, bit by bit
    crc ^= b
    for _ in range(8):
        crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
open(d + "/image.sum", "w").write("hybox-image-sum 1 %08x\n" % (crc ^ 0xFFFFFFFF))
PY
	restore_refused "a CPU feature this host lacks" "$TEST_TMP/bad-cpu" "xcr0" cpu
	hy restore --check --image "$TEST_TMP/bad-cpu"
	assert_rc 125 "restore --check names the missing CPU feature too"
	assert_contains "$RUN_ERR" "this CPU lacks" "restore --check: the error says this CPU lacks it"

	# restore --check looks and changes nothing; the image still restores.
	before=$(tree_sum "$good")
	hy restore --check --image "$good"
	assert_rc 0 "restore --check of a good image exits 0"
	assert_eq "$(tree_sum "$good")" "$before" "restore --check leaves the image as it was"
	restore_pass counter "$(tid good-restored)" "$good"
fi

# --- checkpoint --check and a non-empty image directory --------------------------------

id=$(tid check)
out=$TEST_TMP/check.run
start_run "$id" "$out" "$SCRATCH/counter"
if wait_ready "checkpoint --check" "$out" "$RUN_PID" "$id"; then
	hy checkpoint --check "$id"
	assert_rc 0 "checkpoint --check of a counter exits 0"
	mkdir -p "$TEST_TMP/img-full"
	echo keep >"$TEST_TMP/img-full/something"
	checkpoint --leave-running "$id" "$TEST_TMP/img-full"
	assert_rc 125 "checkpoint into a non-empty directory exits 125"
	assert_eq "$(ls -A "$TEST_TMP/img-full")" something "the non-empty directory is left as it was"
	assert_eq "$(cat "$CG/hybox/$id/cgroup.freeze" 2>&1)" 0 "the container is not left frozen"
	hy kill "$id" USR2
	assert_rc 0 "kill USR2 after --check"
	wait_exit "$RUN_PID" 30 "$id"
	assert_eq "$EXIT_RC" 0 "the container checked runs on and exits 0"
	assert_file_has "$out" '^PASS counter$' "the container checked passes its checks"
	assert_no_leftovers "$id"
fi

# The supervisors report both: a `checkpoint` event before the container
# ends, a `restore` event once the restored tasks run (docs/events.md).
id=$(tid events)
ev=$TEST_TMP/events-run.jsonl
out=$TEST_TMP/events.run
bg_start "$HYBOX" run --id "$id" --events "$ev" -- "$SCRATCH/counter" >"$out" 2>&1
RUN_PID=$BG_PID
if wait_ready events "$out" "$RUN_PID" "$id" && checkpoint_and_end events "$id" "$TEST_TMP/img-events"; then
	assert_events "$ev" "len(kind('checkpoint')) == 1 and get(kind('checkpoint')[0], 'image.processes') == 1 and get(kind('checkpoint')[0], 'image.bytes') > 0 and get(kind('checkpoint')[0], 'leave_running') is False and get(kind('checkpoint')[0], 'frozen_ns') > 0" \
		"a checkpoint event with the image's size and the time frozen"
	assert_events "$ev" "ev[-1]['kind'] == 'exit' and [e['kind'] for e in ev].index('checkpoint') < len(ev) - 1" \
		"the checkpoint event comes before the container's exit"
	rid=$(tid events-restored)
	rev=$TEST_TMP/events-restore.jsonl
	bg_start "$HYBOX" restore --image "$TEST_TMP/img-events" --id "$rid" --events "$rev" \
		>"$TEST_TMP/events.restore" 2>&1
	RST_PID=$BG_PID
	wait_for 30 listed_or_gone "$rid" "$SCRATCH/counter" "$RST_PID"
	hy kill "$rid" USR2
	wait_exit "$RST_PID" 30 "$rid"
	assert_eq "$EXIT_RC" 0 "events: the restored counter exits 0"
	assert_events "$rev" "[e['kind'] for e in ev][:2] == ['start', 'restore'] and get(kind('restore')[0], 'image.processes') == 1 and get(kind('restore')[0], 'proc.comm') == 'counter'" \
		"a restore event right after start, naming the restored command"
	assert_no_leftovers "$rid"
fi

# The policy travels in the image: restore applies it unless --policy says
# otherwise (a policy that denies getpriority, used by nothing here).
id=$(tid policy)
pol=$SCRATCH/deny-getpriority.json
printf '{"syscalls": {"deny": ["getpriority"]}}\n' >"$pol"
out=$TEST_TMP/policy.run
bg_start "$HYBOX" run --id "$id" --policy "$pol" -- "$SCRATCH/counter" >"$out" 2>&1
RUN_PID=$BG_PID
if wait_ready policy "$out" "$RUN_PID" "$id" && checkpoint_and_end policy "$id" "$TEST_TMP/img-policy"; then
	assert_eq "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["policy"], end="")' \
		"$TEST_TMP/img-policy/image.json" 2>&1)" "$(cat "$pol")" "the image holds the policy's text"
	restore_pass counter "$(tid policy-restored)" "$TEST_TMP/img-policy"
	rid=$(tid policy-bad)
	printf '{"syscalls": {"deny": ["no_such_call"]}}\n' >"$SCRATCH/bad-policy.json"
	hy restore --image "$TEST_TMP/img-policy" --id "$rid" --policy "$SCRATCH/bad-policy.json"
	assert_rc 125 "restore --policy: a bad policy given instead is refused"
	assert_contains "$RUN_ERR" "bad-policy.json" "restore --policy: the error names the given file"
	assert_no_leftovers "$rid"
fi

# How the container ran travels too: restored without options, a --net none
# container is again in a network namespace of its own.
id=$(tid netnone)
out=$TEST_TMP/netnone.run
bg_start "$HYBOX" run --id "$id" --net none -- "$SCRATCH/counter" >"$out" 2>&1
RUN_PID=$BG_PID
if wait_ready netnone "$out" "$RUN_PID" "$id" && checkpoint_and_end netnone "$id" "$TEST_TMP/img-netnone"; then
	assert_eq "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["run"]["net"])' \
		"$TEST_TMP/img-netnone/image.json" 2>&1)" none "the image says --net none"
	rid=$(tid netnone-restored)
	start_restored counter "$rid" "$TEST_TMP/img-netnone" "$TEST_TMP/netnone.restore"
	pid=$("$HYBOX" ps --json "$rid" 2>/dev/null |
		python3 -c 'import json, sys; print([p["pid"] for p in json.load(sys.stdin)["processes"] if p["cpid"] == 2][0])' 2>&1)
	assert_ne "$(readlink "/proc/$pid/ns/net" 2>&1)" "$(readlink /proc/self/ns/net)" \
		"the restored container has its own network namespace again"
	hy kill "$rid" USR2
	wait_exit "$RST_PID" 30 "$rid"
	assert_eq "$EXIT_RC" 0 "netnone: the restored counter exits 0"
	assert_no_leftovers "$rid"
fi

# A pipeline with bytes in its pipe: printf has written and ended, the reader
# is still asleep. Restored, the reader gets the bytes the pipe held.
id=$(tid pipe)
out=$TEST_TMP/pipe.out
bg_start "$HYBOX" run --id "$id" -- /bin/sh -c 'printf hello-pipe | (sleep 2; cat); echo " done"' \
	>"$out" 2>&1
RUN_PID=$BG_PID
asleep() { "$HYBOX" ps "$id" 2>/dev/null | grep -q 'sleep 2$' || gone "$RUN_PID"; }
wait_for 30 asleep
if checkpoint_and_end "pipe" "$id" "$TEST_TMP/img-pipe"; then
	assert_eq "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pipes"][0]["data"])' \
		"$TEST_TMP/img-pipe/image.json" 2>&1)" "$(printf hello-pipe | od -An -tx1 | tr -d ' \n')" \
		"the image holds the pipe's bytes"
	rid=$(tid pipe-restored)
	run_capture "$HYBOX" restore --image "$TEST_TMP/img-pipe" --id "$rid"
	assert_rc 0 "pipe: hybox restore exits 0"
	assert_eq "$RUN_OUT" "hello-pipe done" "pipe: the reader gets the bytes the pipe held"
	assert_no_leftovers "$rid"
fi

# What cannot be saved yet blocks a checkpoint, named: here a TCP socket.
id=$(tid socket)
bg_start "$HYBOX" run --id "$id" -- python3 -c 'import socket, time; s = socket.socket(); time.sleep(1000)'
sup=$BG_PID
has_socket() { "$HYBOX" ps "$id" 2>/dev/null | grep -q 'python3' || gone "$sup"; }
wait_for 30 has_socket
sleep 0.5
hy checkpoint --check "$id"
assert_rc 125 "checkpoint --check of a container holding a socket exits 125"
assert_contains "$RUN_ERR" "socket:[" "checkpoint --check names the socket"
assert_eq "$(cat "$CG/hybox/$id/cgroup.freeze" 2>&1)" 0 "--check leaves the container thawed"
checkpoint "$id" "$TEST_TMP/img-socket"
assert_rc 125 "checkpoint of a container holding a socket exits 125"
check "a refused checkpoint removes the image directory it made" test ! -e "$TEST_TMP/img-socket"
hy ps "$id"
assert_rc 0 "the container with the socket still runs after both"
hy kill --all "$id" KILL
wait_exit "$sup" 30 "$id"
assert_eq "$EXIT_RC" 137 "hybox run exits 137 after kill --all KILL"
assert_no_leftovers "$id"

# File locks are not saved: each blocks, named (flock and a POSIX lock here).
id=$(tid flock)
out=$TEST_TMP/flock.out
bg_start "$HYBOX" run --id "$id" -- python3 -c 'import fcntl, time
a, b = open("/tmp/a", "w"), open("/tmp/b", "w")
fcntl.flock(a, fcntl.LOCK_EX); fcntl.lockf(b, fcntl.LOCK_EX)
print("locked", flush=True); time.sleep(1000)' >"$out" 2>&1
sup=$BG_PID
wait_for 30 sh -c "grep -q locked '$out' || ! kill -0 $sup 2>/dev/null"
hy checkpoint --check "$id"
assert_rc 125 "checkpoint --check of a container holding file locks exits 125"
assert_eq "$(grep -c 'holds a file lock, which hybox cannot save yet' <<<"$RUN_ERR")" 2 \
	"checkpoint --check names both locked files"
assert_contains "$RUN_ERR" "(/tmp/a) holds a file lock" "... with the file's path"
hy kill --all "$id" KILL
wait_exit "$sup" 30 "$id"
assert_no_leftovers "$id"

done_testing
