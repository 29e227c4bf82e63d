"""Stage settings, read lazily from the environment.

Nothing here runs at import time: `get_settings()` reads the environment the
first time it is called and caches the result for the life of the process (a
Lambda container). Tests and the local stack call `reset_settings()` after
changing the environment.

Each deployed stage sets these variables in `.chalice/config.json`; the local
stack (`infra/local.py`) and the test suite set them themselves.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass

DEPLOYED_STAGES = ("dev", "staging", "prod")


@dataclass(frozen=True)
class Settings:
    stage: str
    table_prefix: str
    region: str
    dynamodb_endpoint: str | None
    argon2_time_cost: int
    argon2_memory_kib: int
    argon2_parallelism: int
    captcha_provider: str  # "local" | "recaptcha"
    recaptcha_site_key: str
    recaptcha_secret_parameter: str
    public_base_url: str
    # Extra origins the local stack is reached at (its own loopback addresses on
    # its port, set by infra/local.py); empty, and refused, on a deployed stage.
    local_origins: tuple[str, ...]
    ses_sender: str
    ses_configuration_set: str
    outbox_dir: str | None
    log_level: str
    max_body_bytes: int
    # The KMS key that encrypts TOTP secrets (auth/mfa_secrets.py), by alias.
    mfa_key_alias: str
    # The private S3 bucket of visit summaries and test results (sections/documents).
    documents_bucket: str

    @property
    def deployed(self) -> bool:
        return self.stage in DEPLOYED_STAGES

    @property
    def cookie_secure(self) -> bool:
        return self.deployed

    def table_name(self, short_name: str) -> str:
        return f"{self.table_prefix}{short_name}"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def _load() -> Settings:
    env = os.environ.get
    stage = env("PORTAL_STAGE", "local")
    provider = env("PORTAL_CAPTCHA_PROVIDER", "recaptcha" if stage in DEPLOYED_STAGES else "local")
    if provider not in ("local", "recaptcha"):
        raise RuntimeError(f"PORTAL_CAPTCHA_PROVIDER must be 'local' or 'recaptcha', got {provider!r}")
    if provider == "local" and stage in DEPLOYED_STAGES:
        raise RuntimeError("the local CAPTCHA verifier is not allowed on a deployed stage")
    local_origins = tuple(o.strip().rstrip("/") for o in env("PORTAL_LOCAL_ORIGINS", "").split(",") if o.strip())
    if local_origins and stage in DEPLOYED_STAGES:
        raise RuntimeError("PORTAL_LOCAL_ORIGINS is for the local stack only, not a deployed stage")
    return Settings(
        stage=stage,
        table_prefix=env("PORTAL_TABLE_PREFIX", f"clinic-portal-{stage}-"),
        region=env("AWS_REGION") or env("AWS_DEFAULT_REGION") or "us-east-1",
        dynamodb_endpoint=env("PORTAL_DYNAMODB_ENDPOINT") or None,
        # Defaults are the deployed ones (RFC 9106 "second recommended" profile);
        # the test stage overrides them with cheap values.
        argon2_time_cost=_int("PORTAL_ARGON2_TIME_COST", 3),
        argon2_memory_kib=_int("PORTAL_ARGON2_MEMORY_KIB", 65536),
        argon2_parallelism=_int("PORTAL_ARGON2_PARALLELISM", 4),
        captcha_provider=provider,
        recaptcha_site_key=env("PORTAL_RECAPTCHA_SITE_KEY", ""),
        recaptcha_secret_parameter=env("PORTAL_RECAPTCHA_SECRET_PARAMETER", f"/clinic-portal/{stage}/recaptcha-secret"),
        public_base_url=env("PORTAL_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        local_origins=local_origins,
        ses_sender=env("PORTAL_SES_SENDER", "no-reply@clinic-portal.example"),
        ses_configuration_set=env("PORTAL_SES_CONFIGURATION_SET", ""),
        outbox_dir=env("PORTAL_OUTBOX_DIR") or None,
        log_level=env("PORTAL_LOG_LEVEL", "INFO"),
        max_body_bytes=_int("PORTAL_MAX_BODY_BYTES", 16 * 1024),
        mfa_key_alias=env("PORTAL_MFA_KEY_ALIAS", "")
        or f"alias/{env('PORTAL_TABLE_PREFIX', f'clinic-portal-{stage}-')}mfa",
        documents_bucket=env("PORTAL_DOCUMENTS_BUCKET", "")
        or f"{env('PORTAL_TABLE_PREFIX', f'clinic-portal-{stage}-')}documents".lower(),
    )


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return _load()


_reset_hooks: list = []


def on_reset(hook) -> None:
    """Call `hook()` whenever the settings are reset (the models unbind their tables).

    Settings import nothing of the app; what depends on them registers here,
    so the dependency runs one way (models -> settings)."""
    if hook not in _reset_hooks:
        _reset_hooks.append(hook)


def reset_settings() -> None:
    """Forget the cached settings (tests and the local stack change the env)."""
    get_settings.cache_clear()
    for hook in list(_reset_hooks):
        hook()
