"""Round-trip YAML writers (`backfill --write`, `export`): ruamel's round-trip mode lives here."""
