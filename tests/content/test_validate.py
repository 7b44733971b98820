from __future__ import annotations

import datetime as dt

import pytest

from sitegen.content.validate import (
    InvalidValueError,
    PlaceholderError,
    check_base_url,
    check_date,
    check_doi,
    check_host,
    check_issn,
    check_language,
    check_license,
    check_orcid,
    check_ror,
    check_slug,
    check_uid,
    did_you_mean,
    orcid_checksum,
)


@pytest.mark.parametrize(
    ("raw", "bare"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("http://orcid.org/0000-0002-1694-233X", "0000-0002-1694-233X"),
        ("orcid.org/0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("0000000218250097", "0000-0002-1825-0097"),
    ],
)
def test_orcid_accepts_ids_and_urls_and_stores_bare(raw: str, bare: str) -> None:
    assert check_orcid(raw) == bare


def test_orcid_checksum_is_iso_7064_mod_11_2() -> None:
    assert orcid_checksum("000000021825009") == "7"
    assert orcid_checksum("000000021694233") == "X"


@pytest.mark.parametrize("raw", ["0000-0002-1825-0098", "0000-0002-1825", "orcid", 12])
def test_orcid_rejects_bad_checksum_and_shapes(raw: object) -> None:
    with pytest.raises(InvalidValueError):
        check_orcid(raw)


@pytest.mark.parametrize(
    ("raw", "bare"),
    [
        ("10.21105/joss.01234", "10.21105/joss.01234"),
        ("https://doi.org/10.1093/comjnl/27.2.97", "10.1093/comjnl/27.2.97"),
        ("http://dx.doi.org/10.5555/abc", "10.5555/abc"),
        ("doi:10.5555/abc", "10.5555/abc"),
    ],
)
def test_doi_strips_prefixes(raw: str, bare: str) -> None:
    assert check_doi(raw) == bare


@pytest.mark.parametrize("raw", ["11.1234/x", "10.12/x", "10.1234", "10.1234/with space"])
def test_doi_rejects_bad_syntax(raw: str) -> None:
    with pytest.raises(InvalidValueError):
        check_doi(raw)


@pytest.mark.parametrize(
    ("raw", "date"),
    [
        ("2017-08-13", dt.date(2017, 8, 13)),
        (dt.date(2017, 8, 13), dt.date(2017, 8, 13)),
        (dt.datetime(2017, 8, 13, 10, 0), dt.date(2017, 8, 13)),
        ("13 August 2017", dt.date(2017, 8, 13)),
        ("01 March 2024", dt.date(2024, 3, 1)),
        ("August 13, 2017", dt.date(2017, 8, 13)),
        ("13 Aug 2017", dt.date(2017, 8, 13)),
        ("13th of August, 2017", dt.date(2017, 8, 13)),
        ("2017/08/13", dt.date(2017, 8, 13)),
        ("August 2017", dt.date(2017, 8, 1)),
        ("2017-08", dt.date(2017, 8, 1)),
    ],
)
def test_dates_in_the_forms_papers_use(raw: object, date: dt.date) -> None:
    assert check_date(raw) == date


@pytest.mark.parametrize("raw", ["XX Month 20XX", "XX April 2020", "---", "", "\\today"])
def test_unfilled_date_is_a_placeholder(raw: str) -> None:
    with pytest.raises(PlaceholderError):
        check_date(raw)


@pytest.mark.parametrize("raw", ["31 February 2020", "2020-13-01", "sometime in spring", [1]])
def test_unreal_dates_are_errors_not_placeholders(raw: object) -> None:
    with pytest.raises(InvalidValueError) as info:
        check_date(raw)
    assert not isinstance(info.value, PlaceholderError)


def test_license_ids_and_expressions() -> None:
    assert check_license("CC-BY-4.0") == "CC-BY-4.0"
    assert check_license("cc-by-sa-4.0") == "CC-BY-SA-4.0"
    assert check_license("MIT OR Apache-2.0") == "MIT OR Apache-2.0"
    assert check_license("(MIT and bsd-3-clause)") == "(MIT AND BSD-3-Clause)"
    assert check_license("LicenseRef-Custom") == "LicenseRef-Custom"


@pytest.mark.parametrize(
    ("raw", "hint"),
    [("CC-BY-4", "CC-BY-4.0"), ("CC BY 4.0", "CC-BY-4.0"), ("Apache 2.0", "Apache-2.0")],
)
def test_unknown_license_hints_the_closest_id(raw: str, hint: str) -> None:
    with pytest.raises(InvalidValueError, match=f"did you mean '{hint}'"):
        check_license(raw)


def test_license_expression_errors() -> None:
    for raw in ("MIT OR", "MIT Apache-2.0", "(MIT", "Nonsense-License-9"):
        with pytest.raises(InvalidValueError):
            check_license(raw)


def test_small_identifiers() -> None:
    assert check_issn("2475-9066") == "2475-9066"
    with pytest.raises(InvalidValueError):
        check_issn("2475-9067")
    assert check_language("pt-BR") == "pt-BR"
    with pytest.raises(InvalidValueError):
        check_language("english language")
    assert check_base_url("https://journal.example/sub") == "https://journal.example/sub/"
    with pytest.raises(InvalidValueError):
        check_base_url("journal.example")
    assert check_host("DWeb.link") == "dweb.link"
    with pytest.raises(InvalidValueError):
        check_host("https://dweb.link")
    assert check_ror("05gq02987") == "https://ror.org/05gq02987"
    uid = "0x" + "ab" * 32
    assert check_uid(uid.upper().replace("0X", "0x")) == uid
    with pytest.raises(InvalidValueError):
        check_uid("0x1234")


@pytest.mark.parametrize("slug", ["my-paper", "paper_2024", "v1.2", "A1"])
def test_url_safe_slugs(slug: str) -> None:
    assert check_slug(slug) == slug


@pytest.mark.parametrize("slug", ["my paper", "über", "-x", "x.", "a/b", "a?b"])
def test_unsafe_slugs(slug: str) -> None:
    with pytest.raises(InvalidValueError):
        check_slug(slug)


def test_did_you_mean() -> None:
    assert did_you_mean("titel", ["title", "theme"]) == " (did you mean 'title'?)"
    assert did_you_mean("zzz", ["title"]) == ""
