#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The OCI runtime verbs on a busybox bundle, runc's command line: spec,
# create (the supervisor detaches, the command waits), state, start, kill,
# pause/resume, delete [--force], run --bundle (foreground and -d), the
# process settings of config.json (args, env, cwd, user, umask, rlimits,
# hostname, mounts, inline policy), runc's events (--stats once, the
# --interval stream and its oom events), two containers at once, a killed
# supervisor, and malformed bundles: each refused with one line naming the
# JSON path, with nothing left behind.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox python3

scratch_dir
ROOT=$SCRATCH/state # the global --root: every container of this test lives there
B=$SCRATCH/bundle
mkdir -p "$B"
run_capture "$REPO_DIR/scripts/mkrootfs.sh" "$B/rootfs"
assert_rc 0 "mkrootfs.sh builds a busybox rootfs for the bundle"

# state_field ID KEY: one field of `hybox state ID` ("" when it fails).
state_field() {
	"$HYBOX" --root "$ROOT" state "$1" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2" 2>/dev/null
}

# --- spec ----------------------------------------------------------------------
hy spec --bundle "$B"
assert_rc 0 "spec writes a config.json"
check "spec: config.json exists" test -s "$B/config.json"
hy spec --bundle "$B"
assert_rc 125 "spec refuses to overwrite config.json"
assert_error_line "config.json: File exists \(remove it first\)" "spec says the file exists"
assert_eq "$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["process"]["args"], c["root"], c["process"]["terminal"])' "$B/config.json")" \
	"['sh'] {'path': 'rootfs', 'readonly': True} False" "spec: args [sh], root rootfs read-only, terminal false"
cp "$B/config.json" "$SCRATCH/default.json"

# --- the lifecycle: create, state, start, pause, kill, delete ------------------
edit_config "$B/config.json" 'c["process"]["args"] = ["sh", "-c", "echo started; trap \"echo got-term; exit 42\" TERM; while :; do sleep 0.05; done"]; c["annotations"] = {"com.example.test": "yes"}'
id=$(tid life)
out=$SCRATCH/out-life
run_capture sh -c "exec \"\$0\" --root \"$ROOT\" create --bundle \"$B\" --pid-file \"$SCRATCH/pid\" \"$id\" >\"$out\"" "$HYBOX"
assert_rc 0 "create exits 0"
assert_eq "$RUN_ERR" "" "create prints nothing"
assert_eq "$(state_field "$id" status)" created "state: created"
pid=$(state_field "$id" pid)
assert_match "$pid" '^[1-9][0-9]*$' "state: pid > 0 ($pid)"
assert_eq "$(cat "$SCRATCH/pid" 2>&1)" "$pid" "--pid-file holds the state's pid"
assert_match "$(cat "/proc/$pid/cgroup" 2>&1)" "0::/hybox/$id" "the pid is in the container's cgroup leaf"
hyr state "$id"
assert_eq "$(python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["ociVersion"], s["id"], s["bundle"], s["rootfs"], s["annotations"], bool(s["created"]))' <<<"$RUN_OUT")" \
	"1.0.2 $id $(cd "$B" && pwd -P) $(cd "$B/rootfs" && pwd -P) {'com.example.test': 'yes'} True" \
	"state: ociVersion, id, bundle, rootfs, annotations, created"
check "state.json is in --root's state directory" test -f "$ROOT/$id/state.json"
hyr list
assert_match "$(sed -n 1p <<<"$RUN_OUT")" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$' "list: runc's header"
assert_match "$(sed -n 2p <<<"$RUN_OUT")" "^$id +$pid +created +$(cd "$B" && pwd -P) +[0-9T:.-]+Z +root\$" "list: the created container's row"
hyr list -q
assert_eq "$RUN_OUT" "$id" "list -q: the id alone"
hyr list --format json
assert_eq "$(python3 -c 'import json,sys; a=json.load(sys.stdin); print(len(a), a[0]["id"], a[0]["status"], a[0]["owner"])' <<<"$RUN_OUT")" \
	"1 $id created root" "list --format json: the container's state and owner"
