"""Rendering: values in, text out. One module per thing rendered; nothing here decides anything."""
