"""The HTTP API (FastAPI): commands to binôme workflows, reads from the views and the store."""
