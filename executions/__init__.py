"""Executions: workflow and task rows, the store mapping them to engine values, events, live stream."""
