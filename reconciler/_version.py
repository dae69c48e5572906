"""The version of this package and the name it is distributed under; the one place each is
written besides ``pyproject.toml``."""

__version__ = "0.1.0"

DISTRIBUTION = "llm-reconciler"
"""The distribution's name on PyPI (``pip install llm-reconciler``): ``reconciler`` there is
another project. The import package is ``reconciler`` and the command ``reconcile``."""
