"""The reload script and error overlay, added to HTML responses only while serving.

Built files never contain them: the server rewrites the bytes it sends, not the bytes on
disk, so ``sitegen build`` output and its CIDs stay identical with or without ``serve``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from sitegen.serve.routes import EVENTS_PATH

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)

_SCRIPT = """<script data-sitegen-serve>
(function () {
  if (!window.EventSource) return;
  var es = new EventSource("%(events)s?since=%(version)d");
  es.addEventListener("reload", function () { es.close(); location.reload(); });
})();
</script>"""

_OVERLAY = """<div id="sitegen-overlay" role="alert" style="position:fixed;inset:0;z-index:2147483647;
overflow:auto;background:rgba(20,20,20,.94);color:#fdd;font:14px/1.5 monospace;padding:2em">
<h2 style="color:#f88;margin-top:0">sitegen: the last build failed</h2>
<p style="color:#ccc">Below is the last good build, if there is one. Fix the file and this page reloads.</p>
<pre style="white-space:pre-wrap">%(lines)s</pre>
<button type="button" onclick="this.parentNode.remove()">dismiss</button>
</div>"""


def reload_script(version: int) -> str:
    """The snippet that reloads the page when a build newer than ``version`` finishes."""
    return _SCRIPT % {"events": EVENTS_PATH, "version": version}


def overlay(errors: Sequence[str]) -> str:
    """A fixed overlay listing ``path:line: field: message`` lines, HTML-escaped."""
    return _OVERLAY % {"lines": "\n".join(html.escape(line) for line in errors)}


def inject(body: bytes, *, version: int, errors: Sequence[str] = ()) -> bytes:
    """``body`` with the reload script (and the overlay, if any errors) before ``</body>``."""
    extra = (overlay(errors) if errors else "") + reload_script(version)
    snippet = extra.encode("utf-8")
    matches = list(_BODY_END.finditer(body))
    if not matches:
        return body + snippet
    at = matches[-1].start()
    return body[:at] + snippet + body[at:]


def placeholder_page(title: str, message: str) -> bytes:
    """A bare page for answers that have no file behind them (404, no build yet)."""
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    ).encode()


def listing_page(rel: str, names: Sequence[str], kinds: Sequence[bool]) -> bytes:
    """A folder index like a gateway's; ``kinds[i]`` is True for sub-folders. Links are relative."""
    from urllib.parse import quote

    items = "".join(
        f'<li><a href="{quote(name)}{"/" if is_dir else ""}">'
        f"{html.escape(name)}{'/' if is_dir else ''}</a></li>"
        for name, is_dir in zip(names, kinds, strict=True)
    )
    title = f"Index of /{rel}"
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"<ul>{items}</ul></body></html>"
    ).encode()
