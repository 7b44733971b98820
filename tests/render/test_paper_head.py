"""The paper head's writers against the straightforward code they replaced, over the
demo, corpus and synthetic papers and variants of each (``paper_heads``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paper_heads import CORPUS, sample_entries, variants

from sitegen.render import meta
from sitegen.render.model import PaperEntry, Site


@pytest.fixture(scope="module")
def heads(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Site, PaperEntry]]:
    found = sample_entries(tmp_path_factory.mktemp("heads"))
    assert len(found) >= 5 + (38 if CORPUS.is_dir() else 0)
    return [variant for site, entry in found for variant in variants(site, entry)]


def reference_json_ld(site: Site, entry: PaperEntry) -> str:
    """``meta.json_ld`` as it was written before: a document, then ``json.dumps``."""
    paper, cfg = entry.paper, site.config
    authors = []
    for author in paper.authors:
        person: dict[str, object] = {"@type": "Person", "name": author.name}
        if author.given:
            person["givenName"] = author.given
        if author.family:
            person["familyName"] = author.family
        if author.orcid:
            person["@id"] = f"https://orcid.org/{author.orcid}"
            person["identifier"] = f"https://orcid.org/{author.orcid}"
        if author.affiliations:
            person["affiliation"] = [
                {"@type": "Organization", "name": a.name, **({"@id": a.ror} if a.ror else {})}
                for a in author.affiliations
            ]
        authors.append(person)
    periodical: dict[str, object] = {"@type": "Periodical", "name": cfg.title}
    if cfg.issn:
        periodical["issn"] = cfg.issn
    if cfg.publisher:
        periodical["publisher"] = {"@type": "Organization", "name": cfg.publisher}
    part_of: dict[str, object] = periodical
    if paper.volume is not None:
        part_of = {
            "@type": "PublicationVolume",
            "volumeNumber": str(paper.volume),
            "isPartOf": part_of,
        }
        if paper.issue is not None:
            part_of = {
                "@type": "PublicationIssue",
                "issueNumber": str(paper.issue),
                "isPartOf": part_of,
            }
    identifiers: list[object] = []
    if paper.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi})
    if entry.bundle_cid:
        identifiers.append(
            {"@type": "PropertyValue", "propertyID": "IPFS CID", "value": entry.bundle_cid}
        )
    doc: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "name": paper.title,
        "author": authors,
        "isPartOf": part_of,
        "inLanguage": cfg.language,
        "license": f"https://spdx.org/licenses/{paper.license or cfg.license}.html",
        "creativeWorkStatus": paper.status,
    }
    if paper.doi:
        doc["@id"] = f"https://doi.org/{paper.doi}"
        doc["sameAs"] = f"https://doi.org/{paper.doi}"
    if identifiers:
        doc["identifier"] = identifiers
    if paper.date:
        doc["datePublished"] = paper.date.isoformat()
    if entry.render.abstract_text:
        doc["abstract"] = entry.render.abstract_text
    if paper.keywords:
        doc["keywords"] = list(paper.keywords)
    if paper.version:
        doc["version"] = paper.version
    url = meta.absolute(site, entry.url)
    if url:
        doc["url"] = url
    if entry.render.body.references:
        doc["citation"] = [r.text for r in entry.render.body.references]
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def test_json_ld_is_the_document_json_dumps_writes(heads: list[tuple[Site, PaperEntry]]) -> None:
    with_refs = 0
    for site, entry in heads:
        text = meta.json_ld(site, entry)
        assert text == reference_json_ld(site, entry), entry.slug
        json.loads(text)
        with_refs += bool(entry.render.body.references)
    assert with_refs > len(heads) // 2


def test_sample_heads_reach_every_branch(heads: list[tuple[Site, PaperEntry]]) -> None:
    """The samples hold what the writers branch on (else the comparisons prove little)."""
    papers = [entry.paper for _, entry in heads]
    assert any(a.orcid for p in papers for a in p.authors)
    assert any(not a.orcid for p in papers for a in p.authors)
    assert any(f.ror for p in papers for a in p.authors for f in a.affiliations)
    assert any(p.volume is not None and p.issue is None for p in papers)
    assert any(p.issue is not None for p in papers) and any(p.volume is None for p in papers)
    assert any(site.config.publisher for site, _ in heads)
    assert any(not site.config.base_url for site, _ in heads)
    assert any(site.config.base_url for site, _ in heads)
    assert any(p.pdf for p in papers) and any(p.version for p in papers)


def test_meta_elements_print_the_template_loop(
    heads: list[tuple[Site, PaperEntry]], tmp_path: Path
) -> None:
    from test_meta_elements import LOOP

    from sitegen.render.theme import make_environment, resolve_theme

    loop = make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml")).from_string(LOOP)
    for site, entry in heads:
        tags = meta.highwire_tags(site, entry) + meta.dublin_core_tags(site, entry)
        for group in (tags, meta.opengraph_tags(site, entry)):
            assert str(meta.meta_elements(group)) == loop.render(tags=group), entry.slug
