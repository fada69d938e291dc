"""Framing between the server and its worker processes: 8-byte length + pickle.

Both ends are kgraph's own code; nothing from a client is ever unpickled.
"""

from __future__ import annotations

import pickle
import struct
from typing import IO, Any, Final

HEADER: Final = struct.Struct(">Q")


def encode(message: Any) -> bytes:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(body)) + body


def decode(body: bytes) -> Any:
    return pickle.loads(body)  # noqa: S301 - frames come only from kgraph's own workers


def read_frame(stream: IO[bytes]) -> Any | None:
    """Read one frame from a blocking stream; ``None`` at end of stream."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    body = stream.read(size)
    if len(body) < size:
        return None
    return decode(body)
