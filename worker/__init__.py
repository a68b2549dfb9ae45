"""The Temporal worker: runs binôme workflows and the activities that write the event store."""
