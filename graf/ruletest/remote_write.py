"""The body of a Prometheus remote-write request (protobuf `WriteRequest`, snappy block format), by hand.

Why remote write and not `promtool tsdb create-blocks-from openmetrics`: the text formats have
no way to write a staleness marker (a NaN with a special bit pattern, prometheus/model/value/
value.go `StaleNaN`), and promtool's `stale` must behave as in Prometheus: the series ends at once
instead of lingering for the 5-minute lookback. The wire format is small enough to write out:

    WriteRequest { repeated TimeSeries timeseries = 1; }
    TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
    Label        { string name = 1; string value = 2; }
    Sample       { double value = 1; int64 timestamp = 2; }   // milliseconds

Snappy's block format allows uncompressed "literal" chunks, so no compressor is needed.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

STALE_NAN_BITS = 0x7FF0000000000002  # prometheus/model/value/value.go StaleNaN
_LITERAL_MAX = 65536


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int64 as two's complement, as protobuf writes it
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _bytes_field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _sample(value: float | None, timestamp_ms: int) -> bytes:
    """`value` None is the staleness marker."""
    packed = struct.pack("<Q", STALE_NAN_BITS) if value is None else struct.pack("<d", value)
    return _bytes_field(2, _varint(1 << 3 | 1) + packed + _varint(2 << 3 | 0) + _varint(timestamp_ms))


def encode(series: Iterable[tuple[Sequence[tuple[str, str]], Sequence[tuple[int, float | None]]]]) -> bytes:
    """A WriteRequest of (sorted labels, [(timestamp ms, value or None for stale)]) per series."""
    out = bytearray()
    for labels, samples in series:
        body = b"".join(_bytes_field(1, _bytes_field(1, k.encode()) + _bytes_field(2, v.encode())) for k, v in labels)
        body += b"".join(_sample(value, ts) for ts, value in samples)
        out += _bytes_field(1, body)
    return bytes(out)


def snappy_block(data: bytes) -> bytes:
    """`data` in snappy's block format as literal chunks only (valid, just not smaller)."""
    out = bytearray(_varint(len(data)))
    for start in range(0, len(data), _LITERAL_MAX):
        chunk = data[start:start + _LITERAL_MAX]
        n = len(chunk) - 1
        if n < 60:
            out.append(n << 2)
        elif n < 256:
            out += bytes((60 << 2, n))
        else:
            out += bytes((61 << 2,)) + struct.pack("<H", n)
        out += chunk
    return bytes(out)
