"""reconciler: a declarative config reconciler for LLM provider configuration.

The public API lives here; the ``reconcile`` command is one client of it. The database part
(`open_engine`, `read_state`, `upgrade`, `redact`) loads SQLAlchemy on first use only, so
``reconcile validate`` never pays for it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reconciler.store import open_engine, read_state, redact, resolve_url, upgrade

__version__ = "0.1.0"

_LAZY = {
    "open_engine": "reconciler.store",
    "read_state": "reconciler.store",
    "redact": "reconciler.store",
    "resolve_url": "reconciler.store",
    "upgrade": "reconciler.store",
}

__all__ = ["__version__", "open_engine", "read_state", "redact", "resolve_url", "upgrade"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'reconciler' has no attribute {name!r}")
    return getattr(import_module(module), name)
