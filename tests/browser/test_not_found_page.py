"""The 404 page, served at whatever path was missing, still looks and links like the site."""

from __future__ import annotations

from typing import Any

import pytest
from gateway_imitation import serve_site


@pytest.mark.parametrize("where", ["gateway", "root"])
def test_the_404_page_is_whole_at_a_nested_missing_path(
    browser: Any, demo_build: Any, where: str
) -> None:
    prefix = f"/ipfs/{demo_build.root}" if where == "gateway" else ""
    with serve_site(demo_build.site, prefix, not_found="404.html") as served:
        context = browser.new_context()
        try:
            page = context.new_page()
            missing = served.base + "papers/no-such-paper/deeper/"
            problems: list[str] = []
            page.on("requestfailed", lambda request: problems.append(f"failed {request.url}"))
            page.on(
                "response",
                lambda r: (
                    problems.append(f"{r.status} {r.url}")
                    if r.status >= 400 and r.url != missing
                    else None
                ),
            )
            page.on(  # the page's own 404 is logged too: it is what it should be
                "console",
                lambda m: (
                    problems.append(f"console {m.text}")
                    if m.type == "error" and m.location.get("url") != missing
                    else None
                ),
            )
            response = page.goto(missing)
            assert response is not None and response.status == 404
            assert "Page not found" in page.title()
            sheets = page.evaluate(
                "Array.from(document.styleSheets).map(s => [s.href, s.cssRules.length])"
            )
            assert [served.base + "assets/style.css", sheets[-1][1]] in sheets
            assert sheets[-1][1] > 0  # the theme's rules were read, so it is styled
            links = page.eval_on_selector_all("header a, main a", "all => all.map(a => a.href)")
            assert served.base + "index.html" in links
            assert all(link.startswith(served.base) for link in links), links
            assert not problems, problems
            for link in links:
                assert page.goto(link).status == 200, link  # type: ignore[union-attr]
        finally:
            context.close()
