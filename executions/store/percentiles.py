"""Duration percentiles per group, computed by the database where it can.

PostgreSQL has `percentile_cont(f) WITHIN GROUP (ORDER BY ...)`: the rows never leave the
server. SQLite (the embedded default) has no ordered-set aggregate, so there the durations of
each group are read in order and interpolated here, the same way percentile_cont does (linear
between the two closest ranks), so both backends give the same figures for the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, QuerySet

FRACTIONS = (0.5, 0.95)


@dataclass(frozen=True)
class Durations:
    """How long the finished items of one group took: their count and p50/p95 in milliseconds."""

    key: Any
    n: int
    p50_ms: float | None
    p95_ms: float | None


class _PercentileCont(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def interpolate(ordered: Sequence[float], fraction: float) -> float | None:
    """percentile_cont over values already in ascending order (None when there are none)."""
    if not ordered:
        return None
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _ms(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() * 1000


def by_group(
    rows: QuerySet[Any], group: str, start: str, end: str, *, in_database: bool | None = None
) -> list[Durations]:
    """p50/p95 of `end - start` over `rows`, per value of the column `group`, largest groups first.

    `rows` must already exclude unfinished items (`end` set). `in_database` forces one way or
    the other (the tests compare them); by default PostgreSQL aggregates and others interpolate.
    """
    if in_database is None:
        in_database = connection.vendor == "postgresql"
    took = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    if in_database:
        aggregated = (rows.values(group).order_by()
                      .annotate(n=Count("pk"), p50=_PercentileCont(took, fraction=FRACTIONS[0]),
                                p95=_PercentileCont(took, fraction=FRACTIONS[1])))
        out = [Durations(r[group], r["n"], _ms(r["p50"]), _ms(r["p95"])) for r in aggregated]
    else:
        per: dict[Any, list[float]] = {}
        for key, value in rows.annotate(took=took).order_by(group, "took").values_list(group, "took"):
            per.setdefault(key, []).append(value.total_seconds() * 1000)
        out = [Durations(key, len(v), interpolate(v, FRACTIONS[0]), interpolate(v, FRACTIONS[1]))
               for key, v in per.items()]
    return sorted(out, key=lambda d: (-d.n, str(d.key)))
