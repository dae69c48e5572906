"""A drift report as a Prometheus textfile (``reconcile drift --format prometheus``), in the text
exposition format, for node_exporter's textfile collector.

Every sample carries a ``database`` label (the redacted URL, as `label_value`), so several
databases' files can stand side by side. A database never applied to has no
``reconcile_last_apply_timestamp_seconds`` sample (its HELP and TYPE lines stay).
"""

from __future__ import annotations

from reconciler.planning.drift import Drift
from reconciler.render.escape import label_value

METRICS = (
    (
        "reconcile_drift_rows",
        "Rows that differ from the config (what apply would create, update or delete, refused"
        " changes included), by kind.",
    ),
    (
        "reconcile_out_of_band",
        "1 when the rows changed outside reconcile since the last apply, else 0.",
    ),
    (
        "reconcile_last_apply_timestamp_seconds",
        "When the last apply recorded in the journal ran, in seconds since the Unix epoch.",
    ),
)


def render_prometheus(drift: Drift) -> str:
    """The three metric families, each with its HELP and TYPE (gauge) lines."""
    database = f'database="{label_value(drift.context.database)}"'
    samples: dict[str, list[str]] = {name: [] for name, _help in METRICS}
    for kind, number in drift.rows.items():
        samples["reconcile_drift_rows"].append(f'{{{database},kind="{kind}"}} {number}')
    samples["reconcile_out_of_band"].append(f"{{{database}}} {int(drift.out_of_band)}")
    if drift.last_apply is not None:
        seconds = drift.last_apply.applied_at.timestamp()
        samples["reconcile_last_apply_timestamp_seconds"].append(f"{{{database}}} {seconds!r}")
    lines: list[str] = []
    for name, text in METRICS:
        lines += [f"# HELP {name} {text}", f"# TYPE {name} gauge"]
        lines += [f"{name}{sample}" for sample in samples[name]]
    return "\n".join(lines) + "\n"
