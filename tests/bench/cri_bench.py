#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""cri_bench.py SOCKET IMAGE LOGDIR N HANDLER...: a Kubernetes pod's life
through the CRI, N rounds per runtime handler, interleaved (one round of
each handler in turn), timed in one process (no interpreter start-up in the
figures). A round: RunPodSandbox (hostNetwork, so CNI's cost is left out),
CreateContainer + StartContainer of IMAGE's /bin/true until
CONTAINER_EXITED, then StopPodSandbox + RemovePodSandbox. Prints, per
handler and phase, one line "label=HANDLER-PHASE median_us=.. p10_us=..
p90_us=.. runs=.. failures=.." (the start-up timer's format); phases: pod
(RunPodSandbox), ctr (create, start, exited), rm (stop and remove the pod),
total."""
import os
import sys
import time

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cri  # noqa: E402  (tests/lib/cri.py)

PHASES = ("pod", "ctr", "rm", "total")


def pod_config(name, logdir):
    return {"metadata": {"name": name, "uid": name, "namespace": "bench"},
            "log_directory": logdir,
            "linux": {"security_context": {"namespace_options": {"network": 2, "pid": 1}}}}


def one_round(ch, handler, image, logdir, n):
    """The phases' durations in µs, or None if a call failed."""
    name = f"{handler}-{os.getpid()}-{n}"
    sc = pod_config(name, logdir)
    t0 = time.monotonic()
    pod = cri.call(ch, "RunPodSandbox", {"config": sc, "runtime_handler": handler})
    pod = pod["pod_sandbox_id"]
    t1 = time.monotonic()
    ok = True
    try:
        ctr = cri.call(ch, "CreateContainer", {
            "pod_sandbox_id": pod, "sandbox_config": sc,
            "config": {"metadata": {"name": "true"}, "image": {"image": image},
                       "command": ["/bin/true"], "log_path": f"{name}.log",
                       "linux": {"security_context": {
                           "namespace_options": {"network": 2, "pid": 1}}}}})["container_id"]
        cri.call(ch, "StartContainer", {"container_id": ctr})
        deadline = t1 + 30
        while cri.call(ch, "ContainerStatus", {"container_id": ctr})["status"].get("state") != 2:
            if time.monotonic() > deadline:
                ok = False
                break
            time.sleep(0.001)
    finally:
        t2 = time.monotonic()
        cri.call(ch, "StopPodSandbox", {"pod_sandbox_id": pod})
        cri.call(ch, "RemovePodSandbox", {"pod_sandbox_id": pod})
        t3 = time.monotonic()
    us = lambda a, b: (b - a) * 1e6  # noqa: E731
    return dict(zip(PHASES, (us(t0, t1), us(t1, t2), us(t2, t3), us(t0, t3)))) if ok else None


def quantile(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * (len(v) - 1) + 0.5))] if v else float("nan")


def main(argv):
    if len(argv) < 6:
        sys.stderr.write(__doc__.split("\n\n", 1)[0] + "\n")
        return 2
    sock, image, logdir, n, handlers = argv[1], argv[2], argv[3], int(argv[4]), argv[5:]
    times = {h: {p: [] for p in PHASES} for h in handlers}
    failures = dict.fromkeys(handlers, 0)
    with grpc.insecure_channel("unix://" + sock) as ch:
        for i in range(n + 1):  # round 0 warms containerd's caches up, not counted
            for h in handlers:
                try:
                    r = one_round(ch, h, image, logdir, i)
                except grpc.RpcError as e:
                    sys.stderr.write(f"cri_bench: {h}: {e.code().name}: {e.details()}\n")
                    r = None
                if r is None:
                    failures[h] += 1
                elif i:
                    for p in PHASES:
                        times[h][p].append(r[p])
    for h in handlers:
        for p in PHASES:
            v = times[h][p]
            print(f"label={h}-{p} median_us={quantile(v, 0.5):.0f} p10_us={quantile(v, 0.1):.0f} "
                  f"p90_us={quantile(v, 0.9):.0f} runs={len(v)} failures={failures[h]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
