"""Themes: a chain of template/static folders and the Jinja environment over it.

Lookup order (STYLE 7.4): the journal's ``templates/`` folder, then the journal's
``themes/<name>/`` (and its ``extends:`` parents), then the built-in theme. The built-in
theme is also reachable as ``theme/<file>`` so an override can extend the template it
replaces: ``{% extends "theme/paper.html" %}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import BuiltinMethodType, CodeType, FunctionType
from typing import Any

import jinja2
import markupsafe
import yaml
from jinja2.runtime import Context, Macro
from jinja2.utils import internalcode

from sitegen.errors import ContentError, Diagnostic
from sitegen.render.meta import meta_elements
from sitegen.render.reuse import PageLinks, cached_card, memo

BUILTIN_DEFAULT = "default"


def builtin_themes_dir() -> Path:
    """``sitegen/themes`` inside a wheel, or ``themes/`` at the root of a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "themes", here.parent / "themes"):
        if (candidate / BUILTIN_DEFAULT / "templates").is_dir():
            return candidate
    raise ContentError(f"built-in themes not found beside {here}")


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    template_dirs: tuple[Path, ...]
    """Most specific first."""
    static_dirs: tuple[Path, ...]
    """Most specific first; a file in an earlier folder hides the same path in a later one."""
    builtin_templates: Path


def resolve_theme(root: Path, name: str, config_path: str) -> Theme:
    """Follow ``extends:`` from the journal's theme (or a built-in one) down to ``default``."""
    builtin = builtin_themes_dir()
    template_dirs: list[Path] = []
    static_dirs: list[Path] = []
    if (root / "templates").is_dir():
        template_dirs.append(root / "templates")
    seen: set[str] = set()
    current: str | None = name
    while current is not None:
        if current in seen:
            raise ContentError(
                "theme chain loops",
                [Diagnostic(config_path, None, "theme", f"'extends' loops back to '{current}'")],
            )
        seen.add(current)
        local = root / "themes" / current
        shipped = builtin / current
        folder = local if local.is_dir() else shipped if shipped.is_dir() else None
        if folder is None:
            raise ContentError(
                "unknown theme",
                [
                    Diagnostic(
                        config_path, None, "theme", f"no theme '{current}' in themes/ or built in"
                    )
                ],
            )
        if (folder / "templates").is_dir():
            template_dirs.append(folder / "templates")
        if (folder / "static").is_dir():
            static_dirs.append(folder / "static")
        parent = _theme_parent(folder)
        if parent is None and folder != builtin / BUILTIN_DEFAULT:
            parent = BUILTIN_DEFAULT
        if folder == local and current == BUILTIN_DEFAULT and shipped.is_dir():
            # A journal folder named like the built-in theme overrides it file by file.
            template_dirs.append(shipped / "templates")
            static_dirs.append(shipped / "static")
            parent = None
        current = parent
    return Theme(
        name=name,
        template_dirs=tuple(dict.fromkeys(template_dirs)),
        static_dirs=tuple(dict.fromkeys(static_dirs)),
        builtin_templates=builtin / BUILTIN_DEFAULT / "templates",
    )


def _theme_parent(folder: Path) -> str | None:
    meta = folder / "theme.yaml"
    if not meta.is_file():
        return None
    data = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
    parent = data.get("extends") if isinstance(data, dict) else None
    return str(parent) if parent else None


