"""The OpenAPI document (placeholder)."""

from typing import Any


def document() -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "Touchpoint dashboard", "version": "1"}, "paths": {}}
