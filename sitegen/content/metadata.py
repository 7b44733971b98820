"""Paper front matter (a LineDict) -> a validated :class:`Paper`, every problem reported.

The dialect is JOSS/pandoc as published (DESIGN section 3): keys we do not interpret go to
``Paper.extra`` untouched, because real papers carry ``header-includes``, ``output`` and
the like; only a key that looks like a typo of a known one earns a warning.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sitegen.content.authors import parse_affiliations, parse_authors
from sitegen.content.fields import (
    Reporter,
    as_int,
    as_text,
    as_text_list,
    checked,
    line_in,
    local_file,
)
from sitegen.content.frontmatter import FrontMatter
from sitegen.content.model import DataFile, OnchainRef, Paper
from sitegen.content.validate import (
    check_date,
    check_doi,
    check_license,
    check_uid,
    did_you_mean,
)
from sitegen.content.yamlsrc import LineDict
from sitegen.errors import Diagnostic

STATUSES = ("published", "preprint", "retracted")

PAPER_KEYS = frozenset(
    {
        "title",
        "subtitle",
        "authors",
        "author",
        "affiliations",
        "date",
        "tags",
        "keywords",
        "bibliography",
        "nocite",
        "abstract",
        "doi",
        "license",
        "volume",
        "issue",
        "status",
        "version",
        "received",
        "accepted",
        "pdf",
        "data",
        "attestations",
        "retraction_note",
    }
)
"""Front-matter keys sitegen interprets; anything else lands in ``Paper.extra``."""

_CITE_KEY = re.compile(r"@(\*|[\w][\w:.#$%&+?<>~/-]*)")


def parse_nocite(rep: Reporter, value: object, line: int | None) -> tuple[str, ...]:
    """Citation keys from ``nocite: "@a, @b"`` (or a list); ``@*`` gives ``*``."""
    texts = as_text_list(rep, value, line, "nocite")
    keys: list[str] = []
    for text in texts:
        found = [k.rstrip(".:,;") for k in _CITE_KEY.findall(text)]
        if not found:
            rep.warning(line, "nocite", f"no citation keys in '{text}' (write @key, @other)")
        keys.extend(k for k in found if k not in keys)
    return tuple(keys)


def _parse_data(rep: Reporter, folder: Path, raw: Any, line: int | None) -> tuple[DataFile, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    out: list[DataFile] = []
    for i, item in enumerate(items):
        fld = f"data[{i}]"
        iline = line_in(raw, i, line) if isinstance(raw, list) else line
        if isinstance(item, dict):
            path = local_file(
                rep, folder, item.get("path"), line_in(item, "path", iline), f"{fld}.path"
            )
            if "path" not in item:
                rep.error(iline, f"{fld}.path", "missing path of the data file")
            desc = as_text(
                rep,
                item.get("description"),
                line_in(item, "description", iline),
                f"{fld}.description",
            )
            title = as_text(rep, item.get("title"), line_in(item, "title", iline), f"{fld}.title")
            if path:
                out.append(DataFile(path=path, description=desc or "", title=title or ""))
        else:
            path = local_file(rep, folder, item, iline, fld)
            if path:
                out.append(DataFile(path=path))
    return tuple(out)


def written_scalar(fm: FrontMatter, line: int | None, key: str, value: object) -> object:
    """The scalar as written on its source line, when YAML's typing lost it.

    YAML 1.1 reads ``uid: 0x00ab...`` as an integer and ``version: 1.10`` as the float
    1.1; the text the author wrote is what they meant, so read it back from the line.
    """
    if not isinstance(value, int | float) or isinstance(value, bool) or line is None:
        return value
    lines = (fm.yaml or "").split("\n")
    index = line - fm.yaml_line
    if not 0 <= index < len(lines):
        return value
    m = re.search(rf"(?:^|[\s{{,-]){re.escape(key)}\s*:\s*([^\s,}}#]+)", lines[index])
    return m[1] if m else value


def _parse_attestations(
    rep: Reporter, fm: FrontMatter, raw: Any, line: int | None
) -> tuple[OnchainRef, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        rep.error(line, "attestations", "must be a list of {chain, uid}")
        return ()
    out: list[OnchainRef] = []
    for i, item in enumerate(raw):
        fld = f"attestations[{i}]"
        iline = line_in(raw, i, line)
        if not isinstance(item, dict):
            rep.error(iline, fld, "must be a mapping with chain and uid")
            continue
        chain = as_text(rep, item.get("chain"), line_in(item, "chain", iline), f"{fld}.chain")
        if not chain:
            rep.error(iline, f"{fld}.chain", "missing chain name (e.g. base, optimism)")
        uid_line = line_in(item, "uid", iline)
        raw_uid = written_scalar(fm, uid_line, "uid", item.get("uid"))
        uid = checked(rep, check_uid, raw_uid, uid_line, f"{fld}.uid")
        if "uid" not in item:
            rep.error(iline, f"{fld}.uid", "missing attestation uid")
        if chain and uid:
            out.append(OnchainRef(chain=chain, uid=uid, line=iline))
    return tuple(out)


def _bibliography(rep: Reporter, folder: Path, raw: Any, line: int | None) -> str | None:
    if isinstance(raw, list):
        files = [
            local_file(rep, folder, b, line_in(raw, i, line), f"bibliography[{i}]")
            for i, b in enumerate(raw)
        ]
        if len(raw) > 1:
            rep.warning(line, "bibliography", "only the first bibliography file is used")
        return files[0] if files else None
    return local_file(rep, folder, raw, line, "bibliography")


def build_paper(
    *,
    slug: str,
    folder: Path,
    source_path: str,
    fm: FrontMatter,
    data: LineDict,
    default_license: str | None = None,
) -> tuple[Paper, list[Diagnostic]]:
    """Validate front matter ``data`` of ``folder/paper.md``.

    Always returns a best-effort :class:`Paper` (invalid fields left empty) so later stages
    can report their own problems in the same run; the diagnostics decide whether the
    build may go on.
    """
    rep = Reporter(source_path)

    def at(key: str) -> int | None:
        return data.line_of(key)

    title = as_text(rep, data.get("title"), at("title"), "title")
    if "title" not in data:
        rep.error(fm.open_line, "title", "missing required field 'title'")
    elif _blank(data.get("title")):
        rep.error(at("title"), "title", "must not be empty")
    if "author" in data and "authors" in data:
        rep.error(at("author"), "author", "give either 'authors' or 'author', not both")
    aff_list = parse_affiliations(rep, data.get("affiliations"), at("affiliations"))
    author_key = "authors" if "authors" in data else "author"
    authors = parse_authors(rep, data.get(author_key), at(author_key), aff_list)

    dates = {}
    for key in ("date", "received", "accepted"):
        dates[key] = checked(rep, check_date, data.get(key), at(key), key)
        if key in data and _blank(data[key]):
            rep.warning(at(key), key, "is empty; date ignored")
    if dates["received"] and dates["accepted"] and dates["accepted"] < dates["received"]:
        rep.error(at("accepted"), "accepted", "is before the received date")

    keywords: list[str] = []
    for key in ("tags", "keywords"):
        for word in as_text_list(rep, data.get(key), at(key), key, split_commas=True):
            if word not in keywords:
                keywords.append(word)

    status = as_text(rep, data.get("status"), at("status"), "status") or "published"
    if status not in STATUSES:
        rep.error(
            at("status"),
            "status",
            f"must be one of {', '.join(STATUSES)}, not '{status}'"
            + did_you_mean(status, STATUSES, cutoff=0.6),
        )
        status = "published"
    volume = as_int(rep, data.get("volume"), at("volume"), "volume")
    issue = as_int(rep, data.get("issue"), at("issue"), "issue")
    if issue is not None and volume is None:
        rep.warning(at("issue"), "issue", "an issue without a volume is not listed in any volume")

    license_id = checked(rep, check_license, data.get("license"), at("license"), "license")
    if license_id is None and "license" not in data:
        license_id = default_license

    extra: dict[str, Any] = {}
    for key, value in data.items():
        if key in PAPER_KEYS:
            continue
        extra[key] = value
        hint = did_you_mean(key, PAPER_KEYS, cutoff=0.8)
        if hint:
            rep.warning(at(key), key, f"unknown field kept as extra data{hint}")

    paper = Paper(
        slug=slug,
        dir=folder,
        source_path=source_path,
        title=title or slug,
        authors=authors,
        body=fm.body,
        body_line=fm.body_line,
        subtitle=as_text(rep, data.get("subtitle"), at("subtitle"), "subtitle") or None,
        affiliations=aff_list,
        date=dates["date"],
        keywords=tuple(keywords),
        abstract=as_text(rep, data.get("abstract"), at("abstract"), "abstract") or None,
        doi=checked(rep, check_doi, data.get("doi"), at("doi"), "doi"),
        license=license_id,
        volume=volume,
        issue=issue,
        status=status,
        version=as_text(
            rep,
            written_scalar(fm, at("version"), "version", data.get("version")),
            at("version"),
            "version",
        )
        or None,
        received=dates["received"],
        accepted=dates["accepted"],
        pdf=local_file(rep, folder, data.get("pdf"), at("pdf"), "pdf"),
        data=_parse_data(rep, folder, data.get("data"), at("data")),
        bibliography=_bibliography(rep, folder, data.get("bibliography"), at("bibliography")),
        nocite=parse_nocite(rep, data.get("nocite"), at("nocite")),
        attestations=_parse_attestations(rep, fm, data.get("attestations"), at("attestations")),
        retraction_note=as_text(
            rep, data.get("retraction_note"), at("retraction_note"), "retraction_note"
        )
        or None,
        extra=extra,
        lines=dict(data.lines),
    )
    return paper, rep.diags


def _blank(value: object) -> bool:
    """True for a missing or whitespace-only value (wrong types are reported elsewhere)."""
    return value is None or (isinstance(value, str) and not value.strip())
