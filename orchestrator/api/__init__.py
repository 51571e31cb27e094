"""Conductor's REST API under /api: views parse, call one service, and serialize."""
