#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# kernel-emu's task set, behind `hybox ps`: the first ps scans the cgroup
# once and loads the BPF fork/exec/exit programs; from then on forks, thread
# exits, execs and exits reach ps through those events alone (the scan count
# in `hybox stats --json` stays 1). Where tp_btf does not load, every ps
# scans: checked through `hybox stats` and `hybox features`.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 python3

# tasks_field ID KEY: one field of the task set's counters.
tasks_field() {
	"$HYBOX" stats --json "$1" | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["tasks"][sys.argv[1]])' "$2"
}

# ps_json ID EXPR: evaluate a python expression over ps --json's list `p`.
ps_eval() {
	"$HYBOX" ps --json "$1" | python3 -c \
		'import json,sys; p=json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"
}

# USR1: one more `sleep 1001`; USR2: a child that execs `sleep 1002`;
# threads: a python process whose 3 threads live while /tmp/threads exists.
script='
trap "sleep 1001 &" USR1
trap "/bin/sh -c \"exec sleep 1002\" &" USR2
touch /tmp/threads
python3 -c "
import os, threading, time
def live():
    while os.path.exists(\"/tmp/threads\"): time.sleep(0.05)
ts = [threading.Thread(target=live) for _ in range(3)]
[t.start() for t in ts]; [t.join() for t in ts]
open(\"/tmp/joined\", \"w\").close(); time.sleep(1000)
" &
sleep 1000 &
while :; do wait; done'

id=$(tid tasks)
bg_start "$HYBOX" run --id "$id" -- /bin/sh -c "$script"
has_python_threads() { [ "$(ps_eval "$id" '[x["threads"] for x in p if x["comm"] == "python3"]' 2>/dev/null)" = "[4]" ]; }
wait_for 10 has_python_threads
assert_eq "$(ps_eval "$id" '[x["threads"] for x in p if x["comm"] == "python3"]')" "[4]" \
	"ps: the python process has 4 threads"
trace=$(feature_state bpf_tracing)
if [ "$trace" != yes ]; then
	assert_eq "$(tasks_field "$id" source)" "cgroup scan" "without tp_btf: the set comes from scans"
	skip "tp_btf unavailable ($trace): the event-fed checks need it"
	done_testing
	exit
fi
assert_eq "$(tasks_field "$id" source)" events "after the first ps the set follows events"
scans=$(tasks_field "$id" scans)
assert_eq "$scans" 1 "one scan of the cgroup, when the events started"

# A fork after that reaches ps through its fork event.
# (The patterns are anchored: the shell's own command line holds these words.)
listed() { "$HYBOX" ps "$id" | grep -qE " $1\$"; }
hy kill "$id" USR1
wait_for 10 listed 'sleep 1001'
hy ps "$id"
assert_match "$RUN_OUT" $'\n[0-9]+ +[0-9]+ +[0-9]+ +S +sleep 1001' "ps: the sleep forked after the first ps"
assert_eq "$(tasks_field "$id" scans)" 1 "... seen through its fork event (no new scan)"
sleep1001=$(awk '/sleep 1001$/ { print $1 }' <<<"$RUN_OUT")
sleep1001_c=$(awk '/sleep 1001$/ { print $2 }' <<<"$RUN_OUT")
assert_eq "$(awk '/^NSpid/ { print $NF }' "/proc/$sleep1001/status" 2>&1)" "$sleep1001_c" \
	"its container pid is the one the fork event carried (NSpid)"

# An exec renames the process (its comm comes from the exec event).
hy kill "$id" USR2
wait_for 10 listed 'sleep 1002'
assert_eq "$(ps_eval "$id" '[x["comm"] for x in p if x["cmdline"] == "sleep 1002"]')" "['sleep']" \
	"exec: the process's name is the new program's"

# Thread exits: the count drops to 1 once the threads are joined.
in_container() { nsenter -t "$(ps_eval "$id" '[x["pid"] for x in p if x["cpid"] == 2][0]')" -m "$@"; }
in_container rm -f /tmp/threads
joined() { [ "$(ps_eval "$id" '[x["threads"] for x in p if x["comm"] == "python3"]')" = "[1]" ]; }
wait_for 10 joined
assert_eq "$(ps_eval "$id" '[x["threads"] for x in p if x["comm"] == "python3"]')" "[1]" \
	"thread exits: the python process has 1 thread left"

# An exit: the process leaves the list.
kill -KILL "$sleep1001"
gone() { ! listed 'sleep 1001'; }
wait_for 10 gone
assert_eq "$(grep -cE ' sleep 1001$' <<<"$("$HYBOX" ps "$id")")" 0 \
	"exit: the killed sleep is no longer listed"
assert_eq "$(tasks_field "$id" scans)" 1 "all of that without another scan"
assert_ne "$(tasks_field "$id" events)" 0 "the events were applied"

# The set agrees with the cgroup: the same host pids, the same thread counts.
hy ps --json "$id"
set_view=$(python3 -c 'import json,sys; print(sorted((x["pid"], x["threads"]) for x in json.load(sys.stdin)))' <<<"$RUN_OUT")
CG=$(cg2_mount)
host_view=$(python3 - "$CG/hybox/$id" <<'PY'
import os, sys
pids = sorted(int(l) for l in open(sys.argv[1] + "/cgroup.procs"))
print(sorted((p, len(os.listdir(f"/proc/{p}/task"))) for p in pids))
PY
)
assert_eq "$set_view" "$host_view" "ps lists what cgroup.procs and /proc/PID/task hold"

hy features --json
assert_eq "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["tasks"]["events"])' \
	<<<"$RUN_OUT")" True "features: the task set follows events"
hy kill --all "$id" KILL
wait "$BG_PID" 2>/dev/null
assert_no_leftovers "$id"
done_testing
