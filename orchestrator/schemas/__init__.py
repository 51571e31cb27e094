"""The JSON Schema registry (Orkes' schema API) and the enforcement of TaskDef/WorkflowDef schemas.

`models` holds the registered schemas; `validation` is the pure adapter over the `jsonschema`
library (meta-schema check on save, compiled and cached validators, violations with JSON paths);
`registry` is the process-wide `SchemaCheck` the engine gets through its Env; `service` saves,
reads and deletes schemas; `enforce` refuses a worker's output or a workflow start that breaks an
enforced schema; `references` checks the schema references of definitions being registered.
"""
