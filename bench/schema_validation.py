"""The cost of one enforced-schema check, with and without `$ref`s to registered schemas (issue 9).

Times `CachedSchemas.violations` — what the engine calls for every enforced task input, server-run
task output and workflow output — over an in-memory loader (the registry's TTL cache answers, as
it does between lookups in production; the lookup itself is timed apart):

- `jsonschema alone`: the library's own `iter_errors` on the flat schema, no Baton code;
- `flat`: an order schema with its line items written out;
- `refs`: the same contract split over four registered schemas (`order` → `line` → `money`,
  `order` → `address` → `country`), each `$ref`'d by `baton:schema/...` URI;
- `refs, invalid`: the same with three violations to collect and sort;
- `cold compile`: a lookup after the TTL ran out and a stamp changed (load + registry + compile).

    .venv/bin/python -m bench.schema_validation            # 20,000 validations per case
    .venv/bin/python -m bench.schema_validation --n 2000

Prints CPU µs per validation (process time, median of 5 rounds: the machine may be shared).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator

from orchestrator.engine.schemas import SchemaRef
from orchestrator.schemas.validation import CachedSchemas

MONEY = {"type": "number", "minimum": 0}
COUNTRY = {"enum": ["DE", "FR", "IT", "ES", "NL"]}
ADDRESS = {"type": "object", "required": ["zip", "country"], "properties": {
    "zip": {"type": "string", "pattern": "^[0-9]{5}$"}, "street": {"type": "string"},
    "country": {"$ref": "baton:schema/country/1"}}}
LINE = {"type": "object", "required": ["sku", "qty", "price"], "properties": {
    "sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}, "price": {"$ref": "baton:schema/money/1"}}}
ORDER = {"type": "object", "required": ["order"], "properties": {"order": {
    "type": "object", "required": ["lines", "ship", "total"], "properties": {
        "lines": {"type": "array", "items": {"$ref": "baton:schema/line/1"}},
        "ship": {"$ref": "baton:schema/address/1"}, "total": {"$ref": "baton:schema/money/1"}}}}}
FLAT = {"type": "object", "required": ["order"], "properties": {"order": {
    "type": "object", "required": ["lines", "ship", "total"], "properties": {
        "lines": {"type": "array", "items": {**LINE, "properties": {**LINE["properties"], "price": MONEY}}},
        "ship": {**ADDRESS, "properties": {**ADDRESS["properties"], "country": COUNTRY}}, "total": MONEY}}}}

GOOD = {"order": {"total": 42.5, "ship": {"zip": "10115", "street": "Unter den Linden 1", "country": "DE"},
                  "lines": [{"sku": f"sku-{i}", "qty": 1 + i % 3, "price": 4.25} for i in range(10)]}}
BAD = {"order": {"total": -1, "ship": {"zip": "1", "country": "XX"}, "lines": GOOD["order"]["lines"]}}


class Rows:
    def __init__(self) -> None:
        self.stamp = 1
        self.docs = {SchemaRef(n, 1): d for n, d in (("money", MONEY), ("country", COUNTRY), ("address", ADDRESS),
                                                      ("line", LINE), ("order", ORDER), ("flat", FLAT))}

    def load(self, ref: SchemaRef) -> tuple[Any, Any] | None:
        return (self.stamp, self.docs[ref]) if ref in self.docs else None


def per_call_us(fn: Callable[[], Any], n: int) -> float:
    rounds = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(n):
            fn()
        rounds.append((time.process_time() - start) / n * 1e6)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20000)
    n = parser.parse_args().n
    rows = Rows()
    schemas = CachedSchemas(rows.load, ttl=3600)
    order, flat = SchemaRef("order", 1), SchemaRef("flat", 1)
    assert schemas.violations(order, GOOD) == () and schemas.violations(flat, GOOD) == ()
    assert len(schemas.violations(order, BAD)) == 3
    print(f"valid instance: 10 order lines, an address; {n} validations per round, median of 5 rounds")
    bare = Draft202012Validator(FLAT)  # the library alone, to tell Baton's overhead from a busy machine
    print(f"  jsonschema alone, flat    {per_call_us(lambda: list(bare.iter_errors(GOOD)), n):8.1f} µs")
    print(f"  flat schema               {per_call_us(lambda: schemas.violations(flat, GOOD), n):8.1f} µs")
    print(f"  refs (4 schemas, cached)  {per_call_us(lambda: schemas.violations(order, GOOD), n):8.1f} µs")
    print(f"  refs, invalid (3 found)   {per_call_us(lambda: schemas.violations(order, BAD), n):8.1f} µs")

    def cold() -> None:
        rows.stamp += 1  # every lookup finds a changed stamp: load all five, build the registry, compile
        stale = CachedSchemas(rows.load, ttl=0)
        stale.violations(order, GOOD)

    print(f"  refs, cold compile + 1st  {per_call_us(cold, max(1, n // 20)):8.1f} µs")


if __name__ == "__main__":
    main()
