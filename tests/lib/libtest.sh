# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# TAP helpers for the shell tests that drive the real hybox binary. Sourced by
# every tests/{integration,priv}/NN-topic.sh; the script ends with done_testing, which
# prints the plan "1..N" and exits non-zero if any test failed.
#
#   ok / not_ok / skip / check    one TAP line each
#   assert_eq / assert_ne / assert_contains / assert_not_contains / assert_match
#   assert_file_has / assert_rc / assert_error_line / assert_events
#   run_capture CMD...            RUN_OUT, RUN_ERR, RUN_RC (stdin passes through)
#   hy ARGS...                    run_capture "$HYBOX" ARGS...
#   require WHAT...               exit 77 with the reason when a prerequisite is missing
#   cg2_mount / cg2_mounts        the cgroup2 mount point(s) from /proc/self/mountinfo
#   assert_no_leftovers ID [ROOT [ROOTFS [CGPATH]]]   state dir, cgroup leaf (CGPATH:
#                                 linux.cgroupsPath's, below the cgroup2 mount), mounts, processes
#   events_query FILE EXPR        evaluate a Python expression over the JSON Lines events
#   make_bundle DIR               an OCI bundle: busybox rootfs + `hybox spec`
#   kill_supervisor ROOT BUNDLE ID   SIGKILL a created container's supervisor
#   bg_start / wait_for / tid / scratch_dir   background runs, polling, unique ids,
#                                 temp dirs outside /tmp (the sandbox's /tmp is private)
#
# Environment: HYBOX (binary under test, required), PAYLOAD_DIR (static test
# payloads; probe is $PAYLOAD_DIR/probe), HYBOX_TEST_TIMEOUT (seconds per
# command, default 60), HYBOX_MUST_WORK (handled by scripts/run_tap.sh).
# Runs with the caller's privileges; the tests that need root say so with
# `require root`. Temporary files live in $TEST_TMP, removed on exit.

set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck disable=SC2034 # for the test scripts
REPO_DIR=$(cd "$TESTS_DIR/.." && pwd -P)
# shellcheck source=containerd.sh
. "$TESTS_DIR/lib/containerd.sh"
TEST_NAME=$(basename "$0" .sh)
PROBE=${PAYLOAD_DIR:+$PAYLOAD_DIR/probe}
PROBE=${PROBE:-/nonexistent/PAYLOAD_DIR-not-set/probe}
HYBOX_STATE_ROOT=/run/hybox
export LC_ALL=C

_t_n=0
_t_failed=0
_t_done=0
_t_bg_pids=()

if [ -z "${HYBOX:-}" ]; then
	echo "Bail out! HYBOX is not set (the binary under test)"
	exit 1
fi

# A test must never wait on a terminal.
[ -t 0 ] && exec </dev/null

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hybox-$TEST_NAME.XXXXXX")
_t_dirs=("$TEST_TMP")

# scratch_dir: sets SCRATCH to a new temporary directory outside /tmp (the
# sandbox's /tmp is private, so paths the sandboxed command must see cannot
# live in $TEST_TMP). Removed at exit like $TEST_TMP. Not for use in $(...).
scratch_dir() {
	SCRATCH=$(mktemp -d /var/tmp/hybox-"$TEST_NAME".XXXXXX) || return 1
	_t_dirs+=("$SCRATCH")
}

_t_cleanup() {
	local rc=$? pid d
	for pid in "${_t_bg_pids[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	# Never recurse into something a runtime left mounted under our temp dirs.
	for d in "${_t_dirs[@]}"; do
		if grep -qF " $d" /proc/self/mountinfo; then
			echo "# leaving $d: something is still mounted under it"
		else
			rm -rf --one-file-system "$d"
		fi
	done
	if [ "$_t_done" = 0 ] && [ "$rc" != 77 ]; then
		echo "not ok $((_t_n + 1)) - $TEST_NAME stopped (exit $rc) before done_testing"
		echo "1..$((_t_n + 1))"
		[ "$rc" = 0 ] && rc=1
	fi
	exit "$rc"
}
trap _t_cleanup EXIT