hyr list --format yaml
assert_rc 125 "list --format yaml exits 125"
hy --root "$SCRATCH/no-such-root" list -q
assert_eq "$RUN_RC:$RUN_OUT" "0:" "list under a root that does not exist: empty, exit 0"
sleep 0.2
assert_eq "$(cat "$out")" "" "the created command has not run yet (nothing on create's stdout)"
hyr start "$id"
assert_rc 0 "start exits 0"
check "the command runs after start and writes to create's stdout" wait_for 10 grep -qx started "$out"
assert_eq "$(state_field "$id" status)" running "state: running"
hyr start "$id"
assert_rc 125 "a second start exits 125"
assert_error_line "container '$id' is running: only a created container can be started" "a second start is refused"
hyr delete "$id"
assert_rc 125 "delete of a running container without --force exits 125"
assert_error_line "is running: stop it first .* or use 'hybox delete --force $id'" "delete without --force is refused"
assert_eq "$(state_field "$id" status)" running "the refused delete left the container running"
hyr pause "$id"
assert_eq "$(state_field "$id" status)" paused "state: paused after pause"
hyr resume "$id"
assert_eq "$(state_field "$id" status)" running "state: running after resume"
hyr kill "$id" TERM
assert_rc 0 "kill ID TERM (runc's positional signal) exits 0"
check "state: stopped after kill" wait_for 10 sh -c "[ \"\$(\"$HYBOX\" --root \"$ROOT\" state \"$id\" 2>/dev/null | grep -c '\"stopped\"')\" = 1 ]"
assert_eq "$(state_field "$id" pid)" 0 "state: pid 0 once stopped"
check "the command's TERM handler ran" grep -qx got-term "$out"
hyr start "$id"
assert_rc 125 "start of a stopped container exits 125"
assert_error_line "is stopped: only a created container can be started" "start of a stopped container is refused"
# runc's answers, which containerd's shim relies on (the CRI kills all of an
# exited container's processes before it deletes it)
hyr kill --all "$id" KILL
assert_rc 0 "kill --all of a stopped container exits 0 (nothing is left to signal)"
hyr kill "$id" TERM
assert_rc 125 "kill of a stopped container exits 125"
assert_error_line "container not running" "kill of a stopped container: runc's 'container not running'"
hyr delete "$id"
assert_rc 0 "delete of a stopped container exits 0"
assert_no_leftovers "$id" "$ROOT"
hyr state "$id"
assert_rc 125 "state of a deleted container exits 125"
assert_error_line "container '$id' does not exist" "state of a deleted container: does not exist"

# --- two containers at once; delete of a created one; delete --force -----------
edit_config "$B/config.json" 'c["process"]["args"] = ["sleep", "1000"]'
id1=$(tid two1)
id2=$(tid two2)
hyr create --bundle "$B" "$id1"
assert_rc 0 "create $id1"
hyr create --bundle "$B" "$id2"
assert_rc 0 "create $id2 while $id1 exists"
hyr create --bundle "$B" "$id2"
assert_rc 125 "create of an existing id exits 125"
assert_error_line "container '$id2' already exists" "create of an existing id is refused"
hyr start "$id2"
assert_eq "$(state_field "$id1" status) $(state_field "$id2" status)" "created running" \
	"two containers: one created, one running"
hyr delete "$id1"
assert_rc 0 "delete of a created container exits 0 (its command is killed, as runc does)"
assert_no_leftovers "$id1" "$ROOT"
hyr delete --force "$id2"
assert_rc 0 "delete --force of a running container exits 0"
assert_no_leftovers "$id2" "$ROOT"
hyr delete --force "$id2"
assert_rc 0 "delete --force of an unknown id exits 0 (runc's behaviour)"
id=$(tid stale)
mkdir -p "$ROOT/$id" "$(cg2_mount)/hybox/$id"
hyr delete "$id"
assert_rc 125 "delete of a stale directory without --force exits 125"
hyr delete --force "$id"
assert_rc 0 "delete --force removes a stale directory (a killed 'hybox run')"
assert_no_leftovers "$id" "$ROOT"

