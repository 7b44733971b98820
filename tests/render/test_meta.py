"""Paper page heads against the front matter: Highwire, Dublin Core, OpenGraph, JSON-LD.

The demo journal is built for real; each paper.md's YAML is read independently of the
generator's loader so the check does not share its bugs.
"""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from sitegen.pipeline import BuildOptions, build

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "pipeline"))
from journal_fixtures import copy_demo  # noqa: E402


class Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")) and "content" in a:
            self.meta.append((str(a.get("name") or a.get("property")), str(a["content"])))
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.meta if k == name]


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("meta")
    source = copy_demo(base / "journal")
    result = build(BuildOptions(source=source, output=base / "public"))
    assert result.ok
    return base / "public"


SLUGS = sorted(p.name for p in (REPO / "content" / "papers").iterdir() if p.is_dir())


@pytest.mark.parametrize("slug", SLUGS)
def test_paper_head_matches_front_matter(built: Path, slug: str) -> None:
    fm = front_matter(REPO / "content" / "papers" / slug / "paper.md")
    config = yaml.safe_load((REPO / "sitegen.yaml").read_text(encoding="utf-8"))
    head = Head()
    head.feed((built / "papers" / slug / "index.html").read_text(encoding="utf-8"))

    assert head.all("citation_title") == [fm["title"]]
    names = [a["name"] for a in fm["authors"]]
    assert head.all("citation_author") == names
    # each author's institutions and ORCID follow that author, in order
    affs = {str(a["index"]): a["name"] for a in fm.get("affiliations", [])}
    expected: list[tuple[str, str]] = []
    for author in fm["authors"]:
        expected.append(("citation_author", author["name"]))
        for ref in str(author.get("affiliation", "")).split(","):
            if ref.strip():
                expected.append(("citation_author_institution", affs[ref.strip()]))
        if author.get("orcid"):
            expected.append(("citation_author_orcid", f"https://orcid.org/{author['orcid']}"))
    author_tags = {"citation_author", "citation_author_institution", "citation_author_orcid"}
    assert [(k, v) for k, v in head.meta if k in author_tags] == expected
    assert head.all("citation_journal_title") == [config["title"]]
    assert head.all("citation_issn") == ([config["issn"]] if config.get("issn") else [])
    assert head.all("citation_volume") == ([str(fm["volume"])] if "volume" in fm else [])
    assert head.all("citation_issue") == ([str(fm["issue"])] if "issue" in fm else [])
    assert head.all("citation_doi") == ([fm["doi"]] if "doi" in fm else [])
    (date,) = head.all("citation_publication_date")
    assert len(date.split("/")) == 3 and date[:4] in str(fm["date"])
    keywords = fm.get("keywords") or fm.get("tags") or []
    assert head.all("citation_keywords") == (["; ".join(keywords)] if keywords else [])
    (abstract,) = head.all("citation_abstract")
    if "abstract" in fm:
        assert abstract.split()[:4] == fm["abstract"].replace("*", "").split()[:4]
    else:  # the first section serves as the abstract
        assert len(abstract.split()) > 10
    assert len(head.all("citation_reference")) >= 1
    # citation_pdf_url must be absolute, so only with base_url
    pdfs = head.all("citation_pdf_url")
    if fm.get("pdf") and config.get("base_url"):
        assert pdfs == [config["base_url"].rstrip("/") + f"/papers/{slug}/source/{fm['pdf']}"]
    else:
        assert pdfs == []
    assert head.all("DC.title") == [fm["title"]]
    assert head.all("DC.creator") == names
    assert head.all("og:title") == [fm["title"]]
    assert head.all("twitter:card") == ["summary"]

    (ld_text,) = head.json_ld
    ld = json.loads(ld_text)
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "ScholarlyArticle"
    assert ld["headline"] == fm["title"]
    assert [p["name"] for p in ld["author"]] == names
    for person, author in zip(ld["author"], fm["authors"], strict=True):
        assert person["@type"] == "Person"
        if author.get("orcid"):
            assert person["@id"] == f"https://orcid.org/{author['orcid']}"
        if author.get("affiliation"):
            assert all(o["@type"] == "Organization" for o in person["affiliation"])
    doi_ids = [i["value"] for i in ld.get("identifier", []) if i["propertyID"] == "DOI"]
    assert doi_ids == ([fm["doi"]] if "doi" in fm else [])
    cid_ids = [i["value"] for i in ld["identifier"] if i["propertyID"] == "IPFS CID"]
    cids = json.loads((built / "cids.json").read_text(encoding="utf-8"))
    assert cid_ids == [cids[f"papers/{slug}/source"]]
    assert ld["license"].endswith(f"/{fm.get('license') or config['license']}.html")
    part = ld["isPartOf"]
    if "issue" in fm:
        assert part["@type"] == "PublicationIssue" and part["issueNumber"] == str(fm["issue"])
        part = part["isPartOf"]
    if "volume" in fm:
        assert part["@type"] == "PublicationVolume" and part["volumeNumber"] == str(fm["volume"])
        part = part["isPartOf"]
    assert part["@type"] == "Periodical" and part["name"] == config["title"]
