"""The boto3 edge: read the bucket, execute a ``SyncPlan``, verify what landed.

``S3Deployer`` receives a ready client (see ``client.py``) and never decides *what* to
do; ``plan.plan_sync`` did that. Uploads run stage by stage (assets, pages, home page)
with a thread pool inside each stage, so a reader never gets a page before its assets.
Every call goes through ``with_retries``; anything still failing becomes NetworkError.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from sitegen.deploy.manifest import MANIFEST_NAME, PartPolicy
from sitegen.deploy.plan import LocalFile, RemoteObject, SyncPlan, Upload
from sitegen.deploy.retry import RetryPolicy, code_of, status_of, to_network_error, with_retries

log = logging.getLogger(__name__)
_S3_ETAG = re.compile(r"^[0-9a-f]{32}(-[0-9]+)?$")
"""An MD5 (or MD5-of-parts) ETag; other shapes are provider-specific and not compared."""
Progress = Callable[[int, int], None]
"""``(bytes just sent, files just finished)`` increments, called from worker threads."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """An object that is not what we uploaded, as the provider reports it."""

    path: str
    field: str
    """``missing`` | ``size`` | ``etag`` | ``cid`` | ``root``."""
    expected: str
    actual: str

    def to_json(self) -> dict[str, str]:
        return {
            "path": self.path,
            "field": self.field,
            "expected": self.expected,
            "actual": self.actual,
        }


@dataclass(frozen=True, slots=True)
class Landed:
    """What HEAD said about an object after upload."""

    path: str
    size: int | None
    etag: str | None
    metadata: Mapping[str, str]


def _b64md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode("ascii")


class S3Deployer:
    """Bucket operations for one target; thread-safe because boto3 clients are."""

    def __init__(
        self,
        client: Any,
        bucket: str,
        prefix: str = "",
        *,
        endpoint: str | None = None,
        concurrency: int = 8,
        parts: PartPolicy | None = None,
        retry: RetryPolicy | None = None,
        on_progress: Progress | None = None,
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.endpoint = endpoint
        self.concurrency = max(1, concurrency)
        self.parts = parts or PartPolicy()
        self.retry = retry or RetryPolicy()
        self.on_progress = on_progress

    # -- plumbing -----------------------------------------------------------------------
    def key(self, path: str) -> str:
        return f"{self.prefix}{path}"

    def _call(self, what: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        """One API call with retries; failures become NetworkError (exit 3)."""
        try:
            return with_retries(lambda: fn(**kwargs), self.retry, what)
        except (ClientError, BotoCoreError) as exc:
            raise to_network_error(exc, bucket=self.bucket, endpoint=self.endpoint) from None

    def _parallel(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        items = list(items)
        if not items:
            return []
        if self.concurrency == 1 or len(items) == 1:
            return [fn(i) for i in items]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(items))) as pool:
            futures = [pool.submit(fn, i) for i in items]
            # Wait for all so no upload is left running behind a raised error.
            errors = [f.exception() for f in futures]
            for err in errors:
                if err is not None:
                    raise err
            return [f.result() for f in futures]

    # -- reading the bucket -------------------------------------------------------------
    def check_bucket(self) -> None:
        """Fail early, with a clear reason, on bad credentials, no bucket, no endpoint."""
        try:
            with_retries(
                lambda: self.client.head_bucket(Bucket=self.bucket),
                self.retry,
                "HEAD bucket",
                connect_attempts=3,
            )
        except (ClientError, BotoCoreError) as exc:
            raise to_network_error(exc, bucket=self.bucket, endpoint=self.endpoint) from None

    def list_remote(self) -> dict[str, tuple[int, str | None]]:
        """``{path: (size, etag)}`` of every object under the prefix except the manifest."""
        found: dict[str, tuple[int, str | None]] = {}
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix}
            if token:
                kwargs["ContinuationToken"] = token
            page = self._call("LIST", self.client.list_objects_v2, **kwargs)
            for obj in page.get("Contents", []):
                path = obj["Key"][len(self.prefix) :]
                if path and path != MANIFEST_NAME:
                    etag = obj.get("ETag")
                    found[path] = (int(obj["Size"]), etag.strip('"') if etag else None)
            if not page.get("IsTruncated"):
                return found
            token = page.get("NextContinuationToken")

    def read_manifest(self) -> bytes | None:
        """The manifest object's bytes, or None when it is absent."""
        try:
            resp = with_retries(
                lambda: self.client.get_object(Bucket=self.bucket, Key=self.key(MANIFEST_NAME)),
                self.retry,
                "GET manifest",
            )
            return bytes(resp["Body"].read())
        except ClientError as exc:
            if code_of(exc) in ("NoSuchKey", "404") or status_of(exc) == 404:
                return None
            raise to_network_error(exc, bucket=self.bucket, endpoint=self.endpoint) from None
        except BotoCoreError as exc:
            raise to_network_error(exc, bucket=self.bucket, endpoint=self.endpoint) from None

    # -- writing ------------------------------------------------------------------------
    def upload_plan(self, plan: SyncPlan, out_dir: Path) -> None:
        """Upload stage after stage; a stage starts only when the previous one is complete."""
        for stage in plan.stages():
            self._parallel(lambda up: self.upload_file(up, out_dir), stage)

    def upload_file(self, up: Upload, out_dir: Path) -> None:
        local = up.file
        src = out_dir / local.path
        extra = {
            "ContentType": local.content_type,
            "CacheControl": local.cache_control,
            "Metadata": {"sha256": local.sha256},
        }
        if self.parts.is_multipart(local.size):
            self._multipart(local, src, extra)
        else:
            data = src.read_bytes()
            self._call(
                f"PUT {local.path}",
                self.client.put_object,
                Bucket=self.bucket,
                Key=self.key(local.path),
                Body=data,
                ContentMD5=_b64md5(data),
                **extra,
            )
        if self.on_progress:
            self.on_progress(local.size, 1)

    def _multipart(self, local: LocalFile, src: Path, extra: Mapping[str, Any]) -> None:
        key = self.key(local.path)
        created = self._call(
            f"CREATE {local.path}",
            self.client.create_multipart_upload,
            Bucket=self.bucket,
            Key=key,
            **extra,
        )
        upload_id = created["UploadId"]
        try:
            parts = []
            with src.open("rb") as fh:
                number = 0
                while chunk := fh.read(self.parts.part_size):
                    number += 1
                    resp = self._call(
                        f"PART {number} {local.path}",
                        self.client.upload_part,
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=chunk,
                        ContentMD5=_b64md5(chunk),
                    )
                    parts.append({"ETag": resp["ETag"], "PartNumber": number})
            self._complete(local, key, upload_id, parts)
        except BaseException:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            except (ClientError, BotoCoreError):
                log.info("could not abort multipart upload of %s", local.path)
            raise

    def _complete(self, local: LocalFile, key: str, upload_id: str, parts: list[Any]) -> None:
        """Complete a multipart upload; a retried completion whose first answer was lost
        gets NoSuchUpload, so then check that the object is there as ours."""
        try:
            with_retries(
                lambda: self.client.complete_multipart_upload(
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                ),
                self.retry,
                f"COMPLETE {local.path}",
            )
        except ClientError as exc:
            if code_of(exc) == "NoSuchUpload":
                got = self.head(local.path)
                expected = f"-{len(parts)}"
                if got.size == local.size and (got.etag or "").endswith(expected):
                    return
            raise to_network_error(exc, bucket=self.bucket, endpoint=self.endpoint) from None
        except BotoCoreError as exc:
            raise to_network_error(exc, bucket=self.bucket, endpoint=self.endpoint) from None

    def put_bytes(self, path: str, data: bytes, content_type: str, **extra: Any) -> dict[str, Any]:
        """One small object (the manifest, or a CAR below the multipart threshold)."""
        resp: dict[str, Any] = self._call(
            f"PUT {path}",
            self.client.put_object,
            Bucket=self.bucket,
            Key=self.key(path),
            Body=data,
            ContentMD5=_b64md5(data),
            ContentType=content_type,
            CacheControl="no-cache",
            **extra,
        )
        return resp

    def put_car(self, path: str, car: Path, root: str) -> Landed:
        """Upload the site CAR with ``x-amz-meta-import: car`` and return what HEAD reports."""
        meta = {"import": "car", "sitegen-root": root}
        local = LocalFile(
            path=path,
            size=car.stat().st_size,
            sha256="",
            etag="",
            content_type="application/vnd.ipld.car",
            cache_control="no-cache",
        )
        if self.parts.is_multipart(local.size):
            self._multipart(local, car, {"ContentType": local.content_type, "Metadata": meta})
        else:
            self.put_bytes(path, car.read_bytes(), local.content_type, Metadata=meta)
        if self.on_progress:
            self.on_progress(local.size, 1)
        return self.head(path)

    def delete(self, paths: Iterable[str]) -> int:
        """Delete one key at a time: DeleteObjects lacks Content-MD5 under ``when_required``
        checksums and some providers reject it (spec 4.1)."""
        keys = list(paths)
        self._parallel(
            lambda p: self._call(
                f"DELETE {p}", self.client.delete_object, Bucket=self.bucket, Key=self.key(p)
            ),
            keys,
        )
        return len(keys)

    # -- verifying ----------------------------------------------------------------------
    def head(self, path: str) -> Landed:
        try:
            resp = with_retries(
                lambda: self.client.head_object(Bucket=self.bucket, Key=self.key(path)),
                self.retry,
                f"HEAD {path}",
            )
        except ClientError as exc:
            if status_of(exc) == 404:
                return Landed(path, None, None, {})
            raise to_network_error(exc, bucket=self.bucket, endpoint=self.endpoint) from None
        except BotoCoreError as exc:
            raise to_network_error(exc, bucket=self.bucket, endpoint=self.endpoint) from None
        etag = resp.get("ETag")
        meta = {str(k).lower(): str(v) for k, v in (resp.get("Metadata") or {}).items()}
        return Landed(
            path, int(resp.get("ContentLength", -1)), etag.strip('"') if etag else None, meta
        )

    def verify(
        self,
        files: Iterable[LocalFile],
        cid_metadata: str | None,
        expected_cids: Mapping[str, str],
    ) -> tuple[list[Mismatch], dict[str, str]]:
        """HEAD each object; compare size, ETag and (where reported) the provider's CID.

        Returns the mismatches and ``{path: server ETag}`` for the manifest.
        """
        files = list(files)
        landed: list[Landed] = self._parallel(lambda f: self.head(f.path), files)
        mismatches: list[Mismatch] = []
        etags: dict[str, str] = {}
        for local, got in zip(files, landed, strict=True):
            if got.size is None:
                mismatches.append(Mismatch(local.path, "missing", str(local.size), "absent"))
                continue
            if got.size != local.size:
                mismatches.append(Mismatch(local.path, "size", str(local.size), str(got.size)))
            if got.etag is not None:
                etags[local.path] = got.etag
                if _S3_ETAG.match(got.etag) and got.etag != local.etag:
                    mismatches.append(Mismatch(local.path, "etag", local.etag, got.etag))
            want = expected_cids.get(local.path)
            have = got.metadata.get(cid_metadata) if cid_metadata else None
            if want and have and have != want:
                mismatches.append(Mismatch(local.path, "cid", want, have))
        return mismatches, etags


def remote_snapshot(
    deployer: S3Deployer,
) -> tuple[dict[str, tuple[int, str | None]], bytes | None]:
    """Listing plus manifest bytes: everything ``merge_remote`` needs."""
    return deployer.list_remote(), deployer.read_manifest()


__all__ = ["Landed", "Mismatch", "RemoteObject", "S3Deployer", "remote_snapshot"]