# --- TAP lines ---------------------------------------------------------------

_t_diag() {
	local line
	[ $# -gt 0 ] || return 0
	printf '%s\n' "$@" | head -n 40 | while IFS= read -r line; do
		printf '#   %.200s\n' "$line"
	done
}

ok() { # DESC
	_t_n=$((_t_n + 1))
	echo "ok $_t_n - $1"
}

not_ok() { # DESC [DIAG...]
	_t_n=$((_t_n + 1))
	_t_failed=$((_t_failed + 1))
	echo "not ok $_t_n - $1"
	shift
	_t_diag "$@"
	return 0
}

skip() { # REASON
	_t_n=$((_t_n + 1))
	echo "ok $_t_n # SKIP $1"
}

# check DESC CMD...: ok when CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "command failed: $*"; fi
}

assert_eq() { # GOT WANT DESC
	if [ "$1" == "$2" ]; then
		ok "$3"
	else
		not_ok "$3" "expected: $2" "got:      $1"
	fi
}

assert_ne() { # GOT UNWANTED DESC
	if [ "$1" != "$2" ]; then
		ok "$3"
	else
		not_ok "$3" "expected anything but: $2"
	fi
}

assert_contains() { # HAYSTACK NEEDLE DESC
	if [[ $1 == *"$2"* ]]; then
		ok "$3"
	else
		not_ok "$3" "expected to contain: $2" "in:" "$1"
	fi
}

assert_not_contains() { # HAYSTACK NEEDLE DESC
	if [[ $1 != *"$2"* ]]; then
		ok "$3"
	else
		not_ok "$3" "expected not to contain: $2" "in:" "$1"
	fi
}

assert_match() { # STRING ERE DESC
	if [[ $1 =~ $2 ]]; then
		ok "$3"
	else
		not_ok "$3" "expected to match: $2" "got:" "$1"
	fi
}

assert_file_has() { # FILE ERE DESC
	if [ ! -f "$1" ]; then
		not_ok "$3" "no such file: $1"
	elif grep -qE -- "$2" "$1"; then
		ok "$3"
	else
		not_ok "$3" "$1 has no line matching: $2" "$(head -n 20 "$1")"
	fi
}

# assert_rc WANT DESC: checks RUN_RC from the last run_capture; shows stderr on failure.
assert_rc() {
	if [ "$RUN_RC" = "$1" ]; then
		ok "$2"
	else
		not_ok "$2" "expected exit $1, got $RUN_RC" "stdout: $RUN_OUT" "stderr: $RUN_ERR"
	fi
}

# assert_error_line ERE DESC: stderr of the last run is one line matching ERE
# (case-insensitive), e.g. naming the flag or path that was wrong.
assert_error_line() {
	local lines
	lines=$(printf '%s' "$RUN_ERR" | grep -c '')
	if [ "$lines" = 1 ] && printf '%s\n' "$RUN_ERR" | grep -qiE -- "$1"; then
		ok "$2"
	else
		not_ok "$2" "expected one stderr line matching: $1" "got $lines lines:" "$RUN_ERR"
	fi
}

done_testing() {
	_t_done=1
	echo "1..$_t_n"
	[ "$_t_failed" -eq 0 ] && exit 0
	exit 1
}

# --- running commands --------------------------------------------------------

# run_capture CMD...: runs CMD (stdin inherited) under a timeout; sets RUN_OUT,
# RUN_ERR (trailing newlines and NUL bytes stripped) and RUN_RC. A timeout
# shows as RUN_RC=124 with a note in RUN_ERR.
run_capture() {
	local out="$TEST_TMP/.out" err="$TEST_TMP/.err"
	timeout -k 5 "${HYBOX_TEST_TIMEOUT:-60}" "$@" >"$out" 2>"$err"
	RUN_RC=$?
	RUN_OUT=$(tr -d '\0' <"$out")
	RUN_ERR=$(tr -d '\0' <"$err")
	if [ "$RUN_RC" = 124 ]; then
		RUN_ERR="$RUN_ERR
(timed out after ${HYBOX_TEST_TIMEOUT:-60}s: $*)"
	fi
}

