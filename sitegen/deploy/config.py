"""The ``deploy:`` section of ``sitegen.yaml``: named targets, validated with their lines.

Every problem is reported at once as ``sitegen.yaml:LINE: deploy.NAME.KEY: message``.
Secrets never belong here: credentials come from boto3's own chain (environment, shared
config files, profiles), so a key that looks like a credential is an error rather than
something we would quietly ignore or, worse, use.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from sitegen.errors import Diagnostic

PROVIDERS = ("4everland", "filebase", "storj", "s3")
MODES = ("files", "car")


@dataclass(frozen=True, slots=True)
class DeployTarget:
    """One named place to publish the built site."""

    name: str
    """The TARGET given to ``sitegen deploy``."""
    provider: str
    """``4everland`` | ``filebase`` | ``storj`` | ``s3``; picks endpoint and CID header presets."""
    bucket: str
    """Bucket name (required)."""
    endpoint: str | None = None
    """S3 endpoint URL; defaults to the provider preset (AWS for ``s3`` when absent)."""
    region: str | None = None
    """Signing region; defaults to the provider preset."""
    prefix: str = ""
    """Key prefix inside the bucket, always ending in ``/`` when not empty."""
    mode: str = "files"
    """``files`` (one object per file, incremental) or ``car`` (one CAR imported as a DAG)."""
    domain: str | None = None
    """Domain whose ``_dnslink`` TXT record the deploy prints."""
    profile: str | None = None
    """Name of a profile in the shared AWS config files (a name, never a secret)."""
    line: int | None = None
    """Line of the target in ``sitegen.yaml``."""


KNOWN_KEYS = ("provider", "bucket", "endpoint", "region", "prefix", "mode", "domain", "profile")
_SECRET_WORDS = re.compile(
    r"(secret|password|passwd|token|credential|access[_-]?key|key[_-]?id|private[_-]?key|api[_-]?key)",
    re.IGNORECASE,
)
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.\-_]{1,254}$")
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_TARGET_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def looks_like_secret_key(key: str) -> bool:
    """True for keys such as ``aws_secret_access_key``, ``access_key``, ``token``."""
    return bool(_SECRET_WORDS.search(key))


def _line(mapping: Any, key: str | None = None) -> int | None:
    if key is not None and hasattr(mapping, "line_of"):
        return int(mapping.line_of(key))
    return getattr(mapping, "line", None)


def parse_deploy(raw: object, path: str) -> tuple[dict[str, DeployTarget], list[Diagnostic]]:
    """Validate the raw ``deploy:`` mapping (a ``LineDict``) from ``sitegen.yaml``.

    Returns ``{target name: DeployTarget}`` for the valid targets and every diagnostic.
    """
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [Diagnostic(path, _line(raw), "deploy", "must be a mapping of target names")]
    targets: dict[str, DeployTarget] = {}
    diags: list[Diagnostic] = []
    for name, spec in raw.items():
        target, found = _parse_target(str(name), spec, _line(raw, name), path)
        diags.extend(found)
        if target is not None:
            targets[str(name)] = target
    return targets, diags


def _parse_target(
    name: str, spec: object, line: int | None, path: str
) -> tuple[DeployTarget | None, list[Diagnostic]]:
    field = f"deploy.{name}"
    diags: list[Diagnostic] = []
    if not _TARGET_RE.match(name):
        diags.append(Diagnostic(path, line, field, "target names use letters, digits, . _ -"))
    if not isinstance(spec, dict):
        diags.append(Diagnostic(path, line, field, "must be a mapping (provider, bucket, ...)"))
        return None, diags

    def err(key: str, message: str) -> None:
        where = _line(spec, key) if key in spec else line
        diags.append(Diagnostic(path, where, f"{field}.{key}", message))

    for key in spec:
        if key in KNOWN_KEYS:
            continue
        if looks_like_secret_key(key):
            err(
                key,
                "credentials must not be in sitegen.yaml; use AWS_ACCESS_KEY_ID/"
                "AWS_SECRET_ACCESS_KEY or a profile in ~/.aws (then rotate this key)",
            )
        else:
            err(key, f"unknown key{did_you_mean(key, KNOWN_KEYS)}")

    def text(key: str) -> str | None:
        value = spec.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            err(key, "must be a non-empty string")
            return None
        return value.strip()

    provider = text("provider")
    if provider is None and "provider" not in spec:
        err("provider", f"missing; one of {', '.join(PROVIDERS)}")
    elif provider is not None and provider not in PROVIDERS:
        err(
            "provider",
            f"unknown provider '{provider}'{did_you_mean(provider, PROVIDERS)}; "
            f"one of {', '.join(PROVIDERS)}",
        )
        provider = None
    bucket = text("bucket")
    if bucket is None and "bucket" not in spec:
        err("bucket", "missing")
    elif bucket is not None and not _BUCKET_RE.match(bucket):
        err("bucket", f"'{bucket}' is not a valid bucket name (lowercase letters, digits, . - _)")
        bucket = None
    endpoint = text("endpoint")
    if endpoint is not None:
        if not re.match(r"^https?://[^/\s]+", endpoint):
            err("endpoint", "must be an http:// or https:// URL")
            endpoint = None
        elif "@" in endpoint.split("//", 1)[1].split("/", 1)[0]:
            err("endpoint", "must not carry user:password; credentials come from the environment")
            endpoint = None
    region = text("region")
    prefix = text("prefix") or ""
    prefix = prefix.strip("/")
    if prefix and (".." in prefix.split("/") or "//" in prefix):
        err("prefix", "must be a plain key prefix without '..' or empty segments")
    prefix = f"{prefix}/" if prefix else ""
    mode = text("mode") or "files"
    if mode not in MODES:
        err("mode", f"must be 'files' or 'car'{did_you_mean(mode, MODES)}")
    elif mode == "car" and provider in ("storj", "4everland"):
        err("mode", f"provider '{provider}' does not import CAR files; use mode: files")
    domain = text("domain")
    if domain is not None and not _DOMAIN_RE.match(domain.lower().rstrip(".")):
        err("domain", f"'{domain}' is not a domain name (e.g. journal.example.org)")
    profile = text("profile")
    if diags or provider is None or bucket is None:
        return None, diags
    return (
        DeployTarget(
            name=name,
            provider=provider,
            bucket=bucket,
            endpoint=endpoint,
            region=region,
            prefix=prefix,
            mode=mode,
            domain=domain.lower().rstrip(".") if domain else None,
            profile=profile,
            line=line,
        ),
        diags,
    )


def target_from_url(url: str) -> DeployTarget | None:
    """An ad-hoc target from ``PROVIDER://bucket/prefix`` (``s3://my-bucket/site``).

    The URL scheme picks the provider preset, as Lektor's publisher registry does; None
    when ``url`` is not such a URL. The endpoint comes from the preset (or, for ``s3``,
    from boto3's ``AWS_ENDPOINT_URL`` handling).
    """
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in PROVIDERS:
        return None
    bucket, _, prefix = rest.partition("/")
    if not _BUCKET_RE.match(bucket):
        return None
    prefix = prefix.strip("/")
    return DeployTarget(
        name=url, provider=scheme, bucket=bucket, prefix=f"{prefix}/" if prefix else ""
    )
