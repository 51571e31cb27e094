"""One module per task type; `registry` lists them all (no auto-discovery)."""
