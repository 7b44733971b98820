"""A paper page's author rows (``sitegen.render.paper_parts.author_rows``) print what the
template loop they replace printed: notes by position, affiliation numbers from the
paper's list, an affiliation the paper does not list by its place in the author's own."""

from __future__ import annotations

from pathlib import Path

import jinja2

from sitegen.content.model import Affiliation, Author, Paper
from sitegen.render.doc import RenderedDoc
from sitegen.render.model import PaperEntry, PaperRender
from sitegen.render.paper_parts import author_rows

OLD_LOOP = """{% for author, key in authors %}
{% set notes = entry.render.author_notes_html[loop.index0] if entry.render.author_notes_html|length > loop.index0 else () %}
<a href="{{ ('authors/' ~ key ~ '/') }}">{{ author.name }}</a>
{%- if author.affiliations %}<sup>{% for aff in author.affiliations %}{{ paper.affiliations.index(aff) + 1 if aff in paper.affiliations else loop.index }}{% if not loop.last %},{% endif %}{% endfor %}</sup>{% endif %}
{% for note in notes %}<i>{{ note | safe }}</i>{% endfor %}
{% endfor %}"""
NEW_LOOP = """{% for author, target, notes, aff_refs in author_rows %}
<a href="{{ target }}">{{ author.name }}</a>
{%- if author.affiliations %}<sup>{{ aff_refs }}</sup>{% endif %}
{% for note in notes %}<i>{{ note | safe }}</i>{% endfor %}
{% endfor %}"""


def test_author_rows_print_what_the_template_loop_printed(tmp_path: Path):
    north, south, east = Affiliation("North"), Affiliation("South <U>"), Affiliation("East")
    authors = (
        Author("Ann <A>", affiliations=(south, north)),
        Author("Bo", affiliations=(east, north, south)),  # East: not in the paper's list
        Author("Cy"),
        Author("Di", affiliations=(north,)),
    )
    paper = Paper(
        slug="p",
        dir=tmp_path,
        source_path="paper.md",
        title="T",
        authors=authors,
        body="",
        body_line=1,
        affiliations=(north, south),
    )
    render = PaperRender(
        slug="p",
        body=RenderedDoc(html=""),
        abstract_html="",
        abstract_text="",
        title_html="T",
        author_notes_html=(("<b>n1</b>",), (), ("x", "y")),  # fewer rows than authors
    )
    entry = PaperEntry(paper=paper, render=render, author_keys=("ann", "bo&co", "cy", "di"))
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    pairs = list(zip(paper.authors, entry.author_keys, strict=False))
    old = env.from_string(OLD_LOOP).render(authors=pairs, entry=entry, paper=paper)
    new = env.from_string(NEW_LOOP).render(author_rows=author_rows(entry))
    assert new == old
    assert "<sup>2,1</sup>" in new and "<sup>1,1,2</sup>" in new and "bo&amp;co" in new
