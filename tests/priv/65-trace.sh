#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Lifecycle events from BPF (bpf/trace.bpf.c, user/trace.c): exec, fork and
# task_exit of the container's tasks, in order between start and exit, with
# hostile argv and paths as valid JSON, and nothing from host processes.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 python3 bpf_tracing

seq_ok="[get(e, 'seq') for e in ev] == list(range(1, len(ev) + 1))"
ids_ok() { # ID
	echo "all(get(e, 'container.id') == '$1' and get(e, 'container.cgroup_id') == get(ev[0], 'container.cgroup_id') for e in ev)"
}
execs() { # EXE: the exec events of EXE
	echo "[e for e in kind('exec') if get(e, 'proc.exe') == '$1']"
}

# --- sh, true, echo ---
id=$(tid basic)
ev="$TEST_TMP/basic.jsonl"
hy run --id "$id" --events "$ev" -- /bin/sh -c '/bin/true; /bin/echo hi'
assert_rc 0 "run sh -c '/bin/true; /bin/echo hi' with --events"
assert_eq "$RUN_OUT" "hi" "the command's output is unchanged"
assert_not_contains "$RUN_ERR" "warning" "no 'events unavailable' warning"
assert_events "$ev" "$seq_ok" "seq runs 1, 2, 3, ... with no gap"
assert_events "$ev" "$(ids_ok "$id")" "every event carries container.id and the container's cgroup_id"
assert_events "$ev" "ev[0].get('kind') == 'start' and ev[-1].get('kind') == 'exit'" \
	"start comes first and exit last: trace events sit in between"
e=$(execs /bin/sh)
assert_events "$ev" "len($e) == 1 and get(${e}[0], 'proc.cmdline') == '/bin/sh -c /bin/true; /bin/echo hi' and get(${e}[0], 'proc.args') == ['/bin/sh', '-c', '/bin/true; /bin/echo hi']" \
	"exec of /bin/sh: proc.cmdline and proc.args"
assert_events "$ev" "get(${e}[0], 'proc.comm') == 'sh' and get(${e}[0], 'user.uid') == 0 and isinstance(get(${e}[0], 'proc.ppid'), int)" \
	"exec of /bin/sh: comm, user.uid, proc.ppid"
e=$(execs /bin/true)
assert_events "$ev" "len($e) == 1 and get(${e}[0], 'proc.cmdline') == '/bin/true' and get(${e}[0], 'proc.comm') == 'true'" \
	"exec of /bin/true"
e=$(execs /bin/echo)
assert_events "$ev" "len($e) == 1 and get(${e}[0], 'proc.cmdline') == '/bin/echo hi'" "exec of /bin/echo with its argument"
sh_pid="get($(execs /bin/sh)[0], 'proc.pid')"
assert_events "$ev" "all(get(x, 'proc.ppid') == $sh_pid for x in $(execs /bin/true) + $(execs /bin/echo))" \
	"true and echo have sh as their parent"
assert_events "$ev" "len([f for f in kind('fork') if get(f, 'parent.pid') == $sh_pid and get(f, 'thread') is False]) >= 2" \
	"fork events: sh forks (at least) two processes"
assert_events "$ev" "all(any(get(f, 'proc.pid') == get(x, 'proc.pid') and f['seq'] < x['seq'] for f in kind('fork')) for x in $(execs /bin/true) + $(execs /bin/echo))" \
	"each child's fork comes before its exec"
assert_events "$ev" "{'sh', 'true', 'echo'} <= set(get(x, 'proc.comm') for x in kind('task_exit') if get(x, 'thread') is False and get(x, 'group_dead') is True)" \
	"task_exit events for sh, true and echo (process exits: thread false, group_dead true)"
assert_events "$ev" "all(get(x, 'exit.code') == 0 and get(x, 'exit.signal') == 0 for x in kind('task_exit') if get(x, 'proc.comm') in ('true', 'echo', 'sh'))" \
	"task_exit: code 0, signal 0"
assert_events "$ev" "all(x['seq'] < y['seq'] for x in $(execs /bin/true) for y in kind('task_exit') if get(y, 'proc.pid') == get(x, 'proc.pid'))" \
	"exec before task_exit of the same process"
assert_no_leftovers "$id"

# --- signal, threads ---
id=$(tid signal)
ev="$TEST_TMP/signal.jsonl"
hy run --id "$id" --events "$ev" -- /bin/sh -c 'kill -9 $$'
assert_rc 137 "run sh -c 'kill -9 \$\$': exit 137"
assert_events "$ev" "[(get(x, 'exit.code'), get(x, 'exit.signal')) for x in kind('task_exit') if get(x, 'proc.comm') == 'sh'] == [(-1, 9)]" \
	"task_exit of the killed sh: code -1, signal 9"

