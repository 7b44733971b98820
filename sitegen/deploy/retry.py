"""Retries with exponential backoff and full jitter, and the map from boto errors to ours.

botocore's own retries are switched off (``total_max_attempts=1``) so that one policy
governs every call, including the parts of a multipart upload, and so tests can make
it fast. Only transient failures are retried: throttling (503 SlowDown, 429), other
5xx, timeouts and dropped connections. Everything else surfaces at once.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    HTTPClientError,
    IncompleteReadError,
    NoCredentialsError,
    PartialCredentialsError,
    ResponseStreamingError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from sitegen.errors import NetworkError

log = logging.getLogger(__name__)
T = TypeVar("T")

_RETRY_CODES = frozenset(
    {
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "TooManyRequests",
        "RequestTimeout",
        "RequestTimeTooSkewed",
        "InternalError",
        "ServiceUnavailable",
        "BadDigest",
        "IncompleteBody",
    }
)
_AUTH_CODES = frozenset(
    {
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "AccessDenied",
        "InvalidToken",
        "ExpiredToken",
        "AuthorizationHeaderMalformed",
        "403",
        "Forbidden",
    }
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 6
    """Total tries per call, the first included."""
    base: float = 0.25
    """Seconds; the n-th retry waits uniform(0, min(cap, base * 2**n))."""
    cap: float = 8.0

    def delay(self, retry: int, rng: random.Random) -> float:
        return rng.uniform(0.0, min(self.cap, self.base * (2**retry)))


def status_of(exc: ClientError) -> int:
    meta = exc.response.get("ResponseMetadata", {})
    return int(meta.get("HTTPStatusCode") or 0)


def code_of(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_transient(exc: BaseException) -> bool:
    """Throttling, 5xx, timeouts and dropped connections: worth another try."""
    if isinstance(exc, ClientError):
        status = status_of(exc)
        return status >= 500 or status == 429 or code_of(exc) in _RETRY_CODES
    return isinstance(
        exc, BotoConnectionError | HTTPClientError | ResponseStreamingError | IncompleteReadError
    )


def with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    what: str,
    *,
    rng: random.Random | None = None,
    sleep: Callable[[float], None] = time.sleep,
    connect_attempts: int | None = None,
) -> T:
    """Run ``call`` until it succeeds, a non-transient error occurs, or attempts run out.

    ``connect_attempts`` caps tries when nothing listens at the endpoint at all, so an
    unreachable endpoint fails in about a second rather than after the full backoff.
    """
    rng = rng or random.Random()
    for attempt in range(policy.attempts):
        try:
            return call()
        except (ClientError, BotoCoreError) as exc:
            if not is_transient(exc) or attempt + 1 >= policy.attempts:
                raise
            if (
                connect_attempts is not None
                and isinstance(exc, EndpointConnectionError)
                and attempt + 1 >= connect_attempts
            ):
                raise
            wait = policy.delay(attempt, rng)
            log.info("%s: %s; retrying in %.2fs", what, short_reason(exc), wait)
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def short_reason(exc: BaseException) -> str:
    """One line naming the failure, without request ids or tracebacks."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code") or status_of(exc)
        msg = err.get("Message") or ""
        return f"{code} {msg}".strip()
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def to_network_error(exc: BaseException, *, bucket: str, endpoint: str | None) -> NetworkError:
    """A one-line, actionable NetworkError (exit 3) for a failed provider call."""
    where = endpoint or "AWS S3"
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return NetworkError(
            "no credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            "or a profile (AWS_PROFILE or the target's `profile:`)"
        )
    if isinstance(exc, EndpointConnectionError | BotoConnectionError | HTTPClientError):
        return NetworkError(f"cannot reach {where}: {short_reason(exc)}")
    if isinstance(exc, ClientError):
        code = code_of(exc)
        status = status_of(exc)
        if code in ("NoSuchBucket",) or (status == 404 and code in ("404", "NotFound", "")):
            return NetworkError(f"bucket '{bucket}' does not exist at {where}")
        if code in _AUTH_CODES or status == 403:
            return NetworkError(
                f"{where} refused the credentials for bucket '{bucket}' ({code or status}); "
                "check the access key, secret and the bucket's permissions"
            )
        return NetworkError(f"{where}: {short_reason(exc)} (bucket '{bucket}')")
    return NetworkError(f"{where}: {short_reason(exc)}")
