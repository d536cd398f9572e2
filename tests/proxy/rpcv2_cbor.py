"""Smithy RPC v2 CBOR for the test proxy.

The AWS SDK for Rust speaks CloudWatch over Smithy RPC v2 CBOR (as AWS does);
the emulator only understands CloudWatch's JSON and query protocols. The proxy
decodes the CBOR request, asks the emulator in JSON, and encodes the answer
back as CBOR, using botocore's service model for the shapes (timestamps are
CBOR tag 1, doubles stay doubles, blobs are byte strings).
"""

import base64
import datetime
import json
import struct

import botocore.session

_MODELS = {}


def service_model(name: str):
    if name not in _MODELS:
        _MODELS[name] = botocore.session.get_session().get_service_model(name)
    return _MODELS[name]


# --- CBOR (RFC 8949), the subset Smithy uses -----------------------------------


class Tagged:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, n)
    raise ValueError("integer too large for CBOR")


def encode(v) -> bytes:
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, Tagged):
        return _head(6, v.tag) + encode(v.value)
    if isinstance(v, int):
        return _head(0, v) if v >= 0 else _head(1, -1 - v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, bytes):
        return _head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return _head(3, len(b)) + b
    if isinstance(v, (list, tuple)):
        return _head(4, len(v)) + b"".join(encode(x) for x in v)
    if isinstance(v, dict):
        return _head(5, len(v)) + b"".join(encode(k) + encode(x) for k, x in v.items())
    raise TypeError(f"cannot encode {type(v).__name__} as CBOR")


def decode(data: bytes):
    value, end = _decode(data, 0)
    if end != len(data):
        raise ValueError("trailing bytes after the CBOR item")
    return value


def _length(data: bytes, i: int, info: int):
    if info < 24:
        return info, i
    if info == 31:
        return None, i
    size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
    return int.from_bytes(data[i : i + size], "big"), i + size


def _decode(data: bytes, i: int):
    first = data[i]
    major, info = first >> 5, first & 31
    i += 1
    if major == 7:
        if info == 20:
            return False, i
        if info == 21:
            return True, i
        if info in (22, 23):
            return None, i
        if info == 25:
            return _half(data[i : i + 2]), i + 2
        if info == 26:
            return struct.unpack(">f", data[i : i + 4])[0], i + 4
        if info == 27:
            return struct.unpack(">d", data[i : i + 8])[0], i + 8
        raise ValueError(f"unsupported simple value {info}")
    n, i = _length(data, i, info)
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major in (2, 3):
        if n is None:
            parts = []
            while data[i] != 0xFF:
                part, i = _decode(data, i)
                parts.append(part if isinstance(part, bytes) else part.encode())
            raw = b"".join(parts)
            i += 1
        else:
            raw, i = data[i : i + n], i + n
        return (raw if major == 2 else raw.decode()), i
    if major == 4:
        out = []
        while (n is None and data[i] != 0xFF) or (n is not None and len(out) < n):
            item, i = _decode(data, i)
            out.append(item)
        return out, i + (1 if n is None else 0)
    if major == 5:
        out = {}
        count = 0
        while (n is None and data[i] != 0xFF) or (n is not None and count < n):
            k, i = _decode(data, i)
            out[k], i = _decode(data, i)
            count += 1
        return out, i + (1 if n is None else 0)
    if major == 6:
        value, i = _decode(data, i)
        return Tagged(n, value), i
    raise ValueError(f"unsupported CBOR major type {major}")


def _half(b: bytes) -> float:
    h = int.from_bytes(b, "big")
    sign = -1.0 if h & 0x8000 else 1.0
    exp, frac = (h >> 10) & 0x1F, h & 0x3FF
    if exp == 0:
        return sign * frac * 2.0**-24
    if exp == 31:
        return sign * float("inf") if frac == 0 else float("nan")
    return sign * (1 + frac / 1024.0) * 2.0 ** (exp - 15)


# --- shapes: CBOR values <-> JSON-protocol values -------------------------------


def to_json(shape, v):
    """A decoded CBOR request value as the JSON protocol writes it."""
    if isinstance(v, Tagged):
        v = v.value
    if shape is None or v is None:
        return v
    t = shape.type_name
    if t == "structure":
        return {k: to_json(shape.members.get(k), x) for k, x in v.items() if x is not None}
    if t == "list":
        return [to_json(shape.member, x) for x in v]
    if t == "map":
        return {k: to_json(shape.value, x) for k, x in v.items()}
    if t == "blob":
        return base64.b64encode(v).decode()
    return v


def from_json(shape, v):
    """A JSON-protocol response value as Smithy RPC v2 CBOR encodes it."""
    if shape is None or v is None:
        return v
    t = shape.type_name
    if t == "structure":
        return {k: from_json(shape.members[k], x) for k, x in v.items() if k in shape.members and x is not None}
    if t == "list":
        return [from_json(shape.member, x) for x in v]
    if t == "map":
        return {k: from_json(shape.value, x) for k, x in v.items()}
    if t == "timestamp":
        if isinstance(v, str):
            v = datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
        return Tagged(1, float(v))
    if t in ("double", "float"):
        return float(v)
    if t in ("integer", "long"):
        return int(v)
    if t == "blob":
        return base64.b64decode(v)
    return v


def is_cbor(headers) -> bool:
    return (headers.get("smithy-protocol") or "").lower() == "rpc-v2-cbor"


def operation_name(path: str) -> str:
    """`/service/<Service>/operation/<Operation>` -> `<Operation>`."""
    return path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]


CBOR_HEADERS = {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}


def error(code: str, message: str) -> bytes:
    return encode({"__type": code, "message": message})


def translate(service: str, path: str, body: bytes, headers: dict, upstream):
    """Serves one CBOR call through the emulator's JSON protocol.

    `upstream(method, path, body, headers)` returns (status, headers, data).
    Returns (status, body, headers) to send back.
    """
    model = service_model(service)
    op = model.operation_model(operation_name(path))
    request = to_json(op.input_shape, decode(body)) if body else {}
    json_headers = {k: v for k, v in headers.items() if k.lower() not in ("content-type", "smithy-protocol", "accept")}
    json_headers["Content-Type"] = "application/x-amz-json-1.0"
    json_headers["X-Amz-Target"] = f"{model.metadata['targetPrefix']}.{op.name}"
    status, _, data = upstream("POST", "/", json.dumps(request).encode(), json_headers)
    doc = json.loads(data) if data.strip() else {}
    if status >= 300:
        code = doc.get("__type") or doc.get("code") or "InternalFailure"
        return status, error(code.split("#")[-1], doc.get("message") or doc.get("Message") or ""), dict(CBOR_HEADERS)
    return status, encode(from_json(op.output_shape, doc) if op.output_shape else {}), dict(CBOR_HEADERS)
