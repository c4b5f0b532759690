"""Infographic templates: one module per template, registered by name."""
