#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""cri_exec.py SOCKET CONTAINER [--tty] [--input TEXT] -- CMD...: the CRI's
streaming Exec, what `kubectl exec [-it]` makes the kubelet do: the Exec
call returns a URL of the runtime's streaming server, which the client
opens as a WebSocket with Kubernetes' channel protocol (v4.channel.k8s.io:
each message's first byte is its stream: 0 stdin, 1 stdout, 2 stderr, 3 the
status, 4 a terminal resize). With --tty the terminal is 100x30 and stderr
is merged into it. TEXT is written to the command's stdin; the protocol
cannot close stdin, so the command must end on its own (on a line it reads,
say). Prints the command's stdout and stderr as they come and exits with
its exit code (from the v4 status); 1 with a message when the call or the
stream fails.

Needs python3-grpcio and python3-websocket (websocket-client)."""
import json
import os
import sys

import grpc
import websocket

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cri  # noqa: E402

STDIN, STDOUT, STDERR, STATUS, RESIZE = range(5)


def exit_code(status):
    """The exit code in a v4 status object (metav1.Status)."""
    if status.get("status") == "Success":
        return 0
    for cause in status.get("details", {}).get("causes", []):
        if cause.get("reason") == "ExitCode":
            return int(cause.get("message", "1"))
    sys.stderr.write(f"cri_exec: {status.get('message', status)}\n")
    return 1


def stream(url, tty, text):
    """Relay the streams of the exec at url; the command's exit code."""
    ws = websocket.create_connection(url.replace("http", "ws", 1),
                                     subprotocols=["v4.channel.k8s.io"], timeout=60)
    try:
        if tty:
            ws.send_binary(bytes([RESIZE]) + json.dumps({"Width": 100, "Height": 30}).encode())
        if text is not None:
            ws.send_binary(bytes([STDIN]) + text.encode())
        while True:
            msg = ws.recv()
            if isinstance(msg, str):
                msg = msg.encode()
            if not msg:
                continue
            if msg[0] in (STDOUT, STDERR):
                out = sys.stdout if msg[0] == STDOUT else sys.stderr
                out.write(msg[1:].decode(errors="replace"))
                out.flush()
            elif msg[0] == STATUS:
                return exit_code(json.loads(msg[1:] or b"{}"))
    except websocket.WebSocketConnectionClosedException:
        sys.stderr.write("cri_exec: the stream ended without a status\n")
        return 1
    finally:
        ws.close()


def main(argv):
    if "--" not in argv or len(argv) < 5:
        sys.stderr.write(__doc__.split("\n\n", 1)[0] + "\n")
        return 2
    sock, ctr, opts, cmd = argv[1], argv[2], argv[3:argv.index("--")], argv[argv.index("--") + 1:]
    tty = "--tty" in opts
    text = opts[opts.index("--input") + 1] if "--input" in opts else None
    request = {"container_id": ctr, "cmd": cmd, "tty": tty, "stdin": text is not None,
               "stdout": True, "stderr": not tty}
    with grpc.insecure_channel("unix://" + sock) as channel:
        try:
            url = cri.call(channel, "Exec", request)["url"]
        except grpc.RpcError as e:
            sys.stderr.write(f"cri_exec: Exec: {e.code().name}: {e.details()}\n")
            return 1
    return stream(url, tty, text)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
