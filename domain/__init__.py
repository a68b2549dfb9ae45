"""The programme's rules: pure Python, no Temporal, FastAPI or SQL."""
