"""Calls in templates skip Jinja's context checks only where no context is wanted
(``sitegen.render.theme._Context``): what each callable gets and gives is unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from sitegen.render.reuse import PageLinks
from sitegen.render.theme import make_environment, resolve_theme


@pytest.fixture
def env(tmp_path: Path) -> jinja2.Environment:
    return make_environment(resolve_theme(tmp_path, "default", "sitegen.yaml"))


def test_callables_that_ask_for_the_context_still_get_it(env: jinja2.Environment):
    @jinja2.pass_context
    def page_of(context: Any, suffix: str) -> str:
        return str(context["page"]) + suffix

    @jinja2.pass_environment
    def env_is(environment: jinja2.Environment) -> bool:
        return environment is env

    class Asks:
        @jinja2.pass_context
        def __call__(self, context: Any) -> str:
            return str(context["page"]).upper()

    env.globals.update(page_of=page_of, env_is=env_is, asks=Asks())
    out = env.from_string("{{ page_of('!') }} {{ env_is() }} {{ asks() }}").render(page="p")
    assert out == "p! True P"


def test_plain_callables_get_their_arguments(env: jinja2.Environment):
    def stop() -> str:
        raise StopIteration

    rel = PageLinks("authors/x/index.html")
    template = env.from_string(
        "{% macro m(a, b=2) %}{{ a }}{{ b }}{% endmacro %}"
        "{% macro w(a) %}{{ a }}{{ caller() }}{% endmacro %}"
        "{{ rel('papers/') }}|{{ m(1) }}|{{ m(1, b=3) }}|{% call w(0) %}in{% endcall %}|"
        "{{ 'a,b'.split(',') | join('+') }}|{{ plain(1, k='<') }}|{{ stop() is undefined }}"
        "{% for x in [1, 2] %}{{ m(x) }}{% endfor %}"
    )
    out = template.render(rel=rel, plain=lambda a, k: f"{a}{k}", stop=stop)
    assert out == "../../papers/index.html|12|13|0in|a+b|1&lt;|True1222"
