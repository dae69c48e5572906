"""Whether a YAML file is a reconciler config at all, decided from its text without parsing it.

pre-commit hands a hook every staged YAML file: CI workflows, Kubernetes manifests, compose files.
Those are skipped, not reported, so the check must be cheap and never fail.
"""

from __future__ import annotations

import re
from pathlib import Path

SECTIONS = frozenset({b"providers", b"connections", b"profiles"})

# A block-style key at column 0, optionally quoted: how every config (and `reconcile export`)
# writes its top level. A flow-style top mapping (`{version: 1, ...}`) is not recognised.
_TOP_KEY = re.compile(rb"""^(["']?)(version|providers|connections|profiles)\1[ \t]*:""", re.M)


def declares_config(path: Path) -> bool:
    """Whether ``path``'s top level declares ``version:`` and one of the three sections.

    A file that cannot be read counts as a config, so that validation reports why.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return True
    keys = {match.group(2) for match in _TOP_KEY.finditer(data)}
    return b"version" in keys and not SECTIONS.isdisjoint(keys)
