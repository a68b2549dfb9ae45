"""The application layer: commands and queries that the API, the web pages and background jobs share."""
