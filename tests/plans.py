"""Which tables a statement reads in full: for tests that a hot read stays indexed as data grows.

The plan is the one a prepared statement settles on, which cannot look at the values:
- SQLite: EXPLAIN QUERY PLAN (its planner never looks at bound values);
- PostgreSQL: the generic plan of the statement prepared (PREPARE, then EXPLAIN EXECUTE under
  plan_cache_mode = force_generic_plan), with sequential scans disabled, so that a table is
  still read in full only where no index can narrow the statement down.

A read in full is a table scan, or a walk through a whole index that is not partial (a
partial index holds only the rows the statement wants). On a small test database a scan would
often be the cheapest plan; these settings show whether the statement can use an index, which
is what keeps it fast on a year of history. A small table that does not grow with the sales
(the catalog's categories, the games) may still be read in full, by a join that finds that
cheaper: tests check the tables that grow.
"""

import json
import re
from collections import defaultdict

from django.db import connection, transaction

# "SCAN t", "SCAN t USING INDEX i", "SCAN t USING COVERING INDEX i"; "SEARCH ..." is narrowed.
SQLITE_SCAN = re.compile(r"^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?$")


def full_scans(statement: str, params: list) -> set[str]:
    """The tables that the statement reads in full."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # SQLite's plan names a table by its alias ("FROM pos_tab t"), and one statement
            # may give an alias to several tables: each stands for all of them.
            tables = defaultdict(set)
            for table, alias in re.findall(r"(?:FROM|JOIN) (\w+) (\w+)", statement):
                tables[alias].add(table)
            scanned = _sqlite_full_scans(cursor, statement, params)
            return {table for name in scanned for table in tables.get(name, {name})}
        return set(_postgres_full_scans(cursor, statement, params))


def _sqlite_full_scans(cursor, statement: str, params: list) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'")
    partial = {name for (name,) in cursor.fetchall()}
    cursor.execute(f"EXPLAIN QUERY PLAN {statement}", params)
    scans = [SQLITE_SCAN.match(row[3]) for row in cursor.fetchall()]
    return [m.group(1) for m in scans if m and m.group(2) not in partial]


def _postgres_full_scans(cursor, statement: str, params: list) -> list[str]:
    cursor.execute("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                   "WHERE i.indpred IS NOT NULL")  # fmt: skip
    partial = {name for (name,) in cursor.fetchall()}
    numbered = iter(range(1, len(params) + 1))
    prepared = re.sub(r"%s", lambda _: f"${next(numbered)}", statement)
    cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute(f"PREPARE plan_probe AS {prepared}")
    try:
        marks = ", ".join(["%s"] * len(params))
        cursor.execute(f"EXPLAIN (FORMAT JSON) EXECUTE plan_probe({marks})", params)
        (plan,) = cursor.fetchone()
    finally:
        cursor.execute("DEALLOCATE plan_probe")
    if isinstance(plan, str):  # Django has psycopg hand JSON over as text
        plan = json.loads(plan)
    return list(_postgres_scans_in(plan[0]["Plan"], partial))


def _postgres_scans_in(node: dict, partial: set[str]):
    kind, table = node["Node Type"], node.get("Relation Name")
    walks_whole_index = (
        kind in ("Index Scan", "Index Only Scan")
        and "Index Cond" not in node
        and node["Index Name"] not in partial
    )
    if kind == "Seq Scan" or walks_whole_index:
        yield table
    for child in node.get("Plans", []):
        yield from _postgres_scans_in(child, partial)