hy() {
	run_capture "$HYBOX" "$@"
}

# bg_start CMD...: start CMD in the background (killed at exit if still alive);
# sets BG_PID. CMD keeps the caller's stdin (bash would give it /dev/null).
bg_start() {
	"$@" <&0 &
	BG_PID=$!
	_t_bg_pids+=("$BG_PID")
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local tries=$(($1 * 10))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# A container id unique to this run of this script.
tid() {
	echo "hyt-$$-$1"
}

# make_bundle DIR: DIR/rootfs (scripts/mkrootfs.sh, busybox) and DIR/config.json
# (`hybox spec`), one TAP line; needs `require busybox`.
make_bundle() {
	mkdir -p "$1"
	run_capture "$REPO_DIR/scripts/mkrootfs.sh" "$1/rootfs"
	assert_rc 0 "mkrootfs.sh builds a busybox rootfs for the bundle"
	run_capture "$HYBOX" spec --bundle "$1"
}

# oci_scratch: the scratch directory of an OCI test: ROOT (the global --root
# every container of the test lives under), B (a busybox bundle, config.json
# by hybox spec) and SCRATCH/default.json (that config, to start over from).
oci_scratch() {
	scratch_dir
	ROOT=$SCRATCH/state
	B=$SCRATCH/bundle
	make_bundle "$B"
	cp "$B/config.json" "$SCRATCH/default.json"
}

# hyr ARGS...: hy with the test's --root "$ROOT".
hyr() { hy --root "$ROOT" "$@"; }

# edit_config FILE PYTHON [ARG]: run PYTHON on the JSON document c read from
# FILE (a config.json), with ARG as arg, and write c back.
edit_config() {
	python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
arg = sys.argv[3]
exec(sys.argv[2])
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
}

# kill_supervisor ROOT BUNDLE ID: SIGKILL the detached supervisor of container
# ID (created with `--root ROOT create --bundle BUNDLE ID`) and wait until the
# container reads as stopped; two TAP lines.
kill_supervisor() {
	local root=$1 bundle=$2 id=$3 sup
	sup=$(pgrep -xf "$HYBOX --root $root create --bundle $bundle $id" | head -n 1)
	check "the detached supervisor runs (pid ${sup:-none})" test -n "$sup"
	[ -n "$sup" ] && kill -KILL "$sup"
	check "after SIGKILL of the supervisor the state is stopped" wait_for 10 sh -c \
		"\"$HYBOX\" --root \"$root\" state \"$id\" 2>/dev/null | grep -q '\"stopped\"'"
}

# --- prerequisites -----------------------------------------------------------

_t_skip_all() {
	if [ "$_t_n" -eq 0 ]; then
		echo "1..0 # SKIP $TEST_NAME: $1"
	else
		echo "# SKIP $TEST_NAME: $1"
	fi
	_t_done=1
	exit 77
}

# features_json: `hybox features --json`, cached; empty when it fails.
_t_features=
_t_features_done=0
features_json() {
	if [ "$_t_features_done" = 0 ]; then
		_t_features=$(timeout 30 "$HYBOX" features --json 2>/dev/null) || _t_features=
		_t_features_done=1
	fi
	printf '%s' "$_t_features"
}

# feature_state NAME...: prints "yes", "no REASON" or "unknown REASON" for the
# first name that `hybox features --json` reports as .features.NAME.
feature_state() {
	local json
	json=$(features_json)
	if [ -z "$json" ]; then
		echo "unknown '$HYBOX features --json' failed"
		return
	fi
	printf '%s' "$json" | python3 -c '
import json, sys
try:
    feats = json.load(sys.stdin).get("features", {})
except Exception as e:
    print("unknown features --json is not JSON:", e); sys.exit()
for name in sys.argv[1:]:
    f = feats.get(name)
    if f is None:
        continue
    avail = f.get("available") if isinstance(f, dict) else f
    if avail is True:
        print("yes")
    else:
        why = (f.get("reason") or f.get("why")) if isinstance(f, dict) else None
        print("no", why or "reported unavailable")
    sys.exit()
print("unknown not reported by features --json")
' "$@" 2>/dev/null || echo "unknown python3 failed to read features --json"
}

# require WHAT...: exit 77 with the reason unless every prerequisite holds.
#   root, cgroup2, python3, probe, busybox, unshare  checked here;
#   anything else (bpf_lsm, userns/user_ns, ...) asks `hybox features --json`.
require() {
	local what state
	[ -x "$HYBOX" ] || _t_skip_all "HYBOX=$HYBOX is not an executable"
	for what in "$@"; do
		case $what in
		root)
			[ "$(id -u)" = 0 ] || _t_skip_all "needs root"
			;;
		cgroup2)
			[ -n "$(cg2_mount)" ] || _t_skip_all "no cgroup2 mount in /proc/self/mountinfo"
			;;
		python3)
			command -v python3 >/dev/null || _t_skip_all "needs python3"
			;;
		unshare)
			command -v unshare >/dev/null || _t_skip_all "needs unshare (util-linux)"
			;;
		probe)
			[ -x "$PROBE" ] || _t_skip_all "no probe payload at $PROBE (make payloads)"
			# The sandbox gets a private /tmp: a payload under /tmp (a checkout
			# there) is invisible inside, so stage a copy where the sandbox sees it.
			case $(cd "$(dirname "$PROBE")" && pwd -P)/ in
			/tmp/*)
				scratch_dir || _t_skip_all "cannot stage payloads outside /tmp"
				cp -a "$PAYLOAD_DIR"/. "$SCRATCH"/
				PAYLOAD_DIR=$SCRATCH
				PROBE=$PAYLOAD_DIR/probe
				;;
			esac
			;;
		busybox)
			busybox_static >/dev/null ||
				_t_skip_all "no static busybox at ${BUSYBOX:-/bin/busybox} (busybox-static)"
			;;
		*)
			case $what in
			userns | user_ns) state=$(feature_state user_ns userns) ;;
			*) state=$(feature_state "$what") ;;
			esac
			[ "$state" = yes ] || _t_skip_all "feature $what: ${state#* }"
			;;
		esac
	done
}

busybox_static() {
	local bb=${BUSYBOX:-/bin/busybox}
	[ -x "$bb" ] || return 1
	if command -v readelf >/dev/null && readelf -l "$bb" 2>/dev/null | grep -q 'program interpreter'; then
		return 1
	fi
	echo "$bb"
}

# --- host state --------------------------------------------------------------

# cg2_mounts: every cgroup2 mount point, one per line (fstype follows " - ").
cg2_mounts() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
		/proc/self/mountinfo
}

# cg2_mount: the cgroup2 mount hybox uses (the unified hierarchy in hybrid mode).
cg2_mount() {
	local m all
	all=$(cg2_mounts)
	for m in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		if printf '%s\n' "$all" | grep -qxF "$m"; then
			echo "$m"
			return
		fi
	done
	printf '%s\n' "$all" | head -n 1
}

# leftovers ID [ROOT [ROOTFS [CGPATH]]]: prints what hybox left behind for
# container ID; CGPATH is its leaf below the cgroup2 mount (default hybox/ID).
leftovers() {
	local id=$1 root=${2:-$HYBOX_STATE_ROOT} rootfs=${3:-} leaf=${4:-hybox/$1} cg f pid
	cg=$(cg2_mount)
	[ -e "$root/$id" ] && echo "state dir $root/$id exists"
	[ -n "$cg" ] && [ -e "$cg/hybox/$id" ] && echo "cgroup leaf $cg/hybox/$id exists"
	[ -n "$cg" ] && [ "$leaf" != "hybox/$id" ] && [ -e "$cg/$leaf" ] && echo "cgroup leaf $cg/$leaf exists"
	grep -F -- "$id" /proc/self/mountinfo | sed 's/^/mount: /'
	if [ -n "$rootfs" ]; then
		grep -F -- " $rootfs" /proc/self/mountinfo | sed 's/^/mount: /'
	fi
	# One grep over all of /proc: a loop forking per process takes seconds.
	grep -lE -- "/(hybox/$id|$leaf)(/|\$)" /proc/[0-9]*/cgroup 2>/dev/null | while read -r f; do
		pid=${f#/proc/}
		pid=${pid%/cgroup}
		echo "process $pid in the leaf: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")"
	done
	# The id comes from a file: grep's own argv must not match itself.
	grep -lxzF -f <(printf '%s\n' "$id") /proc/[0-9]*/cmdline 2>/dev/null | while read -r f; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		[ "$pid" = $$ ] && continue
		echo "process $pid still names the id: $(tr '\0' ' ' 2>/dev/null <"$f")"
	done
	return 0
}

