"""``authors`` and ``affiliations`` front matter as JOSS and pandoc papers write them.

Authors refer to affiliations by index (``affiliation: "1, 2"``, ``[1, 2]``, ``1``) or by
name; names may carry pandoc footnotes (``Jane Doe^[Deceased]``) or arrive split into
``given-names``/``surname``. All of this is resolved here so templates and citation
formats get plain :class:`Author` values.
"""

from __future__ import annotations

import re
from typing import Any

from sitegen.content.fields import Reporter, as_bool, as_text, checked, line_in
from sitegen.content.model import Affiliation, Author
from sitegen.content.validate import check_email, check_orcid, check_ror, did_you_mean
from sitegen.content.yamlsrc import LineDict
from sitegen.render.names import split_name

AUTHOR_KEYS = frozenset(
    {
        "name",
        "orcid",
        "affiliation",
        "affiliations",
        "corresponding",
        "email",
        "equal-contrib",
        "given-names",
        "surname",
        "given",
        "family",
        "dropping-particle",
        "non-dropping-particle",
        "suffix",
        "role",
        "url",
        "note",
    }
)
AFFILIATION_KEYS = frozenset({"name", "index", "ror", "country", "department"})
_SPACES = re.compile(r"\s+")


def split_notes(name: str) -> tuple[str, tuple[str, ...]]:
    """``"Jane Doe^[Deceased]"`` -> ``("Jane Doe", ("Deceased",))``; brackets may nest."""
    if "^[" not in name:  # most names: no note to take out
        return _SPACES.sub(" ", name).strip(), ()
    notes: list[str] = []
    out: list[str] = []
    i = 0
    while i < len(name):
        if name.startswith("^[", i):
            depth, j = 1, i + 2
            while j < len(name) and depth:
                depth += {"[": 1, "]": -1}.get(name[j], 0)
                j += 1
            if depth == 0:
                notes.append(name[i + 2 : j - 1].strip())
                i = j
                continue
        out.append(name[i])
        i += 1
    return _SPACES.sub(" ", "".join(out)).strip(), tuple(n for n in notes if n)


def _split_name(name: str) -> tuple[str | None, str | None]:
    """Given/family for citation formats, split as the citation renderer expects."""
    given, family = split_name(name)
    return given, family or None


