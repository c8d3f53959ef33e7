"""Benchmarks: scripts that measure, not timed tests (``make bench`` runs them)."""
