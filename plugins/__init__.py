"""Plugins bundled with Sportello; each sub-package is one plugin."""
