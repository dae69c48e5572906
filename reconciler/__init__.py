"""reconciler: a declarative config reconciler for LLM provider configuration.

The public API lives here; the ``reconcile`` command is one client of it.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
