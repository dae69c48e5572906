"""What the CLI and applications call: one plain function each."""