# A killed supervisor takes the container down; it reads as stopped and delete
# removes what it left (its cgroup leaf).
id=$(tid killed)
hyr create --bundle "$B" "$id"
kill_supervisor "$ROOT" "$B" "$id"
hyr delete "$id"
assert_rc 0 "delete after a killed supervisor exits 0"
assert_no_leftovers "$id" "$ROOT"

# --- runc's run: foreground (exit status, process settings) and -d ------------
cp "$SCRATCH/default.json" "$B/config.json"
edit_config "$B/config.json" '
c["process"]["args"] = ["sh", "-c", "echo \"$FOO|$(id -u):$(id -g):$(id -G)|$(pwd)|$(hostname)|$(umask)|$(ulimit -n)\"; grep -E \"^Cap(Eff|Bnd)\" /proc/self/status | tr \"\\t\\n\" \" \"; echo; test -e /sys/fs/cgroup/cgroup.procs && test -d /dev/mqueue && echo mounts-ok; exit 7"]
c["process"]["env"].append("FOO=bar baz")
c["process"]["cwd"] = "/etc"
c["process"]["user"] = {"uid": 1000, "gid": 1000, "umask": 23, "additionalGids": [5]}
c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 512}]
c["hostname"] = "ocibox"'
id=$(tid run)
hyr run --bundle "$B" "$id"
assert_rc 7 "run --bundle exits with the command's status"
line1=$(sed -n 1p <<<"$RUN_OUT")
assert_eq "$line1" "bar baz|1000:1000:1000 5|/etc|ocibox|0027|512" \
	"run: env, uid:gid:groups, cwd, hostname, umask and RLIMIT_NOFILE from config.json"
assert_match "$(sed -n 2p <<<"$RUN_OUT")" "CapEff:.0000000000000000 CapBnd:.00000000a80425fb" \
	"run: uid 1000 has no effective capabilities, the bounding set is hybox's"
assert_eq "$(sed -n 3p <<<"$RUN_OUT")" "mounts-ok" "run: the cgroup2 view on /sys/fs/cgroup and /dev/mqueue are mounted"
assert_no_leftovers "$id" "$ROOT"

cp "$SCRATCH/default.json" "$B/config.json"
edit_config "$B/config.json" 'c["process"]["args"] = ["hostname"]; c["annotations"] = {"org.hybox.policy": "{\"syscalls\": {\"deny\": [\"uname\"]}}"}'
hyr run -b "$B" "$(tid policy)"
assert_eq "$RUN_OUT" "?" "an inline org.hybox.policy applies (uname denied: hostname prints ?)"
edit_config "$B/config.json" 'del c["annotations"]'
hyr run -b "$B" "$(tid nopolicy)"
assert_eq "$RUN_OUT" "hybox" "without it, hostname prints config.json's hostname"

cp "$SCRATCH/default.json" "$B/config.json"
edit_config "$B/config.json" 'c["process"]["args"] = ["sh", "-c", "grep ^MemTotal: /proc/meminfo; nproc"]
c["linux"]["resources"] = {"memory": {"limit": 268435456}, "cpu": {"quota": 50000, "period": 100000}}'
hyr run -b "$B" "$(tid res)"
assert_rc 0 "run with linux.resources exits 0"
assert_match "$(sed -n 1p <<<"$RUN_OUT")" '^MemTotal: +262144 kB$' "linux.resources.memory.limit: /proc/meminfo shows it"
assert_eq "$(sed -n 2p <<<"$RUN_OUT")" 1 "linux.resources.cpu quota/period 0.5: one CPU"

