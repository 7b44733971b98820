"""The paper head's fast paths print what the straightforward code printed."""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path

from markupsafe import Markup

from sitegen.render.meta import MetaTag, _json_indented, meta_elements
from sitegen.render.theme import make_environment, resolve_theme

LOOP = (
    "{% for tag in tags %}\n"
    '<meta {{ tag.attr }}="{{ tag.name }}" content="{{ tag.content }}">\n'
    "{% endfor %}\n"
)


def test_meta_elements_equal_the_template_loop(tmp_path: Path) -> None:
    env = make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml"))
    loop = env.from_string(LOOP)
    cases = [
        [],
        [MetaTag("citation_title", "A <b>bold</b> & \"quoted\" 'title'")],
        [MetaTag("og:title", "Ünïcode — ok", "property"), MetaTag("DC.type", "Text")],
        [MetaTag("citation_abstract", "holds a \x00 separator"), MetaTag("x", "y")],
        [MetaTag("citation_reference", Markup("<i>already safe</i>")), MetaTag("a", "<b>")],
        [MetaTag("x&y", "<v>", 'prop"erty'), MetaTag("a\x00b", "c\x00", "n\x00")],
        [MetaTag("citation_volume", 3), MetaTag(Markup("<i>n</i>"), "v")],  # type: ignore[arg-type]
        [MetaTag(Markup("plain"), "v"), MetaTag("n", "v", Markup("name"))],
        [MetaTag("a", "b", "c")] * 3,
    ]
    for tags in cases:
        assert str(meta_elements(tags)) == loop.render(tags=tags), tags
        assert isinstance(meta_elements(tags), Markup)


def test_json_ld_text_equals_json_dumps_with_indent() -> None:
    docs: list[object] = [
        {
            "@context": "https://schema.org",
            "author": [{"@type": "Person", "name": "Zoë </script> & <b>"}, {}],
            "keywords": [],
            "isPartOf": {"volumeNumber": "3", "isPartOf": {"issn": None, "n": 1.5}},
            "flags": [True, False, 7, ("a", "b")],
            "line\nbreak": "tab\tand \u2028",
        },
        {2: "int keys", 1: [3, {"k": "v"}]},
        [],
        {},
        "plain",
        [1, [2, [3, []]]],
        {"a": OrderedDict([("z", 1), ("b", [None, True])]), "e": {}, "t": (), "n": {3: "x"}},
    ]
    for doc in docs:
        want = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1)
        assert _json_indented(doc, "\n") == want
