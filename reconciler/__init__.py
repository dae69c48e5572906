"""reconciler: a declarative config reconciler for LLM provider configuration.

The public API lives here; the ``reconcile`` command is one client of it: `load_config`, then
`plan_config` (read-only) or `apply_config`. The database part (planning, applying, the journal,
`open_engine`, `read_state`, `upgrade`, `redact`) loads SQLAlchemy on first use only, so
``reconcile validate`` never pays for it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reconciler.apply import Applied, ApplyOptions, apply_plan
    from reconciler.deploy import apply_config, apply_saved_plan
    from reconciler.history import read_history
    from reconciler.planfile import read_plan_file, write_plan_file
    from reconciler.preview import Planned, plan_config
    from reconciler.store import open_engine, read_state, redact, resolve_url, upgrade

__version__ = "0.1.0"

from reconciler.config import LoadedConfig, load_config

_LAZY = {
    "Applied": "reconciler.apply",
    "ApplyOptions": "reconciler.apply",
    "apply_plan": "reconciler.apply",
    "apply_config": "reconciler.deploy",
    "apply_saved_plan": "reconciler.deploy",
    "plan_config": "reconciler.preview",
    "Planned": "reconciler.preview",
    "read_history": "reconciler.history",
    "read_plan_file": "reconciler.planfile",
    "write_plan_file": "reconciler.planfile",
    "open_engine": "reconciler.store",
    "read_state": "reconciler.store",
    "redact": "reconciler.store",
    "resolve_url": "reconciler.store",
    "upgrade": "reconciler.store",
}

__all__ = [
    "Applied",
    "ApplyOptions",
    "LoadedConfig",
    "Planned",
    "__version__",
    "apply_config",
    "apply_plan",
    "apply_saved_plan",
    "load_config",
    "open_engine",
    "plan_config",
    "read_history",
    "read_plan_file",
    "read_state",
    "redact",
    "resolve_url",
    "upgrade",
    "write_plan_file",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'reconciler' has no attribute {name!r}")
    return getattr(import_module(module), name)
