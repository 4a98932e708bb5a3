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

_SEAT = {
    "type": ["object", "null"],
    "description": "where the plan puts the person; null when unplaced or when there is no plan",
    "properties": {
        "position": {"type": "string"},
        "title": {"type": "string"},
        "department": {"type": "string"},
        "commune": {"type": "string"},
        "commune_name": {"type": "string"},
        "locked": {"type": "boolean"},
    },
}
_SEARCH = {
    "type": "object",
    "properties": {
        "query": {"type": "string"},
        "province": {"type": "string"},
        "plan": {"type": ["integer", "null"]},
        "people": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string", "description": "CCCD where known"},
                    "name": {"type": "string"},
                    "birth_date": {"type": ["string", "null"], "format": "date"},
                    "old_unit": {
                        "type": "object",
                        "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                    },
                    "old_post": {"type": ["string", "null"]},
                    "matched": {"type": "string", "enum": ["name", "key", "unit", "near", "commune"]},
                    "plan_seat": _SEAT,
                },
            },
        },
        "communes": {"type": "array", "items": {"type": "object"}},
        "departments": {"type": "array", "items": {"type": "object"}},
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
        "/api/v1/search": _get(
            "Find people (name without diacritics or with one slip, CCCD whole or last digits, old unit, "
            "old post), communes and departments of a province, within the caller's scope; each person with "
            "their seat in the current plan (for a bearer token: the newest approved plan)",
            _SEARCH,
            [
                {
                    "name": "q",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "maxLength": 100},
                },
                {
                    "name": "province",
                    "in": "query",
                    "required": False,
                    "description": "province code; default: the caller's province",
                    "schema": {"type": "string"},
                },
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                },
            ],
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
