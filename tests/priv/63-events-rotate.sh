#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --events FILE --events-max-size SIZE --events-keep N: before FILE would pass
# SIZE it becomes FILE.1 (FILE.1 -> FILE.2 ..., the oldest dropped) and a new
# FILE starts. Checked: N rotated files and no more, every file within SIZE,
# every line valid JSON, no line split across files (seq runs on without a
# gap from the oldest kept file to FILE), the exit event last in FILE; and
# the option errors name the option and the expected form.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe python3

# check_rotation FILE KEEP SIZE: prints "True" or what is wrong.
check_rotation() {
	python3 - "$1" "$2" "$3" <<'PY'
import json, os, sys
path, keep, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names = [path + ".%d" % i for i in range(keep, 0, -1)] + [path]  # oldest first
problems = []
if os.path.exists(path + ".%d" % (keep + 1)):
    problems.append("%s.%d exists (keep %d)" % (path, keep + 1, keep))
seqs = []
for n in names:
    if not os.path.exists(n):
        problems.append("missing " + n)
        continue
    data = open(n, "rb").read()
    if len(data) > size:
        problems.append("%s has %d bytes > %d" % (n, len(data), size))
    if data and not data.endswith(b"\n"):
        problems.append(n + " does not end with a newline (a line was cut)")
    for i, line in enumerate(data.split(b"\n")[:-1], 1):
        try:
            seqs.append(json.loads(line)["seq"])
        except Exception as e:
            problems.append("%s:%d not JSON: %s" % (n, i, e))
if seqs and seqs != list(range(seqs[0], seqs[0] + len(seqs))):
    problems.append("seq is not consecutive across the files: lines lost or split")
last = json.loads(open(path).read().splitlines()[-1]) if os.path.exists(path) else {}
if last.get("kind") != "exit":
    problems.append("the last line of FILE is not the exit event")
print("True" if not problems else "; ".join(problems[:5]))
PY
}

ev=$TEST_TMP/ev.jsonl
id=$(tid rot)
hy run --id "$id" --events "$ev" --events-max-size 8K --events-keep 3 -- "$PROBE" uname_loop 2000
assert_rc 0 "run with --events-max-size 8K --events-keep 3 exits 0"
assert_eq "$(check_rotation "$ev" 3 8192)" True \
	"4 files (FILE, FILE.1..3), each <= 8K, whole JSON lines, consecutive seq"
assert_eq "$(find "$TEST_TMP" -name 'ev.jsonl*' | wc -l)" 4 "no other file is left"
assert_no_leftovers "$id"

# A second run appends to FILE and keeps rotating the same set (300 lines:
# more than the 4 files hold, so only its own lines remain).
id=$(tid rot2)
hy run --id "$id" --events "$ev" --events-max-size 8K --events-keep 3 -- "$PROBE" uname_loop 300
assert_rc 0 "a second run on the same FILE exits 0"
assert_eq "$(check_rotation "$ev" 3 8192)" True "after a second run: still 3 rotated files within 8K"

# keep 0: only FILE, with the newest lines.
ev0=$TEST_TMP/zero.jsonl
hy run --events "$ev0" --events-max-size 4K --events-keep 0 -- "$PROBE" uname_loop 300
assert_rc 0 "--events-keep 0 exits 0"
assert_eq "$(find "$TEST_TMP" -name 'zero.jsonl*' | wc -l)" 1 "--events-keep 0: FILE alone"
assert_eq "$(check_rotation "$ev0" 0 4096)" True "--events-keep 0: FILE within 4K, ends with exit"

# A larger bound with the default keep (5): fewer rotations, same guarantees.
evd=$TEST_TMP/def.jsonl
hy run --events "$evd" --events-max-size 64K -- "$PROBE" uname_loop 2000
assert_rc 0 "--events-max-size 64K (default keep) exits 0"
assert_eq "$(check_rotation "$evd" 5 65536)" True "default keep 5: FILE.1..5, each <= 64K"

# Errors name the option and the expected form, before anything starts.
hy run --events "$ev" --events-max-size 10MB -- true
assert_rc 125 "--events-max-size 10MB exits 125"
assert_error_line "^hybox: --events-max-size: expected a size in bytes with an optional K, M or G suffix \(e.g. 10M\), got '10MB'$" \
	"--events-max-size 10MB: the option and the expected form"
hy run --events "$ev" --events-max-size 100 -- true
assert_error_line "--events-max-size: expected at least 4K" "--events-max-size 100: too small, says the minimum"
hy run --events "$ev" --events-max-size 1M --events-keep many -- true
assert_rc 125 "--events-keep many exits 125"
assert_error_line "--events-keep: expected a number of files from 0 to 1000, got 'many'" \
	"--events-keep many: the option and the expected form"
hy run --events - --events-max-size 1M -- true
assert_error_line "--events-max-size: rotation needs --events FILE, not stdout" \
	"--events - with --events-max-size is refused"
hy run --events "$ev" --events-keep 2 -- true
assert_error_line "--events-keep needs --events-max-size" "--events-keep without --events-max-size is refused"
hy run --events-max-size 1M -- true
assert_error_line "--events-max-size needs --events SINK" "--events-max-size without --events is refused"

done_testing
