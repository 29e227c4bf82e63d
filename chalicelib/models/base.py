"""Lazy binding of PynamoDB models to the stage's tables.

Each model declares only its short table name (`Meta.short_name`); the full
name, region and endpoint come from settings the first time a request touches
the database (`bind()`), never at import time.
"""
from __future__ import annotations

import threading

from pynamodb.connection import Connection
from pynamodb.models import Model

from chalicelib.core import settings as _settings

_MODELS: list[type[PortalModel]] = []
_lock = threading.Lock()
_state: dict = {"bound": False, "connection": None}


class PortalModel(Model):
    """Base for every table of the app. Subclasses set `Meta.short_name`."""

    class Meta:
        table_name = "unbound"
        short_name = ""

    @classmethod
    def _get_connection(cls):
        bind()
        return super()._get_connection()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls.Meta, "short_name", ""):
            _MODELS.append(cls)


def all_models() -> list[type[PortalModel]]:
    return list(_MODELS)


def bind() -> None:
    """Point every model at the current stage's tables (idempotent, cheap)."""
    if _state["bound"]:
        return
    with _lock:
        if _state["bound"]:
            return
        settings = _settings.get_settings()
        for model in _MODELS:
            model.Meta.table_name = settings.table_name(model.Meta.short_name)
            model.Meta.region = settings.region
            model.Meta.host = settings.dynamodb_endpoint
            model._connection = None
        _state["connection"] = Connection(region=settings.region, host=settings.dynamodb_endpoint)
        _state["bound"] = True


def unbind() -> None:
    with _lock:
        for model in _MODELS:
            model._connection = None
        _state["connection"] = None
        _state["bound"] = False


def connection() -> Connection:
    """The connection transactions (TransactGet/TransactWrite) run on."""
    bind()
    return _state["connection"]


_settings.on_reset(unbind)  # new settings, new tables: rebind on next use
