#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# runc's restore on an OCI bundle, as containerd's runc shim calls it: a
# busybox container counting on its stdout is created, started and
# checkpointed (`checkpoint --image-path --work-path`), then restored under
# new ids with `restore --bundle B --image-path I [--detach --pid-file P] ID`:
# state running, the pid file holds state's pid, the count goes on from
# where it stopped, exec, ps, kill and delete work on it; the foreground
# form exits with the restored command's status and deletes the container.
# Errors (no image, a damaged image, no bundle, an id in use, CRIU's flags)
# exit 125 with one line and leave nothing behind.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox python3

oci_scratch
IMG=$SCRATCH/img
WORK=$SCRATCH/work
mkdir -p "$WORK"
assert_rc 0 "spec writes the bundle's config.json"
# USR2 ends the counter with 7: the foreground restore's exit status.
edit_config "$B/config.json" 'c["process"]["args"] = ["sh", "-c", "trap \"exit 7\" USR2; i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done"]'

# state_field ID KEY: one field of `hybox state ID` ("" when it fails).
state_field() {
	"$HYBOX" --root "$ROOT" state "$1" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2" 2>/dev/null
}

# counted FILE N: FILE has at least N lines.
counted() { [ "$(grep -c '' "$1" 2>/dev/null)" -ge "$2" ]; }

# detached VERB-ARGS... >OUT: hybox with --root in a shell whose stdout is
# OUT (the container keeps it; $(...) would wait for the container).
detached() {
	local out=$1
	shift
	run_capture sh -c 'out=$1; shift; exec "$@" >"$out"' sh "$out" "$HYBOX" --root "$ROOT" "$@"
}

# --- usage ------------------------------------------------------------------------
hy restore --bundle . --help
assert_match "$RUN_RC $RUN_OUT" "^0 Usage: hybox restore \[OPTIONS\] --bundle DIR --image-path IMAGE ID" \
	"restore --bundle --help: runc's form"
hy restore --help
assert_contains "$RUN_OUT" "-b/--bundle DIR among the options" "restore --help points to runc's form"

# --- the original: create, start, checkpoint ----------------------------------------
id=$(tid orig)
out1=$SCRATCH/out-orig
detached "$out1" create --bundle "$B" "$id"
assert_rc 0 "create the original"
hyr start "$id"
check "the original counts" wait_for 20 counted "$out1" 5
hyr checkpoint --image-path "$IMG" --work-path "$WORK" "$id"
assert_rc 0 "checkpoint --image-path --work-path exits 0"
check "the image has image.json" test -f "$IMG/image.json"
check "the checkpointed container stops" wait_for 10 sh -c "[ \"\$(\"$HYBOX\" --root \"$ROOT\" state \"$id\" 2>/dev/null | grep -c '\"stopped\"')\" = 1 ]"
last=$(tail -n 1 "$out1")
assert_match "$last" '^[1-9][0-9]*$' "the original's last count ($last)"
hyr delete "$id"
assert_no_leftovers "$id" "$ROOT"

# --- restore --detach ---------------------------------------------------------------
rid=$(tid detached)
out2=$SCRATCH/out-detached
detached "$out2" restore --image-path "$IMG" --work-path "$WORK" --detach --pid-file "$SCRATCH/pid" \
	--no-subreaper --bundle "$B" "$rid"
assert_rc 0 "restore --bundle --image-path --detach exits 0"
assert_eq "$RUN_ERR" "" "restore --detach prints nothing"
assert_eq "$(state_field "$rid" status)" running "state: running"
pid=$(state_field "$rid" pid)
assert_match "$pid" '^[1-9][0-9]*$' "state: pid > 0 ($pid)"
assert_eq "$(cat "$SCRATCH/pid" 2>&1)" "$pid" "--pid-file holds the state's pid"
assert_eq "$(state_field "$rid" bundle)" "$(cd "$B" && pwd -P)" "state: the bundle"
check "the restored container counts on" wait_for 20 counted "$out2" 3
assert_eq "$(head -n 1 "$out2")" "$((last + 1))" "the count goes on from where it was (not from 1)"
hyr exec "$rid" sh -c 'echo exec-ok $((6 * 7))'
assert_eq "$RUN_RC:$RUN_OUT" "0:exec-ok 42" "exec into the restored container"
hyr ps "$rid"
assert_contains "$RUN_OUT" "trap" "ps lists the restored shell"
hyr delete "$rid"
assert_rc 125 "delete of the running restored container without --force exits 125"
hyr kill "$rid" KILL
assert_rc 0 "kill KILL exits 0"
check "state: stopped after kill" wait_for 10 sh -c "[ \"\$(\"$HYBOX\" --root \"$ROOT\" state \"$rid\" 2>/dev/null | grep -c '\"stopped\"')\" = 1 ]"
hyr delete "$rid"
assert_rc 0 "delete of the stopped restored container exits 0"
assert_no_leftovers "$rid" "$ROOT"
check "no restore.log after successful restores" test ! -e "$WORK/restore.log"

# --- restore in the foreground --------------------------------------------------------
rid=$(tid fg)
out3=$SCRATCH/out-fg
bg_start "$HYBOX" --root "$ROOT" restore --bundle "$B" --image-path "$IMG" "$rid" >"$out3" 2>&1
fg=$BG_PID
running() { [ "$(state_field "$rid" status)" = running ]; }
check "the foreground restore runs (state: running)" wait_for 20 running
check "it counts on" wait_for 20 counted "$out3" 2
assert_eq "$(head -n 1 "$out3")" "$((last + 1))" "the foreground restore counts on from the image"
hyr kill "$rid" USR2
if wait_for 20 sh -c "! kill -0 $fg 2>/dev/null"; then
	wait "$fg"
	rc=$?
