"""sitegen's own static search index: term-sharded, incremental, written in Python.

The browser client is ``themes/default/static/search.js``; it tokenizes queries exactly
as ``text.tokenize`` does and fetches only the shards a query needs. See ``index.py``
for the file layout and ``shards.py`` for the shard format.
"""

from __future__ import annotations

from sitegen.searchindex.doc import SearchDoc, make_doc
from sitegen.searchindex.index import INDEX_DIR, IndexFiles, IndexState, full_index, write_index
from sitegen.searchindex.text import html_to_text, tokenize

__all__ = [
    "INDEX_DIR",
    "IndexFiles",
    "IndexState",
    "SearchDoc",
    "full_index",
    "html_to_text",
    "make_doc",
    "tokenize",
    "write_index",
]
