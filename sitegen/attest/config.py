"""The ``attestations:`` section of ``sitegen.yaml``: schemas, trusted attesters, chains, RPC.

```yaml
attestations:
  chain: sepolia                       # where `sitegen attest sign` signs (EIP-712 domain)
  schemas:
    - definition: "bytes32 contentHash,string cid,string decision"
      cid_field: cid                   # must equal the paper's bundle CID
      decision_field: decision         # shown on the badge
      # hash_field: contentHash        # bytes32 = the CID's sha2-256 digest (default if present)
      # uid: "0xa44b…"                 # optional; must equal the UID computed from the above
  attesters:
    - {address: "0x…", name: "Editorial board", role: editor}
  chains:                              # extra chains; built-ins: see sitegen/attest/chains.py
    devnet: {chain_id: 31337, eas: "0x…", version: "1.3.0"}
  rpc: {sepolia: "https://…"}          # for `build --online`; env SITEGEN_RPC_<CHAIN> also works
```
"""

from __future__ import annotations

import difflib
import urllib.parse
from dataclasses import dataclass
from typing import Any

from sitegen.attest.abi import AbiError, SchemaField, parse_schema
from sitegen.attest.chains import Chain, all_chains, chain_by_name
from sitegen.attest.eas import ZERO_ADDRESS, checksum_address, is_address, schema_uid
from sitegen.errors import Diagnostic

FIELD = "attestations"
_TOP_KEYS = ("chain", "schemas", "attesters", "chains", "rpc")
_SCHEMA_KEYS = (
    "definition",
    "cid_field",
    "decision_field",
    "hash_field",
    "comment_field",
    "uid",
    "resolver",
    "revocable",
    "name",
)
_ATTESTER_KEYS = ("address", "name", "role")
_CHAIN_KEYS = ("chain_id", "eas", "registry", "version", "title", "explorer", "easscan", "service")


@dataclass(frozen=True, slots=True)
class SchemaConfig:
    definition: str
    """The EAS schema string, e.g. ``bytes32 contentHash,string cid,string decision``."""
    cid_field: str = "cid"
    """Field whose value must equal the paper's bundle CID."""
    decision_field: str | None = "decision"
    """Field shown as the decision on the badge (accept, minor-revision, replicated...)."""
    uid: str | None = None
    """Schema UID; computed from the definition, a configured one must match."""
    hash_field: str | None = None
    """bytes32 field holding the sha2-256 digest of the bundle CID (its multihash digest)."""
    comment_field: str | None = None
    """Optional string field filled by ``attest sign --comment``."""
    resolver: str = ZERO_ADDRESS
    revocable: bool = True
    name: str | None = None
    fields: tuple[SchemaField, ...] = ()
    """The parsed definition."""


@dataclass(frozen=True, slots=True)
class Attester:
    address: str
    """EIP-55 checksummed address."""
    name: str
    role: str = "editor"
    """editor, reviewer, replicator... shown beside the name."""


@dataclass(frozen=True, slots=True)
class AttestationConfig:
    schemas: tuple[SchemaConfig, ...] = ()
    attesters: tuple[Attester, ...] = ()
    rpc: tuple[tuple[str, str], ...] = ()
    """(chain name, RPC URL) pairs used by ``--online``."""
    chain: str = "sepolia"
    """Chain whose EAS contract is the EIP-712 domain of ``attest sign``."""
    chains: tuple[Chain, ...] = ()
    """Chains added by the journal (they shadow built-ins of the same name or id)."""

    def schema_by_uid(self, uid: str) -> SchemaConfig | None:
        return next((s for s in self.schemas if s.uid and s.uid.lower() == uid.lower()), None)

    def attester(self, address: str) -> Attester | None:
        return next((a for a in self.attesters if a.address.lower() == address.lower()), None)

    def rpc_url(self, chain: str) -> str | None:
        return next((u for c, u in self.rpc if c == chain), None)


def _unknown_keys(
    node: dict[str, Any], allowed: tuple[str, ...], path: str, where: str, out: list[Diagnostic]
) -> None:
    for key in node:
        if key not in allowed:
            hint = difflib.get_close_matches(key, allowed, n=1)
            more = f"; did you mean {hint[0]!r}?" if hint else f"; known keys: {', '.join(allowed)}"
            out.append(_diag(path, node, key, f"unknown key {where}{key!r}{more}"))


