"""The S3-compatible object store Loki and Tempo keep their data in.

Credentials never appear in a values file: Loki and Tempo read `${S3_ACCESS_KEY_ID}` and
`${S3_SECRET_ACCESS_KEY}` from their environment (`-config.expand-env=true`), which the pods get from
the Secret `SECRET` (install.sh creates it from the installer's environment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from graf.errors import UsageError

SECRET = "graf-object-storage"
_BUCKET_PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
ACCESS_KEY = "S3_ACCESS_KEY_ID"
SECRET_KEY = "S3_SECRET_ACCESS_KEY"


@dataclass(frozen=True)
class ObjectStore:
    endpoint: str  # host[:port], as Loki and Tempo take it
    region: str
    insecure: bool  # plain HTTP (an in-cluster MinIO-like store)
    path_style: bool
    bucket_prefix: str

    def bucket(self, name: str) -> str:
        return f"{self.bucket_prefix}-{name}"

    @property
    def buckets(self) -> dict[str, str]:
        return {"loki_chunks": self.bucket("loki-chunks"), "loki_ruler": self.bucket("loki-ruler"),
                "tempo": self.bucket("tempo-traces")}


def object_store(url: str, region: str, path_style: bool, bucket_prefix: str) -> ObjectStore:
    """From `--s3-endpoint` (`https://s3.eu-west-1.amazonaws.com` or `http://minio.storage:9000`)."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise UsageError("--s3-endpoint", f"{url[:100]!r} is not http(s)://HOST[:PORT]")
    if not _BUCKET_PREFIX.match(bucket_prefix):
        raise UsageError("--bucket-prefix", f"{bucket_prefix[:100]!r}: S3 bucket names take a-z, 0-9 and '-' "
                                            "(at most 40 characters here, for the suffixes)")
    if not region:
        raise UsageError("--s3-region", "is empty")
    return ObjectStore(parts.netloc, region, parts.scheme == "http", path_style, bucket_prefix)
