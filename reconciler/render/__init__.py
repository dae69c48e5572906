"""Renderers: consumers of `Plan` and `Problem` values, one module per output format."""
