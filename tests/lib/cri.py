#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""cri.py SOCKET METHOD [JSON]: one call of the Kubernetes CRI (runtime.v1),
as the kubelet makes it, to a CRI server such as containerd's CRI plugin.

METHOD is an RPC of runtime.v1.RuntimeService or ImageService (Version,
RunPodSandbox, CreateContainer, ExecSync, ...); JSON is its request with the
field names of the CRI's api.proto. The reply is printed as JSON on one line.
Only the messages and fields the tests use are described below; an unknown
name in JSON is an error, and fields of a reply that are not described are
left out. Exits 1 with the gRPC status on a failed call.

There is no crictl in Debian 12; this speaks the same protocol through
python3-grpcio, encoding protobuf by hand (field numbers from api.proto), so
no generated code or protoc is needed."""
import json
import sys

import grpc

# A message is {field name: (number, kind)}; kind is a message (a dict),
# "string", "bytes", "bool", "int" (int32/int64/enum), "uint", or "map"
# (map<string, string>); a list [kind] is a repeated field.
INT64 = {"value": (1, "int")}
KEY_VALUE = {"key": (1, "string"), "value": (2, "string")}
NAMESPACE_OPTION = {"network": (1, "int"), "pid": (2, "int"), "ipc": (3, "int"),
                    "target_id": (4, "string")}
RESOURCES = {"cpu_period": (1, "int"), "cpu_quota": (2, "int"), "cpu_shares": (3, "int"),
             "memory_limit_in_bytes": (4, "int"), "oom_score_adj": (5, "int"),
             "cpuset_cpus": (6, "string"), "cpuset_mems": (7, "string"),
             "unified": (9, "map")}
POD_METADATA = {"name": (1, "string"), "uid": (2, "string"), "namespace": (3, "string"),
                "attempt": (4, "uint")}
POD_CONFIG = {
    "metadata": (1, POD_METADATA),
    "hostname": (2, "string"),
    "log_directory": (3, "string"),
    "labels": (6, "map"),
    "annotations": (7, "map"),
    "linux": (8, {
        "cgroup_parent": (1, "string"),
        "security_context": (2, {"namespace_options": (1, NAMESPACE_OPTION),
                                 "readonly_rootfs": (4, "bool"),
                                 "privileged": (6, "bool")}),
        "sysctls": (3, "map"),
        "resources": (5, RESOURCES),
    }),
}
CONTAINER_METADATA = {"name": (1, "string"), "attempt": (2, "uint")}
IMAGE_SPEC = {"image": (1, "string")}
CONTAINER_CONFIG = {
    "metadata": (1, CONTAINER_METADATA),
    "image": (2, IMAGE_SPEC),
    "command": (3, ["string"]),
    "args": (4, ["string"]),
    "working_dir": (5, "string"),
    "envs": (6, [KEY_VALUE]),
    "mounts": (7, [{"container_path": (1, "string"), "host_path": (2, "string"),
                    "readonly": (3, "bool")}]),
    "labels": (9, "map"),
    "annotations": (10, "map"),
    "log_path": (11, "string"),
    "stdin": (12, "bool"),
    "tty": (14, "bool"),
    "linux": (15, {
        "resources": (1, RESOURCES),
        "security_context": (2, {
            "capabilities": (1, {"add_capabilities": (1, ["string"]),
                                 "drop_capabilities": (2, ["string"])}),
            "privileged": (2, "bool"),
            "namespace_options": (3, NAMESPACE_OPTION),
            "run_as_user": (5, INT64),
            "readonly_rootfs": (7, "bool"),
            "no_new_privs": (11, "bool"),
            "masked_paths": (13, ["string"]),
            "readonly_paths": (14, ["string"]),
            "seccomp": (15, {"profile_type": (1, "int"), "localhost_ref": (2, "string")}),
        }),
    }),
}
CONTAINER_STATUS = {
    "id": (1, "string"), "metadata": (2, CONTAINER_METADATA), "state": (3, "int"),
    "created_at": (4, "int"), "started_at": (5, "int"), "finished_at": (6, "int"),
    "exit_code": (7, "int"), "image": (8, IMAGE_SPEC), "reason": (10, "string"),
    "message": (11, "string"), "log_path": (15, "string"),
}
POD_ID = {"pod_sandbox_id": (1, "string")}
CONTAINER_ID = {"container_id": (1, "string")}
EMPTY = {}

RUNTIME = "runtime.v1.RuntimeService"
IMAGES = "runtime.v1.ImageService"
METHODS = {
    "Version": (RUNTIME, {"version": (1, "string")},
                {"version": (1, "string"), "runtime_name": (2, "string"),
                 "runtime_version": (3, "string"), "runtime_api_version": (4, "string")}),
    "RunPodSandbox": (RUNTIME, {"config": (1, POD_CONFIG), "runtime_handler": (2, "string")},
                      POD_ID),
    "StopPodSandbox": (RUNTIME, POD_ID, EMPTY),
    "RemovePodSandbox": (RUNTIME, POD_ID, EMPTY),
    "PodSandboxStatus": (RUNTIME, {"pod_sandbox_id": (1, "string"), "verbose": (2, "bool")},
                         {"status": (1, {"id": (1, "string"), "metadata": (2, POD_METADATA),
                                         "state": (3, "int"), "created_at": (4, "int"),
                                         "network": (5, {"ip": (1, "string")}),
                                         "runtime_handler": (9, "string")}),
                          "info": (2, "map")}),
    "CreateContainer": (RUNTIME, {"pod_sandbox_id": (1, "string"),
                                  "config": (2, CONTAINER_CONFIG),
                                  "sandbox_config": (3, POD_CONFIG)}, CONTAINER_ID),
    "StartContainer": (RUNTIME, CONTAINER_ID, EMPTY),
    "StopContainer": (RUNTIME, {"container_id": (1, "string"), "timeout": (2, "int")}, EMPTY),
    "UpdateContainerResources": (RUNTIME, {"container_id": (1, "string"),
                                           "linux": (2, RESOURCES)}, EMPTY),
    "RemoveContainer": (RUNTIME, CONTAINER_ID, EMPTY),
    "ListContainers": (RUNTIME, {"filter": (1, {"id": (1, "string"),
                                                "pod_sandbox_id": (3, "string")})},
                       {"containers": (1, [{"id": (1, "string"), "pod_sandbox_id": (2, "string"),
                                            "metadata": (3, CONTAINER_METADATA),
                                            "state": (6, "int")}])}),
    "ContainerStatus": (RUNTIME, {"container_id": (1, "string"), "verbose": (2, "bool")},
                        {"status": (1, CONTAINER_STATUS), "info": (2, "map")}),
    "ExecSync": (RUNTIME, {"container_id": (1, "string"), "cmd": (2, ["string"]),
                           "timeout": (3, "int")},
                 {"stdout": (1, "bytes"), "stderr": (2, "bytes"), "exit_code": (3, "int")}),
    "Exec": (RUNTIME, {"container_id": (1, "string"), "cmd": (2, ["string"]), "tty": (3, "bool"),
                       "stdin": (4, "bool"), "stdout": (5, "bool"), "stderr": (6, "bool")},
             {"url": (1, "string")}),
    "ImageStatus": (IMAGES, {"image": (1, IMAGE_SPEC)},
                    {"image": (1, {"id": (1, "string"), "repo_tags": (2, ["string"])})}),
}


def varint(n):
    n &= (1 << 64) - 1  # negative int32/int64: ten bytes, two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def scalar(kind, value, where):
    """The wire type and payload of one scalar value."""
    if kind in ("int", "uint", "bool"):
        if not isinstance(value, (int, bool)):
            raise ValueError(f"{where}: expected a number or boolean, got {value!r}")
        return 0, varint(int(value))
    if kind in ("string", "bytes"):
        if not isinstance(value, str):
            raise ValueError(f"{where}: expected a string, got {value!r}")
        data = value.encode()
    else:
        data = encode(kind, value, where)
    return 2, varint(len(data)) + data


def encode(schema, obj, where="request"):
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected an object, got {obj!r}")
    out = bytearray()
    for name, value in obj.items():
        if name not in schema:
            raise ValueError(f"{where}.{name}: not a field this client knows "
                             f"(expected one of {', '.join(schema) or 'none'})")
        num, kind = schema[name]
        at = f"{where}.{name}"
        if kind == "map":
            values, kind = [{"key": k, "value": v} for k, v in value.items()], KEY_VALUE
        elif isinstance(kind, list):
            values, kind = value, kind[0]
        else:
            values = [value]
        for v in values:
            wire, payload = scalar(kind, v, at)
            out += varint(num << 3 | wire) + payload
    return bytes(out)


def read_varint(buf, i):
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def decode(schema, buf):
    by_num = {num: (name, kind) for name, (num, kind) in schema.items()}
    obj, i = {}, 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(buf, i)
        elif wire == 2:
            size, i = read_varint(buf, i)
            value, i = buf[i:i + size], i + size
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, i = buf[i:i + size], i + size
        else:
            raise ValueError(f"field {num}: wire type {wire} is not protobuf 3")
        if num not in by_num:
            continue
        name, kind = by_num[num]
        repeated = isinstance(kind, list)
        kind = kind[0] if repeated else kind
        if kind == "map":
            entry = decode(KEY_VALUE, value)
            obj.setdefault(name, {})[entry.get("key", "")] = entry.get("value", "")
            continue
        if kind == "int":
            value = value - (1 << 64) if value >= 1 << 63 else value
        elif kind == "bool":
            value = bool(value)
        elif kind == "string":
            value = value.decode()
        elif kind == "bytes":
            value = value.decode(errors="replace")
        elif isinstance(kind, dict):
            value = decode(kind, value)
        if repeated:
            obj.setdefault(name, []).append(value)
        else:
            obj[name] = value
    return obj


def call(channel, method, request, timeout=120):
    """One CRI call on a grpc channel: request a dict, the reply a dict."""
    service, req_schema, resp_schema = METHODS[method]
    rpc = channel.unary_unary(f"/{service}/{method}", request_serializer=lambda b: b,
                              response_deserializer=lambda b: b)
    return decode(resp_schema, rpc(encode(req_schema, request), timeout=timeout))


def main(argv):
    if len(argv) not in (3, 4) or argv[2] not in METHODS:
        sys.stderr.write(__doc__.split("\n\n", 1)[0] + "\nmethods: " + ", ".join(METHODS) + "\n")
        return 2
    try:
        request = json.loads(argv[3]) if len(argv) == 4 else {}
        encode(METHODS[argv[2]][1], request)
    except (ValueError, json.JSONDecodeError) as e:
        sys.stderr.write(f"cri.py: {argv[2]}: {e}\n")
        return 2
    with grpc.insecure_channel("unix://" + argv[1]) as channel:
        try:
            reply = call(channel, argv[2], request)
        except grpc.RpcError as e:
            sys.stderr.write(f"cri.py: {argv[2]}: {e.code().name}: {e.details()}\n")
            return 1
    print(json.dumps(reply, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