def parse_affiliations(rep: Reporter, raw: Any, line: int | None) -> tuple[Affiliation, ...]:
    """The ``affiliations:`` list: mappings (name, index, ror) or bare names."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        rep.error(line, "affiliations", "must be a list of {name, index}")
        return ()
    out: list[Affiliation] = []
    seen: dict[str, int | None] = {}
    for i, item in enumerate(raw):
        fld = f"affiliations[{i}]"
        iline = line_in(raw, i, line)
        if isinstance(item, str):
            out.append(Affiliation(name=item.strip()))
            continue
        if not isinstance(item, dict):
            rep.error(iline, fld, "must be a mapping with name and index, or a name")
            continue
        name = as_text(rep, item.get("name"), line_in(item, "name", iline), f"{fld}.name")
        if not name:
            rep.error(iline, f"{fld}.name", "missing affiliation name")
        index = as_text(rep, item.get("index"), line_in(item, "index", iline), f"{fld}.index")
        if index is not None:
            if index in seen:
                rep.error(
                    line_in(item, "index", iline),
                    f"{fld}.index",
                    f"index {index} is used twice (first on line {seen[index]})",
                )
            seen[index] = line_in(item, "index", iline)
        ror = checked(rep, check_ror, item.get("ror"), line_in(item, "ror", iline), f"{fld}.ror")
        _warn_unknown(rep, item, AFFILIATION_KEYS, iline, fld)
        out.append(Affiliation(name=name or "", index=index, ror=ror))
    return tuple(out)


def _warn_unknown(
    rep: Reporter, item: dict[str, Any], known: frozenset[str], line: int | None, fld: str
) -> None:
    for key in item:
        if key not in known:
            hint = did_you_mean(key, known, cutoff=0.8)
            if hint:
                rep.warning(line_in(item, key, line), f"{fld}.{key}", f"unknown field{hint}")


def _resolve_refs(
    rep: Reporter, raw: Any, line: int | None, fld: str, affs: tuple[Affiliation, ...]
) -> tuple[Affiliation, ...]:
    by_index = {a.index: a for a in affs if a.index is not None}
    by_name = {a.name: a for a in affs}

    def find(ref: str) -> Affiliation | None:
        return by_index.get(ref) or by_name.get(ref)

    if raw is None:
        return ()
    refs: list[str]
    if isinstance(raw, list):
        refs = []
        for i, item in enumerate(raw):
            text = as_text(rep, item, line_in(raw, i, line), f"{fld}[{i}]")
            if text:
                refs.append(text)
    else:
        text = as_text(rep, raw, line, fld)
        if not text:
            return ()
        whole = find(text)
        if whole is not None:
            return (whole,)
        refs = [p.strip() for p in text.split(",") if p.strip()]
        if not all(find(r) or _looks_like_index(r) for r in refs):
            # Not a list of refs: an affiliation written inline ("University of X, Y").
            return (Affiliation(name=text),)
    out: list[Affiliation] = []
    for ref in refs:
        found = find(ref)
        if found is not None:
            out.append(found)
        elif _looks_like_index(ref):
            known = ", ".join(a.index for a in affs if a.index) or "none defined"
            rep.error(line, fld, f"affiliation index {ref} is not in affiliations ({known})")
        else:
            out.append(Affiliation(name=ref))
    return tuple(out)


_INDEX = re.compile(r"[0-9]+[a-z]?|[a-zA-Z]")


def _looks_like_index(ref: str) -> bool:
    return bool(_INDEX.fullmatch(ref))


def parse_authors(
    rep: Reporter, raw: Any, line: int | None, affs: tuple[Affiliation, ...]
) -> tuple[Author, ...]:
    """The ``authors:`` list; each problem reported with its line and ``authors[i].field``."""
    if raw is None:
        return ()
    if isinstance(raw, str | dict):
        raw_items: list[Any] = [raw]
    elif isinstance(raw, list):
        raw_items = raw
    else:
        rep.error(line, "authors", "must be a list of authors")
        return ()
    out: list[Author] = []
    for i, item in enumerate(raw_items):
        fld = f"authors[{i}]"
        iline = line_in(raw, i, line) if isinstance(raw, list) else line
        if isinstance(item, str):
            name, notes = split_notes(item)
            given, family = _split_name(name)
            out.append(Author(name=name, notes=notes, given=given, family=family))
            continue
        if not isinstance(item, dict):
            rep.error(iline, fld, "must be a mapping with a name, or a name")
            continue
        author = _parse_author(rep, item, iline, fld, affs)
        if author is not None:
            out.append(author)
    return tuple(out)


def _parse_author(
    rep: Reporter,
    item: dict[str, Any],
    iline: int | None,
    fld: str,
    affs: tuple[Affiliation, ...],
) -> Author | None:
    if isinstance(item, LineDict):  # as line_in answers for it, without its type checks
        lines, own = item.lines, item.line

        def at(key: str) -> int | None:
            return lines.get(key, own)
    else:

        def at(key: str) -> int | None:
            return line_in(item, key, iline)

    given = family = None
    raw_name = item.get("name")
    parts = item if raw_name is None else raw_name
    if isinstance(parts, dict):
        given = as_text(
            rep, parts.get("given-names") or parts.get("given"), at("name"), f"{fld}.given-names"
        )
        particle = parts.get("non-dropping-particle") or parts.get("dropping-particle")
        family = as_text(
            rep, parts.get("surname") or parts.get("family"), at("name"), f"{fld}.surname"
        )
        if family and particle:
            family = f"{particle} {family}"
        literal = parts.get("literal")
        name_text = as_text(rep, literal, at("name"), f"{fld}.name") if literal else None
        name_text = name_text or " ".join(p for p in (given, family) if p)
    else:
        name_text = as_text(rep, raw_name, at("name"), f"{fld}.name")
    if not name_text:
        rep.error(iline, f"{fld}.name", "missing author name")
        return None
    name, notes = split_notes(name_text)
    if given is None and family is None:
        given, family = _split_name(name)
    orcid = checked(rep, check_orcid, item.get("orcid"), at("orcid"), f"{fld}.orcid")
    email = checked(rep, check_email, item.get("email"), at("email"), f"{fld}.email")
    aff_key = "affiliation" if "affiliation" in item else "affiliations"
    author_affs = _resolve_refs(rep, item.get(aff_key), at(aff_key), f"{fld}.{aff_key}", affs)
    corresponding = as_bool(
        rep, item.get("corresponding"), at("corresponding"), f"{fld}.corresponding"
    )
    equal = as_bool(rep, item.get("equal-contrib"), at("equal-contrib"), f"{fld}.equal-contrib")
    note = as_text(rep, item.get("note"), at("note"), f"{fld}.note")
    _warn_unknown(rep, item, AUTHOR_KEYS, iline, fld)
    return Author(
        name=name,
        orcid=orcid,
        affiliations=author_affs,
        corresponding=bool(corresponding),
        email=email,
        equal_contrib=bool(equal),
        notes=notes + ((note,) if note else ()),
        given=given,
        family=family,
    )