assert_no_leftovers() { # ID [ROOT [ROOTFS [CGPATH]]]
	local left
	left=$(leftovers "$@")
	if [ -z "$left" ]; then
		ok "nothing left behind by $1"
	else
		not_ok "nothing left behind by $1" "$left"
	fi
}

# oci_refused ROOT BUNDLE DESC ERE: `create` of BUNDLE must exit 125 with one
# error line matching ERE and leave nothing behind under ROOT.
oci_refused() {
	local id
	id=$(tid "bad$_t_n")
	hy --root "$1" create --bundle "$2" "$id"
	assert_rc 125 "$3: create exits 125"
	assert_error_line "$4" "$3: the error names it"
	assert_no_leftovers "$id" "$1"
}

# --- events ------------------------------------------------------------------

# events_query FILE EXPR: prints the value of the Python expression EXPR, where
# ev is the list of event objects read from FILE (JSON Lines; blank lines are
# ignored, a line that is not JSON fails with "ERROR ..."). Helpers: kind(k)
# lists the events of one kind; get(e, "a.b") reads a nested key (None if absent).
events_query() {
	python3 -c '
import json, sys
def get(e, path):
    for k in path.split("."):
        if not isinstance(e, dict) or k not in e:
            return None
        e = e[k]
    return e
ev = []
for n, line in enumerate(open(sys.argv[1]), 1):
    if line.strip():
        try:
            ev.append(json.loads(line))
        except ValueError as x:
            print("ERROR line %d is not JSON: %s: %r" % (n, x, line[:200])); sys.exit(1)
def kind(k):
    return [e for e in ev if isinstance(e, dict) and e.get("kind") == k]
print(eval(sys.argv[2]))
' "$1" "$2" 2>&1
}