id=$(tid thread)
ev="$TEST_TMP/thread.jsonl"
hy run --id "$id" --events "$ev" -- python3 -c 'import threading; t = threading.Thread(target=lambda: None); t.start(); t.join()'
assert_rc 0 "run python3 starting one thread"
assert_events "$ev" "len([f for f in kind('fork') if get(f, 'thread') is True and get(f, 'proc.pid') == get(f, 'parent.pid') != get(f, 'proc.tid')]) == 1" \
	"the thread's fork event: thread true, same pid as its creator, its own tid"
assert_events "$ev" "len([x for x in kind('task_exit') if get(x, 'thread') is True and get(x, 'group_dead') is False]) == 1 and len([x for x in kind('task_exit') if get(x, 'proc.comm').startswith('python3') and get(x, 'thread') is False and get(x, 'group_dead') is True]) == 1" \
	"task_exit: the thread (thread true) and the process (group_dead true)"

# --- hostile argv and path ---
scratch_dir
odd="$SCRATCH/we\"ird\\ na"$'\x01\xff\n'"me"
cp /bin/true "$odd"
big=$(head -c 4096 /dev/zero | tr '\0' 'A')
id=$(tid hostile)
ev="$TEST_TMP/hostile.jsonl"
hy run --id "$id" --events "$ev" -- /bin/sh -c '"$@"' sh "$odd" 'q"uote' 'back\slash' $'ctl\x01\x1b[0m' $'bad\xff\xc0' $'new\nline' "$big"
assert_rc 0 "run a program with a hostile name and hostile arguments"
valid=$(python3 -c '
import json, sys
n = 0
for raw in open(sys.argv[1], "rb"):
    if any(b < 0x20 for b in raw.rstrip(b"\n")):
        print("raw control byte in", raw[:120]); sys.exit()
    json.loads(raw.decode("utf-8"))
    n += 1
print("ok", n)
' "$ev" 2>&1)
assert_match "$valid" '^ok [0-9]+$' "every line is UTF-8 JSON without raw control bytes (json.loads each)"
e="[e for e in kind('exec') if 'ird' in (get(e, 'proc.exe') or '')]"
assert_events "$ev" "len($e) == 1 and get(${e}[0], 'proc.exe') == '''$SCRATCH/we\"ird\\\\ na\x01\ufffd\nme'''" \
	"proc.exe keeps quote, backslash, control byte and newline; \\xff becomes U+FFFD"
assert_events "$ev" "get(${e}[0], 'proc.args')[1:6] == ['q\"uote', 'back\\\\slash', 'ctl\x01\x1b[0m', 'bad\ufffd\ufffd', 'new\nline']" \
	"proc.args: every hostile argument decodes back"
assert_events "$ev" "get(${e}[0], 'proc.args_truncated') is True and set(get(${e}[0], 'proc.args')[-1]) == {'A'} and len(get(${e}[0], 'proc.cmdline')) <= 256" \
	"the 4 KiB argument is cut at the bound and marked args_truncated"

# --- host processes are not reported ---
marker="hyt-host-$$"
host_loop() {
	for _ in $(seq 200); do
		/bin/true "$marker" || true
	done
}
id=$(tid host)
ev="$TEST_TMP/host.jsonl"
host_loop &
hpid=$!
hy run --id "$id" --events "$ev" -- /bin/sh -c 'for i in 1 2 3 4 5; do /bin/true inside; done'
wait "$hpid"
assert_rc 0 "run while a host loop execs 200 processes"
assert_events "$ev" "len([e for e in kind('exec') if get(e, 'proc.args') == ['/bin/true', 'inside']]) == 5" \
	"the container's 5 execs are reported"
assert_events "$ev" "not [e for e in ev if '$marker' in json.dumps(e)]" "no event from the host loop"
assert_events "$ev" "$(ids_ok "$id") and $seq_ok" "all events belong to the container, seq without gaps"
assert_no_leftovers "$id"

# --- without --events nothing is loaded ---
# bpf_prog_fds PID: how many BPF programs the process holds open.
bpf_prog_fds() {
	find "/proc/$1/fd" -lname 'anon_inode:bpf-prog' 2>/dev/null | wc -l
}
running() { # ID: init and the command are in the container's cgroup
	local procs
	procs=$(cat "$(cg2_mount)/hybox/$1/cgroup.procs" 2>/dev/null) || return 1
	[ "$(printf '%s\n' "$procs" | grep -c .)" -ge 2 ]
}
for mode in with without; do
	id=$(tid "load-$mode")
	args=()
	[ "$mode" = with ] && args=(--events /dev/null)
	bg_start "$HYBOX" run --id "$id" "${args[@]}" -- /bin/sleep 1
	if wait_for 10 running "$id"; then
		n=$(bpf_prog_fds "$BG_PID")
		if [ "$mode" = with ]; then
			check "with --events the supervisor holds the trace programs ($n)" test "$n" -ge 3
		else
			assert_eq "$n" 0 "without --events no BPF program is loaded"
		fi
	else
		not_ok "container $id started"
	fi
	wait "$BG_PID"
done

done_testing
