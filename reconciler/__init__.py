"""reconciler: a declarative config reconciler for LLM provider configuration.

The public API lives here; the ``reconcile`` command is one client of it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from reconciler.apply import Applied, ApplyOptions, apply_plan
from reconciler.config import LoadedConfig, load_config
from reconciler.deploy import apply_config, apply_saved_plan
from reconciler.history import read_history
from reconciler.planfile import read_plan_file

__all__ = [
    "Applied",
    "ApplyOptions",
    "LoadedConfig",
    "__version__",
    "apply_config",
    "apply_plan",
    "apply_saved_plan",
    "load_config",
    "read_history",
    "read_plan_file",
]
