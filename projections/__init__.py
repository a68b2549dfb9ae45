"""Read views: tables kept up to date from the event store's notification log, rebuildable from zero."""
