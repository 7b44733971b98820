"""``sitegen serve``: preview server, live rebuilds and a local path-gateway view.

- :mod:`sitegen.serve.sources`: the built folder or CAR being served, and Content-Types.
- :mod:`sitegen.serve.routes`: request path -> file, redirect or refusal (gateway rules).
- :mod:`sitegen.serve.inject`: reload script and error overlay, added only to responses.
- :mod:`sitegen.serve.server`: the threaded HTTP server and the state it serves.
- :mod:`sitegen.serve.watch`: watchfiles, debounced rebuilds into a temporary folder.
"""

from __future__ import annotations

from sitegen.serve.routes import EVENTS_PATH, STATUS_PATH, Layout, route
from sitegen.serve.server import PreviewServer, ServeState
from sitegen.serve.sources import CarSource, DirSource, content_type
from sitegen.serve.watch import BuildReport, LiveSite, SourceFilter

__all__ = [
    "EVENTS_PATH",
    "STATUS_PATH",
    "BuildReport",
    "CarSource",
    "DirSource",
    "Layout",
    "LiveSite",
    "PreviewServer",
    "ServeState",
    "SourceFilter",
    "content_type",
    "route",
]
