"""The pure core: Conductor workflow semantics as functions of (definition, state, now).

Nothing here touches Django, the database, the clock or randomness; `evaluate()` is the centre.
"""
