"""One module per task type; `registry` lists them all (no auto-discovery).

Each type subclasses `orchestrator.engine.tasktype.TaskType`: its flags, its pure hooks and its
`validate()` live in its module. Async types (`async_types.AsyncSystemTask`) add the side-effect
half, `execute(job, port)`, which gets everything beyond the task through `ports.Port`. Nothing
here imports the services, the store, Django or Celery (an import-linter contract).
"""
