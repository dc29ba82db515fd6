"""Fixtures: an in-process client over a fresh database, and a factory for the real subprocess server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.store import EmployeeStore

JOHN = {"firstName": "John", "lastName": "Doe", "emailId": "JoneDoe@gmail.com"}


@pytest.fixture
def store(tmp_path: Path) -> EmployeeStore:
    store = EmployeeStore(tmp_path / "data" / "employees.db")
    store.initialize()
    return store


@pytest.fixture
def client(store: EmployeeStore) -> Iterator[TestClient]:
    with TestClient(create_app(store)) as test_client:
        yield test_client
