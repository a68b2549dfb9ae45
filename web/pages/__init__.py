"""One module per page family; each route is a page under /app (web.app)."""
