"""Health check."""
from chalice import Blueprint

from chalicelib.api.http import json_response, route

bp = Blueprint(__name__)


@route(bp, "/api/health")
def health(request):
    return json_response({"status": "ok"})
