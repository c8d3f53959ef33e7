"""Benchmarks: scripts that measure, never timed unit tests. See README "Performance"."""
