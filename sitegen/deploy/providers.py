"""Provider presets: endpoints, regions, where each reports CIDs, gateways.

Facts from ../shared/specs/decentralized-web.md sections 4 and 5. A preset fills what the
target leaves out; the target's own ``endpoint`` / ``region`` always win.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.deploy.config import DeployTarget


@dataclass(frozen=True, slots=True)
class Provider:
    """What we know about one hosting provider's S3 API."""

    name: str
    endpoint: str | None
    """Default endpoint URL; None means boto3's AWS default."""
    region: str
    cid_metadata: str | None
    """User-metadata key (``x-amz-meta-<key>``) carrying the CID the provider pinned."""
    cid_profile: str | None
    """Profile the provider uses for plain uploads when it differs from ours (None: ours)."""
    imports_car: bool
    """Accepts ``x-amz-meta-import: car`` and pins the CAR's root."""
    gateways: tuple[str, ...]
    """Gateway hosts for ``https://<host>/ipfs/<cid>/`` and ``https://<cid>.ipfs.<host>/``."""
    notes: tuple[str, ...] = ()
    """Lines printed after a deploy (limits, how the site is reachable)."""


PRESETS: dict[str, Provider] = {
    "4everland": Provider(
        name="4everland",
        endpoint="https://endpoint.4everland.co",
        region="us-west-2",
        cid_metadata="ipfs-hash",
        cid_profile=None,
        imports_car=False,
        gateways=("4everland.io", "dweb.link"),
        notes=(
            "4everland's public gateway does not serve HTML; use 4EVERLAND Hosting or another gateway",
        ),
    ),
    "filebase": Provider(
        name="filebase",
        endpoint="https://s3.filebase.com",
        region="us-east-1",
        cid_metadata="cid",
        cid_profile="unixfs-v0-2015",
        imports_car=True,
        gateways=("ipfs.filebase.io", "dweb.link"),
        notes=(
            "plain Filebase uploads are pinned as CIDv0/256 KiB; use mode: car to keep our root",
        ),
    ),
    "storj": Provider(
        name="storj",
        endpoint="https://gateway.storjshare.io",
        region="us-1",
        cid_metadata=None,
        cid_profile=None,
        imports_car=False,
        gateways=(),
        notes=(
            "Storj has no IPFS: share with `uplink share --url` (link.storjshare.io/s/<access>/<bucket>/)",
            "custom domain: CNAME to link.storjshare.io plus TXT txt-<host> storj-root:<bucket/prefix>"
            " and storj-access:<access key>",
        ),
    ),
    "s3": Provider(
        name="s3",
        endpoint=None,
        region="us-east-1",
        cid_metadata=None,
        cid_profile=None,
        imports_car=False,
        gateways=("dweb.link",),
    ),
}


def provider_for(target: DeployTarget) -> Provider:
    """The preset for ``target.provider`` (validated by ``parse_deploy``)."""
    return PRESETS[target.provider]


def endpoint_for(target: DeployTarget) -> str | None:
    return target.endpoint or provider_for(target).endpoint


def region_for(target: DeployTarget) -> str:
    return target.region or provider_for(target).region


def gateway_urls(root: str | None, target: DeployTarget, hosts: tuple[str, ...] = ()) -> list[str]:
    """Path and subdomain gateway URLs for ``root`` (subdomain needs a CIDv1)."""
    if not root:
        return []
    urls: list[str] = []
    seen: set[str] = set()
    for host in (*provider_for(target).gateways, *hosts):
        if host in seen:
            continue
        seen.add(host)
        urls.append(f"https://{host}/ipfs/{root}/")
        if not root.startswith("Qm"):
            urls.append(f"https://{root}.ipfs.{host}/")
    return urls


def dnslink_record(domain: str | None, root: str | None) -> str | None:
    """``_dnslink.<domain>  TXT  "dnslink=/ipfs/<cid>"`` or None without a domain."""
    if not domain or not root:
        return None
    return f'_dnslink.{domain}  TXT  "dnslink=/ipfs/{root}"'
