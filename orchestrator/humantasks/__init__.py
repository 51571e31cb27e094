"""Human tasks: the inbox over HUMAN task executions.

`models.HumanTask` is one row per HUMAN task execution (who may decide, the claim, the
decision); `transitions` is its declared state machine with pure guards (candidates,
four-eyes); `forms` turns a JSON Schema into a Django form; `service` claims, releases and
decides (the decision is a `HumanDecision` command through the runtime); `views` are the
/inbox/ pages.
"""
