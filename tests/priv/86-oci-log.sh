#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --log FILE and --log-format (runc's global flags, which containerd always
# passes as --log FILE --log-format json and reads the last error from):
# every command's error goes to stderr and to FILE, one line each, as a
# logrus-shaped JSON object {"level","msg","time"} or as the stderr line; a
# supervisor's failure reported through create lands there too, and its
# warnings with level "warning".
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox python3

oci_scratch
LOG=$SCRATCH/log

# json_lines FILE: "LEVEL|MSG|TIME-OK" per line, or "BAD: line" for a line that is not one.
json_lines() {
	python3 - "$1" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
        t = bool(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", o["time"]))
        print("%s|%s|%s|%s" % (o["level"], o["msg"], t, ",".join(o)))
    except Exception as e:
        print("BAD: %r (%s)" % (line, e))
PY
}

# --- json: a failing create (no such bundle) ---------------------------------
id=$(tid nobundle)
hy --root "$ROOT" --log "$LOG" --log-format json create --bundle "$SCRATCH/none" "$id"
assert_rc 125 "create of a missing bundle exits 125"
assert_error_line "^hybox: bundle $SCRATCH/none: No such file or directory$" "the error is still on stderr"
assert_eq "$(json_lines "$LOG")" "error|bundle $SCRATCH/none: No such file or directory|True|level,msg,time" \
	"--log-format json: one JSON line {level: error, msg, time (RFC 3339)}"
assert_no_leftovers "$id" "$ROOT"

# A failure inside the supervisor (the leaf exists), reported through create.
rm -f "$LOG"
CG=$(cg2_mount)
leaf=hyt-$$-taken
mkdir "$CG/$leaf"
python3 - "$B/config.json" "/$leaf" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["linux"]["cgroupsPath"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
id=$(tid sup)
hy --root "$ROOT" --log "$LOG" --log-format json create --bundle "$B" "$id"
assert_rc 125 "create failing in the supervisor exits 125"
assert_match "$(json_lines "$LOG")" "^error\|config.json linux.cgroupsPath \"/$leaf\": create cgroup $CG/$leaf: File exists\|True\|level,msg,time$" \
	"the supervisor's error is the log's last (and only) line"
assert_no_leftovers "$id" "$ROOT"
rmdir "$CG/$leaf"
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); del c["linux"]["cgroupsPath"]
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY

# Errors of other commands, and of refused global flags, are logged too.
rm -f "$LOG"
hy --root "$ROOT" --log "$LOG" --log-format json state "$(tid nosuch)"
hy --root "$ROOT" --log "$LOG" --log-format json --systemd-cgroup state x
assert_match "$(json_lines "$LOG")" "^error\|container '$(tid nosuch)' does not exist \(no $ROOT/$(tid nosuch)\)\|True\|level,msg,time
error\|--systemd-cgroup: not supported .*\|True\|level,msg,time$" \
	"state's error and --systemd-cgroup's refusal: one JSON line each"

# --- text: the stderr line as it is -----------------------------------------
rm -f "$LOG"
hy --root "$ROOT" --log "$LOG" --log-format text create --bundle "$SCRATCH/none" "$(tid text)"
assert_rc 125 "create with --log-format text exits 125"
assert_eq "$(cat "$LOG")" "hybox: bundle $SCRATCH/none: No such file or directory" \
	"--log-format text: the stderr line"
assert_error_line "^hybox: bundle $SCRATCH/none: No such file or directory$" "and stderr has it too"
rm -f "$LOG"
hy --root "$ROOT" --log "$LOG" state "$(tid nosuch)"
assert_eq "$(cat "$LOG")" "hybox: container '$(tid nosuch)' does not exist (no $ROOT/$(tid nosuch))" \
	"text is the default format"

# --- a detached supervisor: its warnings are logged with level "warning" -----
# linux.resources.pids.limit warns where the pids controller is missing.
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["linux"]["resources"] = {"pids": {"limit": 50}}
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
rm -f "$LOG"
id=$(tid ok)
hy --root "$ROOT" --log "$LOG" --log-format json run -d --bundle "$B" "$id"
assert_rc 0 "run -d with --log --log-format json"
# The container inherits run -d's stderr (containerd's shim and conmon pass
# the container's own): with --log the supervisor writes there only, as runc.
assert_eq "$RUN_ERR" "" "with --log, the supervisor's diagnostics stay out of the container's stderr"
hy --root "$ROOT" --log "$LOG" --log-format json delete --force "$id"
assert_rc 0 "delete --force"
if grep -qw pids "$CG/cgroup.controllers"; then
	assert_eq "$(cat "$LOG" 2>&1)" "" "nothing is logged when nothing fails"
else
	assert_eq "$(json_lines "$LOG")" "warning|linux.resources.pids.limit is not enforced: the cgroup v2 pids controller is not available to hybox on this host (see 'hybox features')|True|level,msg,time" \
		"the supervisor's warning is one JSON line with level warning"
fi
assert_no_leftovers "$id" "$ROOT"

# --- refusals of the flags themselves ----------------------------------------
hy --log-format yaml state x
assert_rc 125 "--log-format yaml exits 125"
assert_error_line "^hybox: --log-format yaml: expected text or json$" "--log-format yaml is refused"
hy --log "$SCRATCH/no/such/dir/log" state x
assert_rc 125 "--log in a missing directory exits 125"
assert_error_line "^hybox: --log $SCRATCH/no/such/dir/log: No such file or directory$" \
	"--log that cannot be opened is refused by name"

done_testing
