"""SPDX licence identifiers sitegen recognises, for ``license:`` in config and papers.

Papers and journals use a small set of licences in practice (Creative Commons for text,
OSI licences for code and data), so we ship the common part of the SPDX list rather than
all of it; a licence outside it can still be written as ``LicenseRef-<name>``. SPDX ids
match case-insensitively (SPDX spec, annex B), so lookups go through :func:`canonical_id`.
"""

from __future__ import annotations

import difflib
import re

SPDX_IDS: frozenset[str] = frozenset(
    {
        # Creative Commons (4.0, 3.0, 2.5, 2.0, 1.0) and public-domain tools
        "CC0-1.0",
        "CC-PDDC",
        "CC-BY-1.0",
        "CC-BY-2.0",
        "CC-BY-2.5",
        "CC-BY-3.0",
        "CC-BY-3.0-IGO",
        "CC-BY-4.0",
        "CC-BY-SA-1.0",
        "CC-BY-SA-2.0",
        "CC-BY-SA-2.5",
        "CC-BY-SA-3.0",
        "CC-BY-SA-3.0-IGO",
        "CC-BY-SA-4.0",
        "CC-BY-ND-1.0",
        "CC-BY-ND-2.0",
        "CC-BY-ND-2.5",
        "CC-BY-ND-3.0",
        "CC-BY-ND-4.0",
        "CC-BY-NC-1.0",
        "CC-BY-NC-2.0",
        "CC-BY-NC-2.5",
        "CC-BY-NC-3.0",
        "CC-BY-NC-4.0",
        "CC-BY-NC-SA-1.0",
        "CC-BY-NC-SA-2.0",
        "CC-BY-NC-SA-2.5",
        "CC-BY-NC-SA-3.0",
        "CC-BY-NC-SA-3.0-IGO",
        "CC-BY-NC-SA-4.0",
        "CC-BY-NC-ND-1.0",
        "CC-BY-NC-ND-2.0",
        "CC-BY-NC-ND-2.5",
        "CC-BY-NC-ND-3.0",
        "CC-BY-NC-ND-3.0-IGO",
        "CC-BY-NC-ND-4.0",
        "PDDL-1.0",
        "ODbL-1.0",
        "ODC-By-1.0",
        "OGL-UK-3.0",
        "etalab-2.0",
        "Unlicense",
        "WTFPL",
        "0BSD",
        # Permissive code licences
        "MIT",
        "MIT-0",
        "X11",
        "ISC",
        "Apache-1.1",
        "Apache-2.0",
        "BSD-1-Clause",
        "BSD-2-Clause",
        "BSD-2-Clause-Patent",
        "BSD-3-Clause",
        "BSD-3-Clause-Clear",
        "BSD-3-Clause-LBNL",
        "BSD-4-Clause",
        "BSL-1.0",
        "Zlib",
        "PSF-2.0",
        "Python-2.0",
        "UPL-1.0",
        "NCSA",
        "PostgreSQL",
        "Artistic-2.0",
        "AFL-3.0",
        "ECL-2.0",
        "BlueOak-1.0.0",
        "Unicode-3.0",
        "CECILL-B",
        "CECILL-C",
        # Copyleft code licences
        "GPL-1.0-only",
        "GPL-1.0-or-later",
        "GPL-2.0-only",
        "GPL-2.0-or-later",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "LGPL-2.0-only",
        "LGPL-2.0-or-later",
        "LGPL-2.1-only",
        "LGPL-2.1-or-later",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "AGPL-3.0-only",
        "AGPL-3.0-or-later",
        "MPL-1.1",
        "MPL-2.0",
        "MPL-2.0-no-copyleft-exception",
        "EPL-1.0",
        "EPL-2.0",
        "EUPL-1.1",
        "EUPL-1.2",
        "CDDL-1.0",
        "CDDL-1.1",
        "OSL-3.0",
        "CECILL-2.1",
        "CPL-1.0",
        "MS-PL",
        "MS-RL",
        # Documentation and fonts
        "GFDL-1.3-only",
        "GFDL-1.3-or-later",
        "GFDL-1.2-only",
        "GFDL-1.2-or-later",
        "OFL-1.1",
        "LPPL-1.3c",
        # Deprecated ids still common in the wild (SPDX keeps them valid but deprecated)
        "GPL-2.0",
        "GPL-2.0+",
        "GPL-3.0",
        "GPL-3.0+",
        "LGPL-2.1",
        "LGPL-2.1+",
        "LGPL-3.0",
        "LGPL-3.0+",
        "AGPL-3.0",
    }
)
"""Known SPDX licence ids, spelled as the SPDX list spells them."""

_EXCEPTIONS: frozenset[str] = frozenset(
    {
        "Classpath-exception-2.0",
        "LLVM-exception",
        "GCC-exception-3.1",
        "OpenJDK-assembly-exception-1.0",
    }
)
_BY_LOWER: dict[str, str] = {i.lower(): i for i in SPDX_IDS | _EXCEPTIONS}
_REF = re.compile(r"^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")
_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def canonical_id(value: str) -> str | None:
    """The SPDX spelling of ``value`` (case-insensitive match), or None if unknown."""
    if _REF.match(value):
        return value
    return _BY_LOWER.get(value.lower())


def suggest(value: str) -> str | None:
    """The closest known id, for a "did you mean" hint (``CC BY 4.0`` -> ``CC-BY-4.0``)."""
    key = re.sub(r"[\s_]+", "-", value.strip()).lower()
    key = key.replace("-v", "-").replace("-license", "")
    if key in _BY_LOWER:
        return _BY_LOWER[key]
    close = difflib.get_close_matches(key, list(_BY_LOWER), n=1, cutoff=0.6)
    return _BY_LOWER[close[0]] if close else None


def normalize_expression(value: str) -> tuple[str | None, list[str]]:
    """Check an SPDX licence expression (``MIT OR Apache-2.0``, ``GPL-2.0-only WITH ...``).

    Returns the expression with every id canonically spelled, or None, and the unknown
    tokens (each a problem the caller reports with a hint).
    """
    tokens = _TOKEN.findall(value)
    if not tokens:
        return None, [value]
    out: list[str] = []
    bad: list[str] = []
    expect_id = True
    depth = 0
    for tok in tokens:
        upper = tok.upper()
        if tok == "(":
            depth += 1
            out.append(tok)
            continue
        if tok == ")":
            depth -= 1
            out.append(tok)
            continue
        if not expect_id and upper in ("AND", "OR", "WITH"):
            out.append(upper)
            expect_id = True
            continue
        plus = tok.endswith("+") and canonical_id(tok) is None
        ident = canonical_id(tok[:-1] if plus else tok)
        if ident is None or not expect_id:
            bad.append(tok)
            out.append(tok)
        else:
            out.append(ident + ("+" if plus else ""))
        expect_id = False
    if depth != 0 or expect_id:
        bad.append(value)
    if bad:
        return None, bad
    return " ".join(out).replace("( ", "(").replace(" )", ")"), []