else
	rc=timeout
	hyr kill "$rid" KILL
fi
assert_eq "$rc" 7 "the foreground restore exits with the restored command's status"
hyr state "$rid"
assert_rc 125 "the foreground restore deleted its container"
assert_no_leftovers "$rid" "$ROOT"

# --- the policy: the bundle's annotation, else the image's ---------------------------
# B2: the same root with an inline policy; its image carries that policy, which
# a restore from B (no annotation) applies; B3's annotation wins over it.
pol='{"syscalls": {"deny": ["getpriority"]}}'
mkdir -p "$SCRATCH/b2" "$SCRATCH/b3"
cp "$B/config.json" "$SCRATCH/b2/config.json"
edit_config "$SCRATCH/b2/config.json" 'c["root"]["path"] = arg[:-len("/config.json")] + "/rootfs"; c["annotations"] = {"org.hybox.policy": "{\"syscalls\": {\"deny\": [\"getpriority\"]}}"}' "$B/config.json"
cp "$B/config.json" "$SCRATCH/b3/config.json"
edit_config "$SCRATCH/b3/config.json" 'c["root"]["path"] = arg[:-len("/config.json")] + "/rootfs"; c["annotations"] = {"org.hybox.policy": "{\"syscalls\": {\"deny\": [\"getppid\"]}}"}' "$B/config.json"
id=$(tid pol)
detached "$SCRATCH/out-pol" create --bundle "$SCRATCH/b2" "$id"
hyr start "$id"
wait_for 20 counted "$SCRATCH/out-pol" 2
hyr checkpoint --image-path "$SCRATCH/img-pol" "$id"
assert_rc 0 "checkpoint of a container with a policy annotation"
hyr delete --force "$id"
rid=$(tid pol-image)
detached "$SCRATCH/out-pol2" restore --bundle "$B" --image-path "$SCRATCH/img-pol" -d "$rid"
assert_rc 0 "restore from a bundle without a policy annotation"
assert_eq "$(cat "$ROOT/$rid/policy.json" 2>&1)" "$pol" "its policy is the image's"
hyr delete --force "$rid"
assert_no_leftovers "$rid" "$ROOT"
rid=$(tid pol-bundle)
detached "$SCRATCH/out-pol3" restore --bundle "$SCRATCH/b3" --image-path "$SCRATCH/img-pol" -d "$rid"
assert_rc 0 "restore from a bundle with its own policy annotation"
assert_contains "$(cat "$ROOT/$rid/policy.json" 2>&1)" getppid "the bundle's annotation wins"
hyr delete --force "$rid"
assert_no_leftovers "$rid" "$ROOT"

# --- errors leave nothing behind ------------------------------------------------------
# restore_fails DESC NEEDLE ID ARGS...: restore exits 125 with one line naming
# NEEDLE and leaves nothing of ID.
restore_fails() {
	local desc=$1 needle=$2 rid=$3
	shift 3
	HYBOX_TEST_TIMEOUT=20 hyr restore "$@" "$rid"
	assert_rc 125 "$desc: exits 125"
	assert_error_line "$needle" "$desc: one line naming $needle"
	assert_no_leftovers "$rid" "$ROOT"
}
rid=$(tid err)
restore_fails "no image" "--image-path: open image directory $SCRATCH/nope" "$rid" \
	--bundle "$B" --image-path "$SCRATCH/nope" --work-path "$WORK" -d
assert_file_has "$WORK/restore.log" "error: --image-path: open image directory" \
	"--work-path: restore.log holds the error"
cp -a "$IMG" "$SCRATCH/bad"
python3 - "$SCRATCH/bad/image.json" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xFF
open(p, "wb").write(b)
PY
restore_fails "a damaged image" "image.json" "$rid" --bundle "$B" --image-path "$SCRATCH/bad" -d
restore_fails "no bundle" "bundle $SCRATCH/nobundle" "$rid" --bundle "$SCRATCH/nobundle" \
	--image-path "$IMG" -d
restore_fails "no --image-path" "--image-path DIR is needed" "$rid" --bundle "$B"
restore_fails "--tcp-established" "--tcp-established \(established TCP connections\): CRIU's option" \
	"$rid" --tcp-established --bundle "$B" --image-path "$IMG"
restore_fails "--console-socket without a terminal" "--console-socket $SCRATCH/sock: process.terminal is false" \
	"$rid" --bundle "$B" --image-path "$IMG" --console-socket "$SCRATCH/sock" -d
taken=$(tid taken)
hyr create --bundle "$B" "$taken"
assert_rc 0 "create a container to take an id"
HYBOX_TEST_TIMEOUT=20 hyr restore --bundle "$B" --image-path "$IMG" -d "$taken"
assert_rc 125 "restore under an id in use exits 125"
assert_error_line "container '$taken' already exists" "restore under an id in use: already exists"
assert_eq "$(state_field "$taken" status)" created "the container with that id is untouched"
hyr delete "$taken"
assert_no_leftovers "$taken" "$ROOT"

# --- checkpoint: runc's other CRIU flags by name ----------------------------------------
hyr checkpoint --tcp-established --image-path "$SCRATCH/img2" "$taken"
assert_rc 125 "checkpoint --tcp-established exits 125"
assert_error_line "--tcp-established \(established TCP connections\): CRIU's option, which hybox's checkpoint does not support yet" \
	"checkpoint --tcp-established is refused by name"
check "the refused checkpoint made no image directory" test ! -e "$SCRATCH/img2"

done_testing