def _line(node: Any, key: str | int | None = None) -> int | None:
    if key is not None and hasattr(node, "line_of"):
        line = node.line_of(key)
    else:
        line = getattr(node, "line", None)
    return line if isinstance(line, int) else None


def _diag(path: str, node: Any, key: str | int | None, message: str) -> Diagnostic:
    return Diagnostic(path, _line(node, key), FIELD, message)


def _schema(s: dict[str, Any], path: str, out: list[Diagnostic]) -> SchemaConfig | None:
    _unknown_keys(s, _SCHEMA_KEYS, path, "in schema: ", out)
    definition = s.get("definition")
    if not isinstance(definition, str):
        out.append(_diag(path, s, "definition", "schema needs a 'definition' string"))
        return None
    try:
        fields = parse_schema(definition)
    except AbiError as exc:
        out.append(_diag(path, s, "definition", f"bad schema definition: {exc}"))
        return None
    by_name = {f.name: f for f in fields}
    names = ", ".join(by_name)
    resolver = s.get("resolver", ZERO_ADDRESS)
    if not is_address(resolver):
        out.append(_diag(path, s, "resolver", f"resolver {resolver!r} is not an address"))
        resolver = ZERO_ADDRESS
    revocable = s.get("revocable", True)
    if not isinstance(revocable, bool):
        out.append(_diag(path, s, "revocable", "revocable must be true or false"))
        revocable = True
    picked: dict[str, str | None] = {}
    for key, default, types in (
        ("cid_field", "cid", ("string",)),
        ("decision_field", "decision", None),
        ("hash_field", None, ("bytes32",)),
        ("comment_field", None, ("string",)),
    ):
        name = s.get(key, default)
        if key == "hash_field" and name is None and "contentHash" in by_name:
            name = "contentHash" if by_name["contentHash"].type == "bytes32" else None
        if key == "decision_field" and key not in s and name not in by_name:
            name = None  # optional: a schema without a decision shows none
        if name is None:
            picked[key] = None
            continue
        if name not in by_name:
            out.append(
                _diag(path, s, key, f"{key} {name!r} is not a field of the schema ({names})")
            )
        elif types and by_name[name].type not in types:
            out.append(_diag(path, s, key, f"{key} {name!r} must be of type {' or '.join(types)}"))
        picked[key] = str(name)
    uid = schema_uid(definition, resolver, revocable)
    given = s.get("uid")
    if given is not None and str(given).lower() != uid:
        out.append(
            _diag(path, s, "uid", f"uid {given} does not match the definition; it must be {uid}")
        )
    return SchemaConfig(
        definition=definition,
        cid_field=picked["cid_field"] or "cid",
        decision_field=picked["decision_field"],
        uid=uid,
        hash_field=picked["hash_field"],
        comment_field=picked["comment_field"],
        resolver=checksum_address(resolver),
        revocable=revocable,
        name=str(s["name"]) if s.get("name") is not None else None,
        fields=fields,
    )


def _attester(a: dict[str, Any], path: str, out: list[Diagnostic]) -> Attester | None:
    _unknown_keys(a, _ATTESTER_KEYS, path, "in attester: ", out)
    address = a.get("address")
    if not isinstance(address, str) or not is_address(address):
        out.append(_diag(path, a, "address", f"address {address!r} is not a 0x… 20-byte address"))
        return None
    name = a.get("name")
    if not isinstance(name, str) or not name.strip():
        out.append(_diag(path, a, "name", "attester needs a 'name'"))
        name = str(address)
    role = a.get("role", "editor")
    if not isinstance(role, str) or not role.strip():
        out.append(_diag(path, a, "role", "role must be a word such as editor or reviewer"))
        role = "editor"
    return Attester(checksum_address(address), name.strip(), role.strip())