# assert_events FILE EXPR DESC: EXPR must evaluate to True.
assert_events() {
	local got
	got=$(events_query "$1" "$2")
	if [ "$got" = True ]; then
		ok "$3"
	else
		not_ok "$3" "events check failed: $2" "got: $got" "events:" "$(head -c 3000 "$1" 2>/dev/null)"
	fi
}

# console_server SOCKET: listen on SOCKET for one terminal master (runc's
# --console-socket: SCM_RIGHTS, the pts name as data), type "hello" into it
# and print name:NAME, then what came back until "got:hello".
console_server() { # SOCKET: prints name:NAME and what it read
	python3 - "$1" <<'PY'
import array, os, select, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(20)
c, _ = s.accept()
fds = array.array("i")
msg, anc, _, _ = c.recvmsg(256, socket.CMSG_LEN(fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[:fds.itemsize])
print("name:" + msg.decode())
if not fds:
    sys.exit("no fd received")
m, out, end = fds[0], b"", time.time() + 15
os.write(m, b"hello\n")
while time.time() < end and b"got:hello" not in out:
    r, _, _ = select.select([m], [], [], 0.5)
    if r:
        try:
            d = os.read(m, 4096)
        except OSError:
            break
        if not d:
            break
        out += d
print(out.decode(errors="replace").replace("\r", ""))
PY
}