class _Template(jinja2.Template):
    """A template whose ``{{ value }}`` escaping hands back plain strings.

    Autoescaped output goes through ``markupsafe.escape``, which wraps every value in a
    new ``Markup`` (a Python-level constructor): a tenth of a page's rendering time.
    Output is only ever joined into the page, or into a buffer that Jinja wraps in
    ``Markup`` itself, so a plain string of the same text gives the same bytes. The
    compiled code is untouched (the bytecode cache stays valid for any environment);
    only the ``escape`` name of each loaded template module points elsewhere.
    """

    @classmethod
    def from_code(
        cls,
        environment: jinja2.Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        namespace = template.root_render_func.__globals__
        if namespace.get("escape") is markupsafe.escape:  # what the generated code imported
            namespace["escape"] = escape_output
        return template


class _Environment(jinja2.Environment):
    """An environment whose templates hold their globals in a plain dict.

    Jinja gives each template a ``ChainMap`` over the environment's globals, and walks it
    in Python for every page (``dict(globals, **vars)``), every ``{% include %}`` (the
    new context lists its keys) and every ``{% from ... import %}`` (a set difference of
    its keys): some 10 µs of a page. A dict made when the template is loaded holds the
    same names; Jinja asks for the environment's globals to be set before templates are
    loaded (``make_environment`` sets ours), and a build's environment serves one build.
    """

    def make_globals(self, d: Mapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **d} if d else dict(self.globals)


class _Context(Context):
    """A template context whose calls skip Jinja's checks where they cannot apply.

    Every call in a template (``rel(...)``, a macro, ``date.strftime(...)``) goes through
    ``Context.call``, which asks the callable (and its ``__call__``) whether it wants the
    context passed in: about 1.3 µs of a call that costs 0.1, tens of thousands of times
    a build. Links, macros, built-in methods and functions not marked ``pass_context``
    (or the like) never want it, so they are called straight away, with what Jinja does
    around the call (its bookkeeping arguments dropped, ``StopIteration`` made undefined).
    """

    @internalcode
    def call(
        __self,  # noqa: N805 -- Jinja's own spelling: keyword arguments may be named "self"
        __obj: Callable[..., Any],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        kind = type(__obj)
        if kind in _PLAIN_CALLABLES or (
            kind is FunctionType and not hasattr(__obj, "jinja_pass_arg")
        ):
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)


_PLAIN_CALLABLES = frozenset({PageLinks, Macro, BuiltinMethodType})
"""Types whose objects never ask for a context (none has a ``jinja_pass_arg``)."""


def escape_output(value: object) -> str:
    """The text autoescaped ``{{ value }}`` prints: ``str(markupsafe.escape(value))``."""
    if type(value) is str:
        return _escape_text(value)
    if isinstance(value, markupsafe.Markup):
        return value
    return markupsafe.escape(value)


def _escape_str(text: str) -> str:
    return str(markupsafe.escape(text))


_escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _escape_str)
"""markupsafe's C escaping of a ``str`` (without the ``Markup`` around it), if it has one."""


def make_environment(theme: Theme) -> jinja2.Environment:
    """Autoescaping always on: titles and abstracts are untrusted input.

    One environment serves one build (``serve`` makes a new one for each rebuild), so
    templates are not re-checked on disk for every page (``auto_reload=False``), and
    the few a theme has are kept in a plain dict (``cache_size=-1``), not an LRU cache
    taking a lock for each ``extends``, ``include`` and ``import`` of each page.
    """
    chain = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(p) for p in theme.template_dirs]),
            jinja2.PrefixLoader({"theme": jinja2.FileSystemLoader(str(theme.builtin_templates))}),
        ]
    )
    env = _Environment(
        loader=chain,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
    )
    env.template_class = _Template
    env.context_class = _Context
    env.filters["datetime"] = _format_timestamp
    env.globals["cached_card"] = cached_card
    env.globals["memo"] = memo
    env.filters["meta_elements"] = meta_elements
    return env


_REFERENCE = re.compile(r"\{%-?\s*(?:extends|include|import|from)\b([^%]*)%\}")
_NAME = re.compile(r"""^\s*(["'])([^"']+)\1""")


def template_sources(env: jinja2.Environment, names: Sequence[str]) -> tuple[dict[str, str], bool]:
    """The sources of ``names`` and of the templates they extend, include or import (by
    name -> source, read through the loader; a name it does not find is left out), and
    whether every such reference was a plain string literal, which could be followed."""
    loader = env.loader
    if loader is None:
        return {}, False
    sources: dict[str, str] = {}
    todo = list(names)
    followed = True
    while todo:
        name = todo.pop()
        if name in sources:
            continue
        try:
            source = sources[name] = loader.get_source(env, name)[0]
        except jinja2.TemplateNotFound:
            continue
        for match in _REFERENCE.finditer(source):
            literal = _NAME.match(match.group(1))
            if literal is None:
                followed = False
            else:
                todo.append(literal.group(2))
    return sources, followed


def load_templates(env: jinja2.Environment, names: Sequence[str]) -> None:
    """Load (compile, on a cold build) ``names`` and the templates they name, as a page
    would: before forking, so that the two processes of a split render do not both
    compile them (some 80 ms of each at the default theme). A template that is not
    found or does not compile is left for the page that asks for it to report."""
    for name in template_sources(env, names)[0]:
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            continue


def _format_timestamp(value: object) -> str:
    """Unix seconds -> ``2026-11-26 13:10 UTC`` (badges show attestation times)."""
    import datetime as dt

    if not isinstance(value, int | float):
        return str(value)
    return dt.datetime.fromtimestamp(value, tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def static_files(theme: Theme) -> dict[str, Path]:
    """Every static file of the chain, site-relative under ``assets/``; earlier folders win."""
    files: dict[str, Path] = {}
    for folder in reversed(theme.static_dirs):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files["assets/" + path.relative_to(folder).as_posix()] = path
    return dict(sorted(files.items()))
