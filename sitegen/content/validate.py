"""Checks for the identifiers and values journals get wrong: ORCID, DOI, dates, ISSN, ...

Each check is a pure function that returns the normalised value or raises
:class:`InvalidValueError` with a message fit for ``path:line: field: message``; callers attach the
location. Normalising here (bare ORCID, bare DOI, real ``date``) means later stages never
see the many spellings authors use.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable

from sitegen.content.spdx import normalize_expression, suggest


class InvalidValueError(ValueError):
    """A value failed a check; ``str(exc)`` is the user-facing message."""


class PlaceholderError(InvalidValueError):
    """A template value left unfilled (``XX Month 20XX``): worth a warning, not an error."""


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.75) -> str:
    """`` (did you mean 'title'?)`` when a choice is close to ``word``, else ``""``."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""


_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
_ORCID_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?(?:sandbox\.)?orcid\.org/", re.I)


def orcid_checksum(base15: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 15 ORCID digits."""
    total = 0
    for ch in base15:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def check_orcid(value: object) -> str:
    """Bare ``0000-0002-1825-0097`` from an iD or its ``https://orcid.org/`` URL."""
    if not isinstance(value, str):
        raise InvalidValueError("must be an ORCID iD such as 0000-0002-1825-0097")
    text = _ORCID_PREFIX.sub("", value.strip()).upper()
    m = _ORCID.match(text)
    if not m:
        raise InvalidValueError(f"'{value}' is not an ORCID iD (expected 0000-0002-1825-0097)")
    digits = "".join(m.groups())
    if orcid_checksum(digits[:15]) != digits[15]:
        raise InvalidValueError(
            f"'{value}' is not a valid ORCID iD (checksum digit does not match)"
        )
    return "-".join(m.groups())


_DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)", re.I)


def check_doi(value: object) -> str:
    """Bare ``10.xxxx/suffix`` from a DOI, ``doi:`` form or ``https://doi.org/`` URL."""
    if not isinstance(value, str):
        raise InvalidValueError("must be a DOI such as 10.21105/joss.01234")
    text = _DOI_PREFIX.sub("", value.strip())
    if not _DOI.match(text):
        raise InvalidValueError(f"'{value}' is not a valid DOI (expected 10.<registrant>/<suffix>)")
    return text


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_PLACEHOLDER = re.compile(r"X{2}|\b(?:month|dd|mm|yyyy|date|today|tbd|todo)\b|^[\s\-_.?]*$", re.I)


