"""``first_section.without_ids`` takes out what the former pattern took out, on any text."""

from __future__ import annotations

import random
import re

from sitegen.render.doc import RenderContext
from sitegen.render.first_section import without_ids as _without_ids
from sitegen.render.markdown import render_markdown

FORMER = re.compile(r' id="[^"]*"')
"""The pattern ``finish_markdown`` used for a first section's copy without ids."""

PIECES = [' id="', ' id="x"', '"', " id=", 'id="', " ", "x", "<h2", ">", "\n", "é", ' id=""']


def test_random_texts_as_the_former_pattern() -> None:
    rng = random.Random(43)
    for _ in range(20000):
        text = "".join(rng.choices(PIECES, k=rng.randint(0, 10)))
        assert _without_ids(text) == FORMER.sub("", text), text


def test_hand_picked() -> None:
    for text in [
        "",
        "no ids",
        '<h2 id="a" class="b">t</h2><p id="">p</p>',
        '<a id="open',  # no closing quote: kept
        ' id="a id="b"',
        ' id=" id="x"y',
    ]:
        assert _without_ids(text) == FORMER.sub("", text), text
    plain = "nothing here"
    assert _without_ids(plain) is plain


def test_a_first_section_copy_has_no_ids() -> None:
    doc = render_markdown(
        '# Summary {#sum}\n\nText "id=" and  id="quoted" in it.\n\n## Sub\n\n# Next\n\nx\n',
        RenderContext(path="x.md"),
    )
    assert doc.first_section_html is not None
    section, _ = doc.first_section_split or ("", "")
    assert doc.first_section_html == FORMER.sub("", section).strip()
    assert ' id="' not in doc.first_section_html
