"""Every endpoint of the employee API, in process (fast), over a real SQLite file."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.store import EmployeeStore
from service.tests.conftest import JOHN

JANE = {"firstName": "Jane", "lastName": "Roe", "emailId": "jane.roe@example.com"}


def _create(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/employees", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _field_errors(response_json: dict[str, Any]) -> dict[str, str]:
    return {err["field"]: err["message"] for err in response_json["fieldErrors"]}


def test_health_is_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_is_unavailable_when_the_database_is_gone(client: TestClient, store: EmployeeStore) -> None:
    with sqlite3.connect(store.db_path) as conn:
        conn.execute("DROP TABLE employees")
    assert client.get("/health").status_code == 503


def test_list_is_empty_on_a_new_database(client: TestClient) -> None:
    response = client.get("/employees")
    assert response.status_code == 200
    assert response.json() == []


def test_create_returns_the_seed_shape_with_an_id_and_location(client: TestClient) -> None:
    response = client.post("/employees", json=JOHN)
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["id", "firstName", "lastName", "emailId"]
    assert body == {"id": body["id"], **JOHN}
    assert isinstance(body["id"], int)
    assert response.headers["location"] == f"/employees/{body['id']}"


def test_create_strips_whitespace_and_ignores_unknown_fields(client: TestClient) -> None:
    body = _create(client, {**JOHN, "firstName": "  John ", "id": 999, "salary": 1})
    assert body["firstName"] == "John"
    assert body["id"] != 999
    assert "salary" not in body


def test_list_returns_all_in_id_order(client: TestClient) -> None:
    first, second = _create(client, JOHN), _create(client, JANE)
    assert client.get("/employees").json() == [first, second]


def test_get_returns_the_stored_employee(client: TestClient) -> None:
    created = _create(client, JOHN)
    response = client.get(f"/employees/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_update_replaces_every_field(client: TestClient) -> None:
    created = _create(client, JOHN)
    response = client.put(f"/employees/{created['id']}", json=JANE)
    assert response.status_code == 200
    assert response.json() == {"id": created["id"], **JANE}
    assert client.get(f"/employees/{created['id']}").json() == {"id": created["id"], **JANE}


def test_delete_answers_deleted_true_then_404(client: TestClient) -> None:
    created = _create(client, JOHN)
    response = client.delete(f"/employees/{created['id']}")
    assert response.status_code == 200
    assert response.json() == {"deleted": True}
    assert client.get(f"/employees/{created['id']}").status_code == 404
    assert client.get("/employees").json() == []


def test_deleted_ids_are_never_reused(client: TestClient) -> None:
    first = _create(client, JOHN)
    client.delete(f"/employees/{first['id']}")
    assert _create(client, JANE)["id"] > first["id"]


@pytest.mark.parametrize(
    ("method", "body"), [("GET", None), ("PUT", JOHN), ("DELETE", None)], ids=["get", "put", "delete"]
)
def test_unknown_id_is_404_with_an_error_body(client: TestClient, method: str, body: Any) -> None:
    response = client.request(method, "/employees/4242", json=body)
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "message": "Employee not found with id 4242",
        "fieldErrors": [],
    }


def test_unknown_route_is_404_with_the_same_error_shape(client: TestClient) -> None:
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("body", "bad_fields"),
    [
        ({}, {"firstName", "lastName", "emailId"}),
        ({**JOHN, "firstName": ""}, {"firstName"}),
        ({**JOHN, "lastName": "   "}, {"lastName"}),
        ({**JOHN, "lastName": "x" * 101}, {"lastName"}),
        ({**JOHN, "emailId": "not-an-email"}, {"emailId"}),
        ({**JOHN, "emailId": "a b@example.com"}, {"emailId"}),
        ({**JOHN, "firstName": 42}, {"firstName"}),
        ({"firstName": "John"}, {"lastName", "emailId"}),
    ],
    ids=["empty", "blank-first", "whitespace-last", "long-last", "bad-email", "space-email", "int-name", "partial"],
)
def test_invalid_body_is_422_with_field_errors(client: TestClient, body: Any, bad_fields: set[str]) -> None:
    for response in (client.post("/employees", json=body), client.put("/employees/1", json=body)):
        assert response.status_code == 422, response.text
        payload = response.json()
        assert payload["error"] == "validation_failed"
        assert set(_field_errors(payload)) == bad_fields
    assert client.get("/employees").json() == []


def test_body_that_is_not_an_object_is_422(client: TestClient) -> None:
    response = client.post("/employees", json=["John"])
    assert response.status_code == 422
    assert set(_field_errors(response.json())) == {"body"}


def test_malformed_json_is_400(client: TestClient) -> None:
    response = client.post("/employees", content=b'{"firstName": ', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


def test_non_integer_id_is_422_naming_the_path_parameter(client: TestClient) -> None:
    response = client.get("/employees/abc")
    assert response.status_code == 422
    assert set(_field_errors(response.json())) == {"employee_id"}
