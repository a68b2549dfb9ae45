"""Composition root and command line of the Mentorat service."""
