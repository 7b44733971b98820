"""sitegen: static-site publishing for decentralized-science journals."""

from __future__ import annotations

__version__ = "0.1.0"
