"""Applying from files: a config on disk or a saved plan file; what the CLI and applications call.

``apply_config`` plans and applies under the lock in one transaction (``apply -f … --yes``), or
applies the plan shown before asking only if it still holds; ``apply_saved_plan`` re-plans from
the config saved with a reviewed plan and applies only if nothing it depends on changed.
"""

from __future__ import annotations

from reconciler.config import LoadedConfig
from reconciler.errors import ConfigError, DatabaseError, Problem, ReconcileError
from reconciler.gc_pause import gc_paused
from reconciler.planning.digest import config_digest, digest
from reconciler.service.apply import Applied, ApplyOptions, Reviewed, apply_plan
from reconciler.service.planfile import SavedPlan, check_saved_config, in_config
from reconciler.store import database_identity, redact, resolve_url


def apply_config(
    config: LoadedConfig,
    database_url: str | None = None,
    options: ApplyOptions | None = None,
    *,
    reviewed: Reviewed | None = None,
) -> Applied:
    """Plan ``config`` against the database and apply it, under the lock, in one transaction.

    ``database_url`` resolves like ``--database-url`` (else ``$RECONCILE_DATABASE_URL``, else
    ``sqlite:///reconcile.db``). With ``reviewed`` (the plan shown before asking, from
    `reconciler.service.plan.plan_config`), applies only if the plan made under the lock equals it.
    An invalid config raises `ConfigError` before any connection.
    """
    if not config.valid:
        errors = [problem for problem in config.problems if problem.is_error]
        raise ConfigError(f"the config has {len(errors)} error(s); nothing was applied", errors)
    with gc_paused():  # a big config is a million live objects: collections only cost time
        digest_ = config_digest(config)
    return apply_plan(
        resolve_url(database_url),
        config.desired,
        config_digest=digest_,
        sources=config.sources,
        options=options,
        reviewed=reviewed,
    )


def apply_saved_plan(
    saved: SavedPlan, database_url: str | None = None, options: ApplyOptions | None = None
) -> Applied:
    """Re-plan from the config saved in ``saved`` and apply only if it equals the saved plan.

    The plan keeps the ``--force`` it was made with, whatever ``options.force`` says.
    """
    config = saved.loaded or check_saved_config(dict(saved.config), saved.path)
    if not config.valid:
        errors = [problem for problem in config.problems if problem.is_error]
        message = f"{saved.path}: the saved config has {len(errors)} error(s); nothing was applied"
        raise ConfigError(message, errors)
    url = resolve_url(database_url)
    _require_same_database(saved, url)
    base = options or ApplyOptions()
    forced = ApplyOptions(saved.force, base.actor, base.lock_timeout, base.progress)
    try:
        return apply_plan(
            url,
            config.desired,
            config_digest=digest(saved.config),
            sources=config.sources,
            options=forced,
            reviewed=Reviewed(saved.document),
        )
    except ConfigError as error:  # problems against the database, in the saved config
        raise ConfigError(error.message, map(in_config, error.problems)) from error


def _require_same_database(saved: SavedPlan, url: str) -> None:
    """A reviewed plan applies only to the database it was made against (whatever the user)."""
    planned_on = saved.document.get("database")
    target = database_identity(url)
    try:
        if isinstance(planned_on, str) and database_identity(planned_on) == target:
            return
    except DatabaseError:  # the file records no URL we can read: not this database, then
        pass
    where = planned_on if isinstance(planned_on, str) else "no database it records"
    message = (
        f"{saved.path} was planned against {where}, not {redact(url)}: refusing to apply it"
        " to another database (pass --database-url, or plan again against this one)"
    )
    raise ReconcileError(message, [Problem("plan.database", message)])
