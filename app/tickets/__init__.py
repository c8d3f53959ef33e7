"""Tickets: their storage, the one write path, workflow, queries and search."""
