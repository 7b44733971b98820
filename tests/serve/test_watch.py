"""Live rebuilds: edit a paper, see it served; break it, see the overlay; fix it, recover."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import watchfiles
from serve_testkit import get, status_of, wait_until

from sitegen.serve.server import PreviewServer, ServeState
from sitegen.serve.watch import BuildReport, LiveSite, SourceFilter

PAPER = "content/papers/second-look/paper.md"
PAGE = "/papers/second-look/"


class Live:
    def __init__(self, journal: Path, state: ServeState) -> None:
        self.reports: list[BuildReport] = []
        self.site = LiveSite(journal, state, on_build=self.reports.append)
        self.server = PreviewServer(state, port=0)
        self.url = self.server.url


@pytest.fixture
def live(journal: Path) -> Iterator[Live]:
    state = ServeState()
    lv = Live(journal, state)
    lv.site.start()
    try:
        assert lv.site.wait_ready(5)
        assert lv.site.build_once().ok
        lv.server.start()
        yield lv
    finally:
        lv.server.stop()
        lv.site.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_an_edited_paper_is_served_within_seconds(live: Live, journal: Path) -> None:
    page = get(live.url, PAGE)
    assert page.status == 200 and "A Second Look" in page.text
    edit(journal / PAPER, "title: A Second Look", "title: A Much Fresher Look")
    wait_until(lambda: "A Much Fresher Look" in get(live.url, PAGE).text, 8, "the new title")
    assert "A Much Fresher Look" in get(live.url, "/").text  # listings too
    # the report comes after the swap that serves the page: wait for it too
    wait_until(lambda: any(PAPER in r.changed for r in live.reports), 8, "the build report")
    assert live.site.workdir not in journal.parents and journal not in live.site.workdir.parents
    assert not (journal / "public").exists()


def test_a_connected_client_gets_a_reload_after_an_edit(live: Live, journal: Path) -> None:
    version = status_of(live.url)["version"]
    conn = http.client.HTTPConnection("127.0.0.1", live.server.port, timeout=8)
    conn.request("GET", f"/__sitegen/events?since={version}")
    resp = conn.getresponse()
    assert resp.fp.readline() == b"retry: 1000\n"
    threading.Timer(0.1, edit, (journal / PAPER, "without citations", "with no citations")).start()
    line = resp.fp.readline()
    while line not in (b"event: reload\n", b""):
        line = resp.fp.readline()
    assert line == b"event: reload\n"
    conn.close()
    assert "with no citations" in get(live.url, PAGE).text


def test_a_broken_front_matter_shows_an_overlay_and_keeps_the_last_good_page(
    live: Live, journal: Path
) -> None:
    edit(journal / PAPER, "date: 2018-02-01", "date: yesterday")
    wait_until(lambda: status_of(live.url)["ok"] is False, 8, "the failed build")
    errors = status_of(live.url)["errors"]
    assert any(f"{PAPER}:6: date:" in e for e in errors), errors
    page = get(live.url, PAGE)
    assert page.status == 200
    assert "A Second Look" in page.text  # the last good build
    assert 'id="sitegen-overlay"' in page.text
    assert f"{PAPER}:6: date: &#x27;yesterday&#x27; is not a date" in page.text
    wait_until(lambda: not live.reports[-1].ok, 8, "the failed build's report")
    failed = live.reports[-1]
    assert not failed.ok and failed.error_lines() == errors

    edit(journal / PAPER, "date: yesterday", "date: 2018-02-02")
    wait_until(lambda: status_of(live.url)["ok"] is True, 8, "the recovered build")
    page = get(live.url, PAGE)
    assert "sitegen-overlay" not in page.text
    assert "2018" in page.text and "A Second Look" in page.text
    wait_until(lambda: live.reports[-1].ok, 8, "the recovered build's report")


def test_a_journal_that_fails_its_first_build_recovers(journal: Path) -> None:
    edit(journal / PAPER, "title: A Second Look", "title: [A Second Look")
    state = ServeState()
    site = LiveSite(journal, state)
    server = PreviewServer(state, port=0)
    try:
        site.start()
        assert site.wait_ready(5)
        report = site.build_once()
        assert not report.ok
        server.start()
        page = get(server.url, "/")
        assert page.status == 503
        assert f"{PAPER}:3: yaml: invalid YAML" in page.text
        edit(journal / PAPER, "title: [A Second Look", "title: A Second Look")
        wait_until(lambda: get(server.url, "/").status == 200, 8, "the first good build")
        assert "sitegen-overlay" not in get(server.url, PAGE).text
    finally:
        server.stop()
        site.stop()


def test_the_filter_takes_inputs_and_ignores_output_and_tools(tmp_path: Path) -> None:
    src = tmp_path / "j"
    out = tmp_path / "j" / "content" / "out"
    filt = SourceFilter(src, ignore=[out])
    added = watchfiles.Change.added
    for ok in (
        "content/papers/a/paper.md",
        "themes/x/templates/base.html",
        "templates/a.html",
        "sitegen.yaml",
    ):
        assert filt(added, str(src / ok)), ok
    for no in (
        "public/index.html",
        "content/out/index.html",
        ".git/index",
        "README.md",
        "content/.sitegen/cache.db",
        "content/papers/a/.paper.md.swp",
        "content/papers/a/paper.md~",
        "content/papers/a/.#paper.md",
        "content/a/4913",
        "content/papers/a/#paper.md#",
        "other/sitegen.yaml",
    ):
        assert not filt(added, str(src / no)), no
    assert not filt(added, str(tmp_path / "elsewhere.md"))


def test_editing_the_config_rebuilds(live: Live, journal: Path) -> None:
    config = journal / "sitegen.yaml"
    tmp = journal / "sitegen.yaml.new"  # saved the way many editors do: write, then rename
    tmp.write_text(config.read_text().replace("The Minimal Journal", "The Renamed Journal"))
    tmp.replace(config)
    wait_until(lambda: "The Renamed Journal" in get(live.url, "/").text, 8, "the new title")
    wait_until(lambda: any("sitegen.yaml" in r.changed for r in live.reports), 8, "the report")
    assert not any("sitegen.yaml.new" in r.changed for r in live.reports)


def test_a_text_edit_takes_the_body_only_rebuild_into_the_same_folder(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve`` rebuilds into one folder, so a paper's text edit syncs the spare tree
    (``sitegen.cache.delta``) instead of running the whole pipeline."""
    import sitegen.pipeline as pipeline

    full: list[int] = []
    original = pipeline._prepare

    def counting(*args: object, **kwargs: object) -> object:
        full.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_prepare", counting)
    site = LiveSite(journal, ServeState())
    try:
        first = site.build_once()
        paper = sorted((journal / "content" / "papers").iterdir())[0] / "paper.md"
        paper.write_text(paper.read_text() + "\n# Methods\n\nA first method.\n")
        site.build_once([str(paper)])  # a new section: the full pipeline (the page's toc)
        for n in range(2):
            paper.write_text(paper.read_text() + f"\nServed edit {n}.\n")
            report = site.build_once([str(paper)])
            assert report.ok and report.root != first.root
        assert len(full) == 2
        served = site.workdir / "site" / "papers" / paper.parent.name / "index.html"
        assert "Served edit 1." in served.read_text()
        assert sorted(p.name for p in site.workdir.iterdir()) == [".site.spare", "site"]
    finally:
        site.stop()


def test_a_templates_folder_made_while_serving_is_watched(live: Live, journal: Path) -> None:
    """``templates/`` did not exist when serve started: making it rebuilds, and so does
    every later edit inside it (it gets a watcher of its own)."""
    assert not (journal / "templates").exists()
    (journal / "templates").mkdir()
    themes = Path(__file__).resolve().parents[2] / "themes"
    original = (themes / "default" / "templates" / "base.html").read_text()
    page = journal / "templates" / "base.html"
    page.write_text(original.replace("<body", "<!-- first local base --><body"))
    wait_until(lambda: "first local base" in get(live.url, "/").text, 8, "the local template")
    edit(page, "first local base", "second local base")
    wait_until(lambda: "second local base" in get(live.url, "/").text, 8, "the edited template")
