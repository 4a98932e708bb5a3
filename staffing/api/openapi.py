"""The OpenAPI description of the read-only JSON API."""

from __future__ import annotations

from typing import Any

_ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}


def _get(summary: str, schema: dict[str, Any], params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": params or [],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
                "401": {
                    "description": "Not authenticated",
                    "content": {"application/json": {"schema": _ERROR}},
                },
                "404": {
                    "description": "Not found or outside the caller's scope",
                    "content": {"application/json": {"schema": _ERROR}},
                },
            },
        }
    }


_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
_PLAN_ID = {"name": "plan_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_PLAN = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "status": {"type": "string", "enum": ["draft", "in_review", "pending_approval", "approved"]},
        "province": {"type": "string"},
        "parent": {"type": ["integer", "null"]},
        "solver_status": {"type": ["string", "null"]},
        "placed": {"type": ["integer", "null"]},
        "unplaced": {"type": ["integer", "null"]},
        "problem_sha256": {"type": ["string", "null"]},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "staffing API",
        "version": "1",
        "description": "Read-only access to provinces, new communes and staffing plans. Bearer tokens "
        "(staffing api-token) read approved plans only; the caller's province and commune "
        "scope applies to every answer.",
    },
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        }
    },
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        "/api/v1/provinces": _get(
            "Provinces the caller may see",
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "as_of": {"type": "string", "format": "date"},
                    },
                },
            },
        ),
        "/api/v1/provinces/{code}/communes": _get(
            "New communes of a province with their merged units",
            {"type": "array", "items": {"type": "object"}},
            [_CODE],
        ),
        "/api/v1/provinces/{code}/plans": _get(
            "Staffing plans of a province", {"type": "array", "items": _PLAN}, [_CODE]
        ),
        "/api/v1/plans/{plan_id}": _get(
            "A plan with assignments, unplaced people and shortfalls",
            {
                "allOf": [
                    _PLAN,
                    {
                        "type": "object",
                        "properties": {
                            "assignments": {"type": "array", "items": {"type": "object"}},
                            "unplaced": {"type": "array", "items": {"type": "object"}},
                            "shortfalls": {"type": "array", "items": {"type": "object"}},
                        },
                    },
                ]
            },
            [_PLAN_ID],
        ),
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This description",
                "security": [],
                "responses": {"200": {"description": "OK"}},
            }
        },
    },
}