def _chain(name: str, c: Any, path: str, out: list[Diagnostic]) -> Chain | None:
    if not isinstance(c, dict):
        out.append(_diag(path, c, None, f"chain {name!r} must be a mapping"))
        return None
    _unknown_keys(c, _CHAIN_KEYS, path, f"in chain {name}: ", out)
    chain_id, eas = c.get("chain_id"), c.get("eas")
    ok = True
    if not isinstance(chain_id, int) or isinstance(chain_id, bool) or chain_id <= 0:
        out.append(_diag(path, c, "chain_id", f"chain {name!r} needs a positive chain_id"))
        ok = False
    if not is_address(eas):
        out.append(_diag(path, c, "eas", f"chain {name!r} needs 'eas': the EAS contract address"))
        ok = False
    explorer = c.get("explorer")
    if explorer is not None and "{uid}" not in str(explorer):
        out.append(_diag(path, c, "explorer", "explorer must contain {uid}"))
        explorer = None
    if not ok or not isinstance(chain_id, int) or not isinstance(eas, str):
        return None
    reg = c.get("registry")
    return Chain(
        name=name,
        title=str(c.get("title", name)),
        chain_id=chain_id,
        eas=checksum_address(eas),
        registry=checksum_address(reg) if isinstance(reg, str) and is_address(reg) else None,
        version=str(c.get("version", "1.3.0")),
        service=str(c.get("service", "EAS")),
        explorer=str(explorer) if explorer else None,
        easscan=str(c["easscan"]).rstrip("/") if c.get("easscan") else None,
    )


def _list(raw: dict[str, Any], key: str, path: str, out: list[Diagnostic]) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        out.append(_diag(path, raw, key, f"'{key}' must be a list"))
        return []
    items = []
    for i, item in enumerate(value):
        if isinstance(item, dict):
            items.append(item)
        else:
            out.append(_diag(path, value, i, f"each entry of '{key}' must be a mapping"))
    return items


def parse_attestations(raw: object, path: str) -> tuple[AttestationConfig, list[Diagnostic]]:
    """Validate the raw ``attestations:`` mapping (a ``LineDict``) from ``sitegen.yaml``.

    Returns the config and every problem found (each with its line), never just the first.
    """
    out: list[Diagnostic] = []
    if raw is None:
        return AttestationConfig(), out
    if not isinstance(raw, dict):
        return AttestationConfig(), [_diag(path, raw, None, "must be a mapping")]
    _unknown_keys(raw, _TOP_KEYS, path, "", out)
    schemas = [_schema(s, path, out) for s in _list(raw, "schemas", path, out)]
    uids = [s.uid for s in schemas if s]
    if len(set(uids)) != len(uids):
        out.append(_diag(path, raw, "schemas", "the same schema is listed twice"))
    attesters = [_attester(a, path, out) for a in _list(raw, "attesters", path, out)]
    chains: list[Chain] = []
    raw_chains = raw.get("chains") or {}
    if not isinstance(raw_chains, dict):
        out.append(_diag(path, raw, "chains", "'chains' must map chain names to settings"))
        raw_chains = {}
    for name, c in raw_chains.items():
        chain = _chain(str(name), c, path, out)
        if chain:
            chains.append(chain)
    known = {c.name for c in all_chains(chains)}
    rpc: list[tuple[str, str]] = []
    raw_rpc = raw.get("rpc") or {}
    if not isinstance(raw_rpc, dict):
        out.append(_diag(path, raw, "rpc", "'rpc' must map chain names to URLs"))
        raw_rpc = {}
    for name, url in raw_rpc.items():
        chain = chain_by_name(str(name), chains)
        if chain is None:
            hint = difflib.get_close_matches(str(name), sorted(known), n=1)
            tip = f"; did you mean {hint[0]!r}?" if hint else ""
            out.append(_diag(path, raw_rpc, name, f"rpc: unknown chain {name!r}{tip}"))
        elif urllib.parse.urlsplit(str(url)).scheme not in ("http", "https"):
            out.append(_diag(path, raw_rpc, name, f"rpc URL for {name!r} must be http(s)"))
        else:
            rpc.append((chain.name, str(url)))
    chain_name = raw.get("chain")
    resolved = chain_by_name(str(chain_name or "sepolia"), chains)
    if chain_name is None and resolved is None:
        resolved = all_chains(chains)[0]  # sepolia shadowed by a custom chain: use that
    elif resolved is None:
        hint = difflib.get_close_matches(str(chain_name), sorted(known), n=1)
        tip = f"; did you mean {hint[0]!r}?" if hint else f"; known: {', '.join(sorted(known))}"
        out.append(_diag(path, raw, "chain", f"unknown chain {chain_name!r}{tip}"))
    return (
        AttestationConfig(
            schemas=tuple(s for s in schemas if s),
            attesters=tuple(a for a in attesters if a),
            rpc=tuple(rpc),
            chain=resolved.name if resolved else "sepolia",
            chains=tuple(chains),
        ),
        out,
    )