def check_date(value: object) -> dt.date:
    """A real calendar date from ISO ``2017-08-13``, ``13 August 2017``, ``August 13, 2017``,
    ``13 Aug 2017``, ``2017/08/13`` or a month (``August 2017``, ``2017-08``: the 1st).

    Raises :class:`PlaceholderError` for unfilled templates and :class:`InvalidValueError` otherwise.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        raise PlaceholderError("is empty; fill in the date (e.g. 13 August 2017)")
    if not isinstance(value, str | int):
        raise InvalidValueError("must be a date such as 2017-08-13 or 13 August 2017")
    text = str(value).strip()
    try:
        return _parse_date(text)
    except InvalidValueError:
        if _PLACEHOLDER.search(text):
            raise PlaceholderError(f"'{text}' is an unfilled placeholder; date ignored") from None
        raise


def _parse_date(text: str) -> dt.date:
    for pattern in (_ISO, _SLASHED):
        m = pattern.match(text)
        if m:
            return _make(int(m[1]), int(m[2]), int(m[3]), text)
    m = _ISO_MONTH.match(text)
    if m:
        return _make(int(m[1]), int(m[2]), 1, text)
    words = re.findall(r"[A-Za-z]+|\d+", text)
    words = [w for w in words if w.lower() not in ("st", "nd", "rd", "th", "of")]
    months = [w for w in words if not w.isdigit()]
    numbers = [w for w in words if w.isdigit()]
    if len(months) == 1 and months[0].lower() in _MONTHS and 1 <= len(numbers) <= 2:
        month = _MONTHS[months[0].lower()]
        years = [n for n in numbers if len(n) == 4]
        days = [n for n in numbers if len(n) <= 2]
        if len(years) == 1 and len(days) == len(numbers) - 1:
            return _make(int(years[0]), month, int(days[0]) if days else 1, text)
    raise InvalidValueError(f"'{text}' is not a date (use 2017-08-13 or 13 August 2017)")


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidValueError(f"'{text}' is not a real date ({exc})") from None


_ISSN = re.compile(r"^(\d{4})-?(\d{3})([\dX])$")


def check_issn(value: object) -> str:
    """``1234-567X`` with its mod-11 check digit verified."""
    m = _ISSN.match(str(value).strip().upper()) if isinstance(value, str) else None
    if not m:
        raise InvalidValueError(f"'{value}' is not an ISSN (expected 1234-5679)")
    digits = m[1] + m[2]
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    if ("X" if check == 10 else str(check)) != m[3]:
        raise InvalidValueError(f"'{value}' is not a valid ISSN (check digit does not match)")
    return f"{m[1]}-{m[2]}{m[3]}"


_LANG = re.compile(
    r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-[A-Za-z\d]{5,8})*$"
)


def check_language(value: object) -> str:
    """A BCP 47 tag of the usual shape (``en``, ``pt-BR``, ``zh-Hant-TW``)."""
    if not isinstance(value, str) or not _LANG.match(value.strip()):
        raise InvalidValueError(f"'{value}' is not a language tag (e.g. en, de, pt-BR)")
    return value.strip()


_HOST = re.compile(
    r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def check_host(value: object) -> str:
    """A bare host name (``dweb.link``), no scheme or path."""
    if not isinstance(value, str) or not _HOST.match(value.strip()):
        raise InvalidValueError(f"'{value}' is not a host name (e.g. dweb.link, without https://)")
    return value.strip().lower()


_URL = re.compile(r"^https?://[^\s/?#]+(?:[/?#]\S*)?$", re.I)


def check_base_url(value: object) -> str:
    """An absolute ``http(s)://`` URL, returned with exactly one trailing slash."""
    if not isinstance(value, str) or not _URL.match(value.strip()):
        raise InvalidValueError(
            f"'{value}' is not an absolute http(s) URL (e.g. https://journal.example/)"
        )
    return value.strip().rstrip("/") + "/"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(value: object) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise InvalidValueError(f"'{value}' is not an email address")
    return value.strip()


_ROR = re.compile(r"^(?:(?:https?://)?ror\.org/)?(0[a-hj-km-np-tv-z0-9]{6}\d{2})$", re.I)


def check_ror(value: object) -> str:
    """``https://ror.org/<id>`` from a ROR id or URL (the 9-character id format)."""
    m = _ROR.match(str(value).strip()) if isinstance(value, str) else None
    if not m:
        raise InvalidValueError(f"'{value}' is not a ROR id (e.g. https://ror.org/02mhbdp94)")
    return f"https://ror.org/{m[1].lower()}"


_UID = re.compile(r"^0x[0-9a-fA-F]{64}$")


def check_uid(value: object) -> str:
    """An attestation UID: ``0x`` and 64 hex digits, returned lower-case."""
    if not isinstance(value, str) or not _UID.match(value.strip()):
        raise InvalidValueError(
            f"'{value}' is not an attestation UID (0x followed by 64 hex digits)"
        )
    return value.strip().lower()


_SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?$")


def check_slug(value: str) -> str:
    """A folder or file name that is safe as one URL path segment on every filesystem."""
    if not _SLUG.match(value):
        raise InvalidValueError(
            f"'{value}' is not URL-safe; use letters, digits, '-', '_' and '.' "
            "(e.g. 'my-paper-2024')"
        )
    return value


def check_license(value: object) -> str:
    """An SPDX id or expression, canonically spelled; unknown ids raise with a hint."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError("must be an SPDX licence id such as CC-BY-4.0")
    expr, bad = normalize_expression(value.strip())
    if expr is not None:
        return expr
    operators = {"AND", "OR", "WITH"}
    plain = not operators & {t.upper() for t in value.split()}
    token = value.strip() if plain else bad[0]
    hint = suggest(token)
    tail = f" (did you mean '{hint}'?)" if hint else " (see https://spdx.org/licenses/)"
    raise InvalidValueError(f"'{token}' is not an SPDX licence id{tail}")
