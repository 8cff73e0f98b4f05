"""HTTP API (FastAPI): the same runner and calculators as the CLI, as JSON over HTTP."""
