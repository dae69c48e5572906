"""reconciler: a declarative config reconciler for LLM provider configuration.

The public API lives here; the ``reconcile`` command is one client of it: `load_config`, then
`plan_config` (read-only) or `apply_config`; `apply_plan` for a `DesiredState` built in code,
with a `Storage` to keep the rows in the application's own tables. Every name is imported on
first use only, so importing the pure core (``reconciler.model``, ``reconciler.planning``) loads
neither ruamel nor SQLAlchemy, and ``reconcile validate`` never pays for the database part.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reconciler.config import LoadedConfig, load_config
    from reconciler.planning import Limits
    from reconciler.planning.drift import Drift
    from reconciler.service.apply import (
        Applied,
        ApplyOptions,
        apply_config,
        apply_plan,
        apply_saved_plan,
    )
    from reconciler.service.drift import check_drift
    from reconciler.service.history import read_history
    from reconciler.service.plan import Planned, plan_config
    from reconciler.service.planfile import read_plan_file, write_plan_file
    from reconciler.service.show import Shown, show_plan_file
    from reconciler.storage import (
        Generate,
        Storage,
        SurrogateId,
        TableMapping,
        TimeFormat,
        Timestamps,
    )
    from reconciler.store import open_engine, read_state, redact, resolve_url, upgrade

from reconciler._version import __version__

_LAZY = {
    "LoadedConfig": "reconciler.config",
    "load_config": "reconciler.config",
    "Limits": "reconciler.planning",
    "Applied": "reconciler.service.apply",
    "ApplyOptions": "reconciler.service.apply",
    "apply_plan": "reconciler.service.apply",
    "apply_config": "reconciler.service.apply",
    "apply_saved_plan": "reconciler.service.apply",
    "check_drift": "reconciler.service.drift",
    "Drift": "reconciler.planning.drift",
    "plan_config": "reconciler.service.plan",
    "Planned": "reconciler.service.plan",
    "read_history": "reconciler.service.history",
    "read_plan_file": "reconciler.service.planfile",
    "write_plan_file": "reconciler.service.planfile",
    "Shown": "reconciler.service.show",
    "show_plan_file": "reconciler.service.show",
    "Generate": "reconciler.storage",
    "Storage": "reconciler.storage",
    "SurrogateId": "reconciler.storage",
    "TableMapping": "reconciler.storage",
    "TimeFormat": "reconciler.storage",
    "Timestamps": "reconciler.storage",
    "open_engine": "reconciler.store",
    "read_state": "reconciler.store",
    "redact": "reconciler.store",
    "resolve_url": "reconciler.store",
    "upgrade": "reconciler.store",
}

__all__ = [
    "Applied",
    "ApplyOptions",
    "Drift",
    "Generate",
    "Limits",
    "LoadedConfig",
    "Planned",
    "Shown",
    "Storage",
    "SurrogateId",
    "TableMapping",
    "TimeFormat",
    "Timestamps",
    "__version__",
    "apply_config",
    "apply_plan",
    "apply_saved_plan",
    "check_drift",
    "load_config",
    "open_engine",
    "plan_config",
    "read_history",
    "read_plan_file",
    "read_state",
    "redact",
    "resolve_url",
    "show_plan_file",
    "upgrade",
    "write_plan_file",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'reconciler' has no attribute {name!r}")
    return getattr(import_module(module), name)
