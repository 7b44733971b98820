from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.errors import ContentError
from sitegen.render.pages import make_rel
from sitegen.render.theme import make_environment, resolve_theme, static_files


def test_builtin_theme_resolves(tmp_path: Path):
    theme = resolve_theme(tmp_path, "default", "sitegen.yaml")
    env = make_environment(theme)
    assert env.get_template("base.html")
    assert "assets/style.css" in static_files(theme)


def test_override_can_extend_the_original(tmp_path: Path):
    tdir = tmp_path / "themes" / "house" / "templates"
    tdir.mkdir(parents=True)
    (tmp_path / "themes" / "house" / "theme.yaml").write_text("extends: default\n")
    (tdir / "page.html").write_text(
        '{% extends "theme/page.html" %}{% block main %}HOUSE {{ super() }}{% endblock %}'
    )
    theme = resolve_theme(tmp_path, "house", "sitegen.yaml")
    env = make_environment(theme)
    src = env.get_template("page.html")
    assert "HOUSE" in Path(src.filename).read_text()
    # the built-in base is still reachable through the chain
    assert env.get_template("base.html").filename.endswith("base.html")


def test_unknown_theme_is_an_error(tmp_path: Path):
    with pytest.raises(ContentError) as exc:
        resolve_theme(tmp_path, "nope", "sitegen.yaml")
    assert exc.value.diagnostics[0].field == "theme"


def test_autoescape_is_on(tmp_path: Path):
    env = make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml"))
    out = env.from_string("{{ x }}").render(x="<script>alert(1)</script>")
    assert "<script>" not in out


def test_relative_links():
    rel = make_rel("papers/x/index.html")
    assert rel("") == "../../index.html"
    assert rel("authors/a/") == "../../authors/a/index.html"
    assert rel("assets/style.css") == "../../assets/style.css"
    assert make_rel("index.html")("papers/") == "papers/index.html"
