"""The tables the demo generators draw from (names, places, texts), read from resources/demo/*.json."""
from __future__ import annotations

import json
from typing import Any

from csrdesk import paths


def load(name: str) -> dict[str, Any]:
    """One table file of resources/demo, with its lists as tuples (the generators only read them); keys starting
    with an underscore are notes for people."""
    with paths.resource("demo", f"{name}.json").open(encoding="utf-8") as f:
        return _frozen(json.load(f))


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items() if not k.startswith("_")}
    return value