# --- process.terminal: a pty whose master goes to --console-socket --------------
# A console socket server as containerd's shim or conmon: it takes the master
# (SCM_RIGHTS), types a line and reads what the command printed.
cp "$SCRATCH/default.json" "$B/config.json"
edit_config "$B/config.json" 'c["process"]["terminal"] = True
c["process"]["consoleSize"] = {"height": 33, "width": 101}
c["process"]["args"] = ["sh", "-c", "tty; stty size; test -t 0 && test -t 1 && echo on-a-tty; read x; echo got:$x"]'
sock=$SCRATCH/console.sock
console_server "$sock" >"$SCRATCH/console.out" 2>&1 &
srv=$!
wait_for 10 test -S "$sock" || true
id=$(tid tty)
hyr run -d --console-socket "$sock" --bundle "$B" "$id"
assert_rc 0 "run -d --console-socket with process.terminal exits 0"
wait "$srv"
con=$(cat "$SCRATCH/console.out")
assert_match "$(sed -n 1p <<<"$con")" '^name:/dev/pts/[0-9]+$' "the console socket gets the master, named after its pts"
assert_contains "$con" "33 101" "process.consoleSize sets the terminal's rows and columns"
assert_contains "$con" "on-a-tty" "stdin and stdout are the terminal"
assert_contains "$con" "got:hello" "what the socket's holder types reaches the command"
check "the tty container stops" wait_for 10 sh -c "\"$HYBOX\" --root \"$ROOT\" state \"$id\" 2>/dev/null | grep -q '\"stopped\"'"
hyr delete "$id"
assert_no_leftovers "$id" "$ROOT"
# create's stdout and stderr as pipes (containerd's shim reads them until
# every writer has closed them, before it starts the container): with a
# terminal, nothing of the container may hold them, or create never returns.
sock2=$SCRATCH/console2.sock
console_server "$sock2" >"$SCRATCH/console2.out" 2>&1 &
srv=$!
wait_for 10 test -S "$sock2" || true
id=$(tid ttypipe)
HYBOX_TEST_TIMEOUT=20 run_capture bash -c 'set -o pipefail; "$@" 2>&1 | cat' - \
	"$HYBOX" --root "$ROOT" create --console-socket "$sock2" --bundle "$B" "$id"
assert_rc 0 "create --console-socket returns while its stdout and stderr are pipes"
hyr start "$id"
wait "$srv"
assert_contains "$(cat "$SCRATCH/console2.out")" "got:hello" "and the container then runs on its terminal"
check "the container stops" wait_for 10 sh -c "\"$HYBOX\" --root \"$ROOT\" state \"$id\" 2>/dev/null | grep -q '\"stopped\"'"
hyr delete "$id"
assert_no_leftovers "$id" "$ROOT"
bad_bundle_console() { # DESC ERE OPTION...
	local desc=$1 ere=$2 id
	shift 2
	id=$(tid "bad$_t_n")
	hyr create "$@" --bundle "$B" "$id"
	assert_rc 125 "$desc: create exits 125"
	assert_error_line "$ere" "$desc: the error names it"
	assert_no_leftovers "$id" "$ROOT"
}
bad_bundle_console "terminal without --console-socket" 'process\.terminal is true: --console-socket SOCKET is needed'
bad_bundle_console "a console socket nobody listens on" "--console-socket $SCRATCH/nobody\\.sock: connect: " \
	--console-socket "$SCRATCH/nobody.sock"
edit_config "$B/config.json" 'c["process"]["terminal"] = False'
bad_bundle_console "--console-socket without a terminal" 'process\.terminal is false in config\.json' \
	--console-socket "$sock"

