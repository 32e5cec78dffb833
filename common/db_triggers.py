"""Statement-level triggers that keep a table of figures in step with the rows they count.

One call per statement, whatever its number of rows (an ORM save, a bulk update, a raw ``UPDATE``
or a ``COPY`` alike): the statement's rows come as transition tables, turned into signed rows (+1
for each row as it now is, -1 for each row as it was) that the trigger's body adds to its figures.
"""

from __future__ import annotations

REFERENCING = {"insert": "REFERENCING NEW TABLE AS new_rows", "delete": "REFERENCING OLD TABLE AS old_rows",
               "update": "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows", "truncate": ""}


def signed_rows(columns: str) -> dict[str, str]:
    """Per operation, the SELECT of the statement's rows as signed rows ``s, columns``."""
    return {
        "insert": f"SELECT 1 AS s, {columns} FROM new_rows",  # nosec B608: column names of the caller
        "delete": f"SELECT -1 AS s, {columns} FROM old_rows",  # nosec B608
        "update": f"SELECT 1 AS s, {columns} FROM new_rows UNION ALL SELECT -1, {columns} FROM old_rows",  # nosec B608
    }


def add_to(table: str, key: str, columns: list[str]) -> str:
    """The ``ON CONFLICT`` clause adding an insert's ``columns`` to the row already under ``key``."""
    sets = ", ".join(f"{column} = t.{column} + excluded.{column}" for column in columns)
    return f"ON CONFLICT ({key}) DO UPDATE SET {sets}"  # nosec B608: column names of the caller


def install(triggers: list[tuple[str, str, str, str]]) -> list[str]:
    """The statements creating (or replacing) each (function, table, event, body) trigger."""
    statements = []
    for function, table, event, body in triggers:
        statements += [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
            f"BEGIN\n{body};\nRETURN NULL;\nEND $fn$",
            f"DROP TRIGGER IF EXISTS {function} ON {table}",
            f"CREATE TRIGGER {function} AFTER {event.upper()} ON {table} {REFERENCING[event]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"]
    return statements


def remove(triggers: list[tuple[str, str, str, str]]) -> list[str]:
    return [statement for function, table, _, _ in triggers
            for statement in (f"DROP TRIGGER IF EXISTS {function} ON {table}", f"DROP FUNCTION IF EXISTS {function}()")]
