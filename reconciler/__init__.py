"""reconciler: a declarative config reconciler for LLM provider configuration.

The public API lives here; the ``reconcile`` command is one client of it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from reconciler.config import LoadedConfig, load_config

__all__ = ["LoadedConfig", "__version__", "load_config"]
