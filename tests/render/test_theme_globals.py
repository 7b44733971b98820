"""Templates hold the environment's globals in a plain dict (``sitegen.render.theme``), and
pages go to the sink without a file object (``sitegen.render.pages``): same names, same bytes."""

from __future__ import annotations

from pathlib import Path

import jinja2

from sitegen.output import write_file as _write_file
from sitegen.render.theme import make_environment, resolve_theme


def test_globals_set_before_loading_reach_templates_includes_and_imports(tmp_path: Path):
    env = make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml"))
    env.globals["greet"] = lambda name: f"hi {name}"
    env.loader = jinja2.ChoiceLoader(
        [
            jinja2.DictLoader(
                {
                    "page.html": '{% from "m.html" import shout %}{{ greet(who) }}|'
                    '{% include "part.html" %}|{{ shout(who) }}',
                    "part.html": "{{ greet(who ~ '!') }}",
                    "m.html": "{% macro shout(x) %}{{ greet(x) | upper }}{% endmacro %}",
                }
            ),
            env.loader,
        ]
    )
    template = env.get_template("page.html")
    assert isinstance(template.globals, dict)
    assert template.globals["memo"] is env.globals["memo"]
    assert template.render(who="<a>") == "hi &lt;a&gt;|hi &lt;a&gt;!|HI &lt;A&gt;"
    # a template's own globals stay its own
    own = env.from_string("{{ greet(x) }}", globals={"greet": lambda n: f"yo {n}"})
    assert own.render(x="b") == "yo b"
    assert env.get_template("part.html").render(who="c") == "hi c!"


def test_write_file_writes_and_replaces_the_whole_file(tmp_path: Path):
    target = tmp_path / "page.html"
    data = ("é" * 100_000).encode()
    _write_file(str(target), data)
    assert target.read_bytes() == data
    _write_file(str(target), b"short")
    assert target.read_bytes() == b"short"