cp "$SCRATCH/default.json" "$B/config.json"
edit_config "$B/config.json" 'c["process"]["args"] = ["sleep", "1000"]
c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 512}]'
id=$(tid detach)
hyr run -d --bundle "$B" "$id"
assert_rc 0 "run -d exits 0 once the container runs"
assert_eq "$(state_field "$id" status)" running "run -d: state running"
# exec's process.json rlimits (containerd's repeat the container's): each
# within the container's; more is refused by name.
proc_rlimit() { # SOFT HARD: a process.json printing its RLIMIT_NOFILE
	printf '{"args": ["sh", "-c", "ulimit -n; ulimit -Hn"], "cwd": "/", "env": ["PATH=/bin"], "rlimits": [{"type": "RLIMIT_NOFILE", "soft": %d, "hard": %d}]}' \
		"$1" "$2" >"$SCRATCH/rl.json"
}
proc_rlimit 256 300
hyr exec --process "$SCRATCH/rl.json" "$id"
assert_eq "$RUN_RC $(tr '\n' ' ' <<<"$RUN_OUT")" "0 256 300 " "exec --process: its rlimits, within the container's"
proc_rlimit 512 4096
hyr exec --process "$SCRATCH/rl.json" "$id"
assert_eq "$RUN_RC" 125 "exec --process: an rlimit above the container's exits 125"
assert_error_line "rlimits.*RLIMIT_NOFILE hard 4096 is above the container's 512" "... naming it"
hyr kill "$id" KILL
check "run -d: stopped after kill KILL" wait_for 10 sh -c "\"$HYBOX\" --root \"$ROOT\" state \"$id\" 2>/dev/null | grep -q '\"stopped\"'"
hyr delete "$id"
assert_rc 0 "run -d: delete of the stopped container exits 0"
assert_no_leftovers "$id" "$ROOT"

# --- malformed bundles: one error line naming the field, nothing left ---------
# bad_bundle DESC ERE PYTHON: a fresh config.json edited by PYTHON must be refused.
bad_bundle() {
	local desc=$1 ere=$2 id
	id=$(tid "bad$_t_n")
	cp "$SCRATCH/default.json" "$B/config.json"
	edit_config "$B/config.json" "$3"
	hyr create --bundle "$B" "$id"
	assert_rc 125 "$desc: create exits 125"
	assert_error_line "$ere" "$desc: the error names it"
	assert_no_leftovers "$id" "$ROOT"
}
bad_bundle "an nfs mount" 'config.json:[0-9]+:[0-9]+: mounts\[7\]\.type: "nfs" is not supported' \
	'c["mounts"].append({"destination": "/data", "type": "nfs", "source": "srv:/x"})'
bad_bundle "a mount namespace path" 'linux\.namespaces\[4\]\.path: joining an existing mount namespace is refused: hybox builds' \
	'c["linux"]["namespaces"][4]["path"] = "/proc/1/ns/mnt"'
bad_bundle "an unknown namespace type" 'linux\.namespaces\[6\]\.type: expected pid, network' \
	'c["linux"]["namespaces"].append({"type": "foo"})'
bad_bundle "an unknown property" 'process\.argz: unknown property' \
	'c["process"]["argz"] = ["x"]'
bad_bundle "a relative mount destination" 'mounts\[0\]\.destination: expected an absolute path' \
	'c["mounts"][0]["destination"] = "proc"'
bad_bundle "linux.resources.devices allowing a block device" \
	'linux\.resources\.devices\[1\]: allows block devices, which is not supported' \
	'c["linux"]["resources"] = {"devices": [{"allow": False, "access": "rwm"}, {"allow": True, "type": "b", "major": 8, "minor": 0, "access": "r"}]}'
bad_bundle "a tiny memory limit" 'linux\.resources\.memory\.limit: expected at least 4194304 bytes' \
	'c["linux"]["resources"] = {"memory": {"limit": 4096}}'
bad_bundle "a missing root" 'root\.path: .*/nonexistent: No such file or directory' \
	'c["root"]["path"] = "nonexistent"'
bad_bundle "a command not in the rootfs" 'process\.args\[0\]: "nosuchcmd" not found in the root' \
	'c["process"]["args"] = ["nosuchcmd"]'
