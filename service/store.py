"""SQLite persistence: one short-lived connection per call, so it is safe from FastAPI's worker threads."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from service.models import Employee, EmployeeIn

_SCHEMA = """
CREATE TABLE IF NOT EXISTS employees (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: a deleted id is never handed out again
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    email_id   TEXT NOT NULL
)
"""
_COLUMNS = "id, first_name, last_name, email_id"


def _row_to_employee(row: sqlite3.Row) -> Employee:
    return Employee(id=row["id"], first_name=row["first_name"], last_name=row["last_name"], email_id=row["email_id"])


class EmployeeStore:
    """CRUD over the employees table. Every write is committed before the call returns."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.db_path, timeout=10.0)) as conn:
            conn.row_factory = sqlite3.Row
            with conn:  # commits on success, rolls back on error
                yield conn

    def initialize(self) -> None:
        """Create the file (and its directory) and the table if missing; existing data is kept."""
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(_SCHEMA)

    def ping(self) -> None:
        """Raise sqlite3.Error when the database cannot be read (used by the health check)."""
        with self._connect() as conn:
            conn.execute("SELECT count(*) FROM employees").fetchone()

    def list_all(self) -> list[Employee]:
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM employees ORDER BY id").fetchall()
        return [_row_to_employee(row) for row in rows]

    def get(self, employee_id: int) -> Employee | None:
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM employees WHERE id = ?", (employee_id,)).fetchone()
        return _row_to_employee(row) if row else None

    def create(self, data: EmployeeIn) -> Employee:
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO employees (first_name, last_name, email_id) VALUES (?, ?, ?)",
                (data.first_name, data.last_name, data.email_id),
            )
            new_id = cursor.lastrowid
        assert new_id is not None  # always set after a successful INSERT
        return Employee(id=new_id, **data.model_dump())

    def update(self, employee_id: int, data: EmployeeIn) -> Employee | None:
        with self._connect() as conn:
            cursor = conn.execute(
                "UPDATE employees SET first_name = ?, last_name = ?, email_id = ? WHERE id = ?",
                (data.first_name, data.last_name, data.email_id, employee_id),
            )
            if cursor.rowcount == 0:
                return None
        return Employee(id=employee_id, **data.model_dump())

    def delete(self, employee_id: int) -> bool:
        with self._connect() as conn:
            cursor = conn.execute("DELETE FROM employees WHERE id = ?", (employee_id,))
        return cursor.rowcount > 0
