"""Apply a deployed stage's environment (from .chalice/config.json) to this process,
so local tools (admin CLI, packaging checks) address that stage's tables."""
from __future__ import annotations

import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG_PATH = os.path.join(ROOT, ".chalice", "config.json")

# What the tests and the bench give boto3 when moto answers: fake credentials (so
# nothing can reach a real account) and one region.
MOTO_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


def stage_environment(stage: str) -> dict[str, str]:
    with open(CONFIG_PATH, encoding="utf-8") as f:
        config = json.load(f)
    stages = config.get("stages", {})
    if stage not in stages:
        raise SystemExit(f"unknown stage {stage!r}; .chalice/config.json has: {', '.join(stages)}")
    env = dict(config.get("environment_variables", {}))
    env.update(stages[stage].get("environment_variables", {}))
    return env


def apply_stage(stage: str) -> None:
    from chalicelib.core.settings import reset_settings

    os.environ.update(stage_environment(stage))
    reset_settings()