bad_bundle "a missing cwd" 'process\.cwd: "/nonexistent" in the root .*: No such file' \
	'c["process"]["cwd"] = "/nonexistent"'
bad_bundle "an rlimit above the hard limit" 'set process\.rlimits RLIMIT_NOFILE .*: Operation not permitted' \
	'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 1 << 40, "hard": 1 << 40}]'
bad_bundle "a missing policy file" 'annotations\["org\.hybox\.policy"\]: .*/nope\.json: No such file' \
	'c["annotations"] = {"org.hybox.policy": "nope.json"}'
printf '{"ociVersion": "1.0.2",' >"$B/config.json"
id=$(tid badjson)
hyr create --bundle "$B" "$id"
assert_error_line "config.json:1:[0-9]+: .*\(not valid JSON\)" "bad JSON: the error gives the position"
assert_no_leftovers "$id" "$ROOT"
rm "$B/config.json"
hyr create --bundle "$B" "$id"
assert_error_line "config.json: No such file or directory" "a bundle without config.json is refused"
assert_no_leftovers "$id" "$ROOT"
cp "$SCRATCH/default.json" "$B/config.json"
hyr create --bundle "$B" --console-socket /nonexistent-dir/x "$id"
assert_error_line "--console-socket /nonexistent-dir/x: No such file or directory" \
	"--console-socket in a missing directory is refused"
hyr create --bundle "$B" --pid-file /nonexistent/dir/pid "$id"
assert_error_line "--pid-file /nonexistent/dir/pid" "a pid file in a missing directory is refused"
hyr create --bundle "$B" "bad/id"
assert_error_line "container id 'bad/id'" "a malformed id is refused"
assert_no_leftovers "$id" "$ROOT"

# --- runc's events --stats ------------------------------------------------------------
cp "$SCRATCH/default.json" "$B/config.json"
edit_config "$B/config.json" 'c["process"]["args"] = ["sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 1000"]'
id=$(tid stats)
hyr run -d --bundle "$B" "$id"
sleep 0.5
hyr events --stats "$id"
assert_rc 0 "events --stats exits 0"
assert_eq "$(python3 -c 'import json,sys; s=json.loads(sys.stdin.read()); print(s["type"], s["id"] == sys.argv[1], s["data"]["cpu"]["usage"]["total"] > 0)' "$id" <<<"$RUN_OUT")" \
	"stats True True" "events --stats: runc's stats event, with the cgroup's cpu usage"
hyr delete --force "$id"
hyr events --stats "$id"
assert_rc 125 "events --stats of a gone container exits 125"
assert_no_leftovers "$id" "$ROOT"

# --- runc's streaming events: --interval -------------------------------------------
# stream_lines FILE: the number of lines the background stream has written.
stream_lines() { grep -c '' "$1" 2>/dev/null; }
# stream_shape FILE ID: every line a stats event of ID, with the cgroup's cpu usage.
stream_shape() {
	python3 - "$1" "$2" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
bad = [e for e in evs if e["type"] != "stats" or e["id"] != sys.argv[2]
       or not isinstance(e["data"]["cpu"]["usage"]["total"], int)
       or not set(e["data"]) <= {"cpu", "memory", "pids"}]
print(len(evs), "bad:", bad[:1])
PY
}
stream_ended() { ! kill -0 "$1" 2>/dev/null; }
has_stopped() { [ "$(state_field "$1" status)" = stopped ]; }

cp "$SCRATCH/default.json" "$B/config.json"
edit_config "$B/config.json" 'c["process"]["args"] = ["sh", "-c", "while :; do sleep 0.05; done"]'
id=$(tid stream)
hyr run -d --bundle "$B" "$id"
assert_rc 0 "run -d: a container to stream the stats of"
bg_start "$HYBOX" --root "$ROOT" events --interval 100ms "$id" >"$SCRATCH/stream.out" 2>"$SCRATCH/stream.err"
stream=$BG_PID
lines_at_least() { [ "$(stream_lines "$SCRATCH/stream.out")" -ge "$1" ]; }
check "events --interval 100ms: at least two lines within 10 s" wait_for 10 lines_at_least 2
assert_match "$(stream_shape "$SCRATCH/stream.out" "$id")" '^[0-9]+ bad: \[\]$' \
	"events --interval: each line is runc's stats event of the container"
