"""boto3 clients of the services the app calls besides DynamoDB (SES, KMS): one per
service and settings object (the stage's region and endpoints), created on first
use, and failing fast: a request waits for each call, and API Gateway gives up
after 29 s."""
from __future__ import annotations

_cache: dict = {}


def client(service: str):
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    cached = _cache.get(service)
    if cached is not None and cached[0] is settings:
        return cached[1]
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})
    made = boto3.client(service, region_name=settings.region, config=config)
    _cache[service] = (settings, made)
    return made
