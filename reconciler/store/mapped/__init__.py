"""The ``storage`` mapping at the database (DESIGN §14): the application's own tables, reflected,
checked, read into a `DatabaseState` and written by a plan's changes, with ``managed_by``,
``owner`` and ``protected`` in the side table ``reconcile_ownership``."""
