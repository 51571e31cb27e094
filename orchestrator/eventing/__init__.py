"""Event handlers: Conductor's `/api/event`, fed by messages on real brokers.

A handler maps an event (`<sink>:<queue>`, e.g. `amqp:orders`) to actions (start a workflow,
complete or fail a task), guarded by a sandboxed JavaScript condition over the payload.

    handlers   validation and storage of EventHandler documents (the API's service)
    processor  one message → the handlers of its event → their actions, idempotent by message id
    actions    start_workflow / complete_task / fail_task, each through the runtime's commands
    sinks      kombu connections per sink kind, and publishing (what the EVENT task uses)
    consumers  kombu consumers run by the Celery worker (see `bootstep`)
"""
