"""Wire models: the Spring Boot seed's employee JSON shape (camelCase), validated at the edge."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

# Deliberately simple: one "@", no spaces, a dot in the domain. Full RFC 5322 is not the demo's point,
# and pydantic's EmailStr would need the extra email-validator package.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

Name = Annotated[str, Field(min_length=1, max_length=100)]
Email = Annotated[str, Field(min_length=3, max_length=254, pattern=EMAIL_PATTERN)]


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, str_strip_whitespace=True)


class EmployeeIn(_Wire):
    """Body of POST and PUT. Unknown fields (e.g. an "id" echoed back by a client) are ignored."""

    first_name: Name
    last_name: Name
    email_id: Email


class Employee(_Wire):
    """A stored employee: its server-assigned id first, then the input fields (the seed's JSON order)."""

    id: int
    first_name: Name
    last_name: Name
    email_id: Email


class Deleted(BaseModel):
    """The seed's DELETE answer: {"deleted": true}."""

    deleted: bool = True


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """Every error the service returns has this shape, so clients parse one thing."""

    error: str
    message: str
    field_errors: list[FieldError] = Field(default_factory=list, serialization_alias="fieldErrors")
