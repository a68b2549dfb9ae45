"""Temporal workflows: one long-running workflow per binôme."""
