"""Baton benchmark suite (see bench/README.md). Run: .venv/bin/python -m bench.run_bench"""