check "events --interval: still streaming while the container runs" kill -0 "$stream"
hyr events --stats --interval 100ms "$id"
assert_eq "$(python3 -c 'import json,sys; l=sys.stdin.read().splitlines(); print(len(l), json.loads(l[0])["type"])' <<<"$RUN_OUT")" \
	"1 stats" "events --stats --interval: one event (--stats wins, as in runc)"
assert_rc 0 "events --stats --interval exits 0"
run_capture bash -c '"$0" --root "$1" events --interval 50ms "$2" | head -n 1 >/dev/null; exit "${PIPESTATUS[0]}"' \
	"$HYBOX" "$ROOT" "$id"
assert_rc 0 "events --interval: a closed stdout ends the stream with 0"
assert_eq "$RUN_ERR" "" "events --interval: ... and quietly"
hyr kill "$id" KILL
check "events --interval: the stream ends when the container stops" wait_for 10 stream_ended "$stream"
wait "$stream"
assert_eq "$?" 0 "events --interval: exit 0 once the container stopped"
assert_eq "$(cat "$SCRATCH/stream.err")" "" "events --interval: nothing on stderr"
hyr events --interval 100ms "$id"
assert_rc 125 "events --interval of a stopped container exits 125"
assert_error_line "container '$id' is not running under" "events --interval of a stopped container: --stats's error"
wait_for 10 has_stopped "$id" || true
hyr delete "$id"
assert_rc 0 "delete the stopped container"
hyr events --interval 100ms "$id"
assert_error_line "container '$id' is not running under" "events --interval of an unknown container: --stats's error"
assert_rc 125 "events --interval of an unknown container exits 125"
for bad in "x:got \"x\"" "5:got \"5\"" "1m30:got \"1m30\"" "=:got \"\"" "=0:above 0, got \"0\"" \
	"-1s:above 0, got \"-1s\"" "=0ms:above 0, got \"0ms\""; do
	val=${bad%%:*} want=${bad#*:}
	if [ "${val:0:1}" = = ]; then hyr events "--interval$val" "$id"; else hyr events --interval "$val" "$id"; fi
	assert_rc 125 "events --interval '$val' is a usage error (125)"
	assert_error_line "^hybox events: --interval: expected a duration .*$want\$" \
		"events --interval '$val': the option and what was expected"
done
hyr events --interval
assert_rc 125 "events --interval without a value exits 125"

# An OOM kill: `oom` comes when the kernel counts it, long before the first
# stats event of a 1 h interval; memory.swap = limit, so no swap delays it.
# The container's dd waits for a file in a bound directory: the stream is
# watching by then. The container goes on after the kill.
if [ "$(feature_state cgroup_memory)" = yes ]; then
	mkdir -p "$SCRATCH/trig"
	cp "$SCRATCH/default.json" "$B/config.json"
	edit_config "$B/config.json" 'c["process"]["args"] = ["sh", "-c", "while [ ! -e /trig/go ]; do sleep 0.05; done; dd if=/dev/zero of=/dev/null bs=64M count=1; echo dd=$?; while :; do sleep 0.05; done"]
c["linux"]["resources"] = {"memory": {"limit": 16777216, "swap": 16777216}}
c["mounts"].append({"destination": "/trig", "type": "bind", "source": arg, "options": ["rbind", "ro"]})' "$SCRATCH/trig"
	id=$(tid oom)
	run_capture sh -c "exec \"\$0\" --root \"$ROOT\" run -d --bundle \"$B\" \"$id\" >\"$SCRATCH/oom.run\" 2>&1" "$HYBOX"
	assert_rc 0 "run -d: a container with a 16 MiB memory limit"
	bg_start "$HYBOX" --root "$ROOT" events --interval 1h "$id" >"$SCRATCH/oom.out" 2>"$SCRATCH/oom.err"
	stream=$BG_PID
	sleep 0.5
	touch "$SCRATCH/trig/go"
	dd_done() { grep -q '^dd=' "$SCRATCH/oom.run"; }
	wait_for 10 dd_done || true
	assert_eq "$(grep '^dd=' "$SCRATCH/oom.run")" "dd=137" "dd bs=64M in a 16 MiB container is OOM-killed"
	has_oom() { grep -qxF "{\"type\":\"oom\",\"id\":\"$id\"}" "$SCRATCH/oom.out"; }
	check "events --interval 1h: an oom event for the kill, at once" wait_for 5 has_oom
	assert_eq "$(grep -c '"stats"' "$SCRATCH/oom.out")" 0 "events --interval 1h: no stats event yet"
	hyr kill "$id" KILL
	check "events --interval 1h: the stream ends when the container stops" wait_for 10 stream_ended "$stream"
	wait "$stream"
	assert_eq "$?" 0 "events --interval 1h: exit 0 once the container stopped"
	assert_eq "$(grep -c '' "$SCRATCH/oom.out")" 1 "events --interval 1h: one oom line, nothing else"
	wait_for 10 has_stopped "$id" || true
	hyr delete "$id"
	assert_no_leftovers "$id" "$ROOT"
else
	skip "oom events need the cgroup v2 memory controller (cgroup_memory: $(feature_state cgroup_memory))"
fi

# --- a subreaper (containerd's shim, conmon) reaps init and gets the status --------
cp "$SCRATCH/default.json" "$B/config.json"
edit_config "$B/config.json" 'c["process"]["args"] = ["sh", "-c", "sleep 0.2; exit 7"]'
id=$(tid reaper)
run_capture python3 - "$HYBOX" "$ROOT" "$B" "$id" "$SCRATCH/reaper.pid" <<'PY'
import ctypes, json, os, subprocess, sys
H, root, bundle, cid, pidf = sys.argv[1:6]
assert ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
subprocess.run([H, "--root", root, "create", "--bundle", bundle, "--pid-file", pidf, cid],
               check=True)
pid = int(open(pidf).read())
state = json.loads(subprocess.run([H, "--root", root, "state", cid], check=True,
                                  capture_output=True, text=True).stdout)
print("state-pid-is-pid-file" if state["pid"] == pid else "state-pid %d" % state["pid"])
subprocess.run([H, "--root", root, "start", cid], check=True)
while True:
    p, st = os.waitpid(-1, 0)
    if p == pid:
        print("reaped exit %d" % os.waitstatus_to_exitcode(st))
        break
PY
assert_contains "$RUN_OUT" "state-pid-is-pid-file" "state's pid is the pid file's (init's)"
assert_contains "$RUN_OUT" "reaped exit 7" "a subreaper reaps init and gets the command's exit status"
check "the reaped container stops" wait_for 10 sh -c "\"$HYBOX\" --root \"$ROOT\" state \"$id\" 2>/dev/null | grep -q '\"stopped\"'"
hyr delete "$id"
assert_no_leftovers "$id" "$ROOT"

# --- help -------------------------------------------------------------------------
for verb in spec create start state delete; do
	hy "$verb" --help
	assert_match "$RUN_RC $RUN_OUT" "^0 Usage: hybox $verb" "$verb --help"
done
hy run --bundle x --help
assert_match "$RUN_OUT" "^Usage: hybox run \[OPTIONS\] --bundle DIR ID" "run --bundle --help is runc's run"
hy --systemd-cgroup state x
assert_error_line "--systemd-cgroup: not supported" "--systemd-cgroup is refused by name"
done_testing
