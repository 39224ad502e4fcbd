"""A stand-in for Prometheus's answers, for tests that need data but not a server."""

from __future__ import annotations

import math

from graf.resources import JSON

END = 1_764_547_200.0  # 2025-12-01 00:00 UTC: a fixed "now" keeps pages byte-for-byte stable


def answer(query: str, instant: bool, *, series: int = 2, value: float = 0.42) -> JSON:
    """Prometheus's success answer with `series` series (none for a query mentioning `absent_metric`)."""
    if "absent_metric" in query:
        return {"status": "success", "data": {"resultType": "vector" if instant else "matrix", "result": []}}
    if "broken(" in query:
        return {"status": "error", "errorType": "bad_data", "error": "parse error: unexpected"}
    result = []
    for n in range(series):
        labels = {"__name__": "m", "instance": f"host-{n}:9100", "mountpoint": "/"}
        if instant:
            result.append({"metric": labels, "value": [END, str(value * (n + 1))]})
        else:
            points = [[END - 3600 + 60 * i, str(value * (n + 1) + 0.1 * math.sin(i * math.pi / 60))] for i in range(61)]
            result.append({"metric": labels, "values": points})
    return {"status": "success", "data": {"resultType": "vector" if instant else "matrix", "result": result}}
