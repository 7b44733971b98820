"""The build cache in ``SRC/.sitegen/cache/``: what makes rebuilds incremental.

- ``store``: the on-disk state (file digests, per-paper work, page keys, the last build).
- ``pages``: a site renderer that reuses unchanged pages from the previous OUT.
- ``address``: the site's CIDs from per-file nodes, without re-reading unchanged files.

Everything cached is keyed by content hashes of its inputs plus a fingerprint of the
sitegen code, so a cached build gives the same bytes as an uncached one.
"""
