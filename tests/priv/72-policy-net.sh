#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The policy's "network" section, end to end: connect/bind/sendto addresses
# and socket families are decided (default deny + an allow rule for
# 127.0.0.0/8 ports 8000-8100), a denial is EPERM with exactly one "policy"
# event, audit mode performs the call and reports it, and what the rules do
# not name keeps working (a unix socketpair with fd passing, a blocking TCP
# connect on an allowed port). Runs in its own network namespace (--net none:
# only lo, brought up by hybox), so the ports cannot collide with the host's.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe python3
NETPROBE=$PAYLOAD_DIR/netprobe
[ -x "$NETPROBE" ] || _t_skip_all "no netprobe payload at $NETPROBE (make payloads)"

policy="$TEST_TMP/net.json"
cat >"$policy" <<'EOF'
{
  "network": {
    "default": "deny",
    "rules": [
      { "action": "allow", "family": "inet", "direction": "connect",
        "cidr": "127.0.0.0/8", "ports": "8000-8100" },
      { "action": "allow", "family": "inet", "direction": "bind",
        "cidr": "127.0.0.1/32", "ports": "8000-8100" }
    ]
  }
}
EOF
audit="$TEST_TMP/net-audit.json"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["mode"]="audit"; print(json.dumps(p))' \
	"$policy" >"$audit"

# The policy events of one run, and the checks on one of them.
pol="kind('policy')"
net_event() { # FILE OP DECISION FAMILY [ADDR PORT]
	local e="$pol[0]" x
	x="len($pol) == 1 and get($e, 'area') == 'network' and get($e, 'op') == '$2'"
	x="$x and get($e, 'decision') == '$3' and get($e, 'family') == '$4'"
	x="$x and get($e, 'road') in ('emulated', 'bpf-lsm')"
	if [ "$3" = deny ]; then
		x="$x and get($e, 'errno') == 'EPERM'"
	else
		x="$x and get($e, 'errno') is None"
	fi
	[ $# -ge 6 ] && x="$x and get($e, 'addr') == '$5' and get($e, 'port') == $6"
	assert_events "$1" "$x" "$(basename "$1" .jsonl): one policy event: $2 $3 $4${5:+ $5:$6}"
}

run_net() { # NAME POLICY ARGS...: hy run in a fresh netns with events to $TEST_TMP/NAME.jsonl
	local name=$1 pfile=$2
	shift 2
	EV="$TEST_TMP/$name.jsonl"
	hy run --id "$(tid "$name")" --net none --policy "$pfile" --events "$EV" -- "$NETPROBE" "$@"
}

# --- control: without a policy the probes behave as on any host -------------
hy run --net none -- "$NETPROBE" connect 127.0.0.1 9
assert_eq "$RUN_OUT" "err ECONNREFUSED connect" "no policy: connect to 127.0.0.1:9 is refused by the (empty) port"
hy run --net none -- "$NETPROBE" serve-connect 9000
assert_eq "$RUN_OUT" "ok" "no policy: listener + connect on port 9000"

# --- allowed -------------------------------------------------------------------
run_net serve "$policy" serve-connect 8080
assert_eq "$RUN_OUT" "ok" "allowed: bind 127.0.0.1:8080, blocking connect, send and sendmsg both ways ($RUN_ERR)"
assert_events "$EV" "len($pol) == 0" "allowed: no policy event"
run_net udp "$policy" udp-roundtrip 8090
assert_eq "$RUN_OUT" "ok" "allowed: UDP sendto and sendmsg (two iovecs) to 127.0.0.1:8090 arrive"
run_net pair "$policy" socketpair
assert_eq "$RUN_OUT" "ok" "unix socketpair: send/recv and SCM_RIGHTS fd passing still work"
assert_events "$EV" "len($pol) == 0" "socketpair: no policy event"

# --- denied --------------------------------------------------------------------
run_net connect9 "$policy" connect 127.0.0.1 9
assert_eq "$RUN_OUT" "err EPERM connect" "denied: connect to 127.0.0.1:9 fails with EPERM"
net_event "$EV" connect deny inet 127.0.0.1 9
assert_events "$EV" "get($pol[0], 'proc.comm') == 'netprobe'" "the event names the task (proc.comm netprobe)"

run_net mapped "$policy" connect ::ffff:127.0.0.1 9
assert_eq "$RUN_OUT" "err EPERM connect" "denied: inet6 socket to ::ffff:127.0.0.1:9 (v4-mapped) fails with EPERM"
net_event "$EV" connect deny inet 127.0.0.1 9

run_net other "$policy" connect 127.0.0.1 8101
assert_eq "$RUN_OUT" "err EPERM connect" "denied: port 8101 is outside 8000-8100"
net_event "$EV" connect deny inet 127.0.0.1 8101

run_net bind "$policy" bind 127.0.0.1 9000
assert_eq "$RUN_OUT" "err EPERM bind" "denied: bind to 127.0.0.1:9000"
net_event "$EV" bind deny inet 127.0.0.1 9000

run_net sendto "$policy" sendto 127.0.0.1 9
assert_eq "$RUN_OUT" "err EPERM sendto" "denied: UDP sendto 127.0.0.1:9"
net_event "$EV" connect deny inet 127.0.0.1 9

run_net packet "$policy" socket packet
assert_eq "$RUN_OUT" "err EPERM socket" "denied: socket(AF_PACKET) (packet is denied unless a rule names it)"
net_event "$EV" socket deny packet

run_net raw "$policy" socket raw
assert_eq "$RUN_OUT" "err EPERM socket" "denied: socket(AF_INET, SOCK_RAW)"
net_event "$EV" socket deny raw

run_net inet "$policy" socket inet
assert_eq "$RUN_OUT" "ok" "socket(AF_INET) is created (connect/bind decide)"

# --- audit: performed, reported ----------------------------------------------
run_net audit "$audit" connect 127.0.0.1 9
assert_eq "$RUN_OUT" "err ECONNREFUSED connect" "audit: connect to 127.0.0.1:9 is performed (ECONNREFUSED, not EPERM)"
net_event "$EV" connect audit inet 127.0.0.1 9

run_net audit-packet "$audit" socket packet
assert_eq "$RUN_OUT" "ok" "audit: socket(AF_PACKET) is created"
net_event "$EV" socket audit packet

assert_no_leftovers "$(tid serve)"
done_testing
