"""The CloudFormation merge template of a stage: build/<stage>/merge.json.

`chalice package --merge-template` folds it into the template Chalice generates
(`make package STAGE=<stage>` runs both, then cfn-lint). It holds:

- every DynamoDB table of the app, rendered from the PynamoDB models by
  infra.tables (the same definitions the local stack and the tests create):
  on-demand, point-in-time recovery, SSE, TTL, the models' indexes; in prod
  deletion protection and DeletionPolicy/UpdateReplacePolicy Retain;
- the private documents bucket and its TLS-only policy (infra.buckets);
- the SES configuration set the stage sends through;
- API Gateway gateway responses (errors API Gateway answers itself, before the
  Lambda runs: unknown route, throttling, oversized request, Lambda failure) with
  the same security headers as the app's own responses, a same-origin CORS
  policy and a JSON body in the app's error shape;
- two corrections to Chalice's output: a fixed Lambda function name (so the IAM
  policy can name its log group), and the log group's name (Chalice 1.34 refers
  to a resource `ApiHandler` that does not exist, aws/chalice#2079).

It does not create the reCAPTCHA secret: CloudFormation cannot create an SSM
SecureString parameter, and a secret in a template parameter would sit in the
stack's history. Ops create it once per stage with
`aws ssm put-parameter --type SecureString` (docs/deploying.md); the function
reads it at run time and the policy grants ssm:GetParameter on that one name.

    python -m infra.template --stage prod [--out build/prod/merge.json]
    python -m infra.template --stage prod --check-deployable   # placeholders left in config?
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from urllib.parse import urlparse

from chalicelib.api.not_found import MESSAGE as NOT_FOUND_MESSAGE
from infra.buckets import DOCUMENTS_BUCKET, bucket_resources
from infra.policy import MFA_KEY, function_name, log_group_name
from infra.stage_env import ROOT, stage_environment

# Gateway-generated errors: response type -> (status override or None, error code, message).
# Status None keeps the status API Gateway chose (any 4xx or 5xx).
GATEWAY_RESPONSES = {
    "DEFAULT_4XX": (None, "invalid_request", "The request was not accepted."),
    "DEFAULT_5XX": (None, "service_unavailable",
                    "The service is briefly unavailable. Please try again in a moment."),
    # No authorizer is configured, so API Gateway sends this one for a path or
    # method that has no route: it is a 404, not a 403.
    "MISSING_AUTHENTICATION_TOKEN": ("404", "not_found", NOT_FOUND_MESSAGE),
    "RESOURCE_NOT_FOUND": ("404", "not_found", NOT_FOUND_MESSAGE),
    "UNAUTHORIZED": ("401", "not_authenticated", "Please sign in, then try again."),
    "ACCESS_DENIED": ("403", "forbidden", "You do not have permission to do that."),
    "THROTTLED": ("429", "too_many_requests", "Too many requests. Please wait a moment and try again."),
    "REQUEST_TOO_LARGE": ("413", "body_too_large", "The request is too large."),
}
RETRY_AFTER_S = {"DEFAULT_5XX": 5, "THROTTLED": 5}
# No route at this address: besides the JSON error, an HTML "Page not found" page
# (chalicelib/api/not_found.py). A gateway response cannot look at the path (its
# templates take plain `$context` substitution, no VTL), only keep one template per
# content type; API Gateway picks the one matching the request's Accept header, so
# a browser opening a page gets the HTML and the portal's fetches, which send
# `Accept: application/json`, get the JSON. docs/architecture.md ("Unknown addresses").
HTML_NOT_FOUND = ("MISSING_AUTHENTICATION_TOKEN", "RESOURCE_NOT_FOUND")

PLACEHOLDER_MARKERS = ("REPLACE-ME", ".example")


@contextlib.contextmanager
def stage_settings(stage: str):
    """Run with the stage's environment applied (settings re-read), then put everything back."""
    from chalicelib.core.settings import reset_settings

    env = stage_environment(stage)
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    reset_settings()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reset_settings()


def app_security_headers(stage: str) -> dict[str, str]:
    """The headers the app's middleware puts on every response on this stage: the single source."""
    from chalice import Response

    from chalicelib.api.http import security_headers

    with stage_settings(stage):
        return dict(security_headers(None, lambda _event: Response(body="")).headers)


def _static(value: str) -> str:
    """A static header value in API Gateway's mapping syntax: one single-quoted
    literal. A quote inside the value (the CSP's `'none'`) would end the literal
    early, so every inner quote, and every backslash, is escaped with a backslash:
    `default-src 'none'` -> `'default-src \\'none\\''`."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def gateway_response_headers(stage: str) -> dict[str, str]:
    env = stage_environment(stage)
    base = urlparse(env["PORTAL_PUBLIC_BASE_URL"])
    headers = dict(app_security_headers(stage))
    headers["Cache-Control"] = "no-store"
    # Same-origin CORS: the portal's pages call the API from its own origin only;
    # the one origin is named, never "*".
    headers["Access-Control-Allow-Origin"] = f"{base.scheme}://{base.netloc}"
    headers["Vary"] = "Origin"
    return headers


def not_found_page(stage: str) -> tuple[str, str]:
    """The "Page not found" page and the page CSP of this stage (its styles and script
    are the app's own /static/ files)."""
    from chalicelib.api import not_found
    from chalicelib.api.pages import content_security_policy

    with stage_settings(stage):
        html, csp = not_found.page_html(), content_security_policy()
    if "$" in html:  # a gateway response template substitutes `$name`: keep the page literal
        raise ValueError("the not-found page must not contain '$'")
    return html, csp


def gateway_responses(stage: str) -> dict:
    headers = gateway_response_headers(stage)
    out = {}
    for response_type, (status, code, message) in GATEWAY_RESPONSES.items():
        params = {f"gatewayresponse.header.{name}": _static(value) for name, value in headers.items()}
        if response_type in RETRY_AFTER_S:
            params["gatewayresponse.header.Retry-After"] = _static(str(RETRY_AFTER_S[response_type]))
        templates = {"application/json": json.dumps({"error": code, "message": message}, separators=(",", ":"))}
        if response_type in HTML_NOT_FOUND:
            html, csp = not_found_page(stage)
            templates["text/html"] = html
            params["gatewayresponse.header.Content-Security-Policy"] = _static(csp)
        response = {"responseParameters": params, "responseTemplates": templates}
        if status:
            response["statusCode"] = status
        out[response_type] = response
    return out


def mfa_key_alias(stage: str) -> str:
    """The alias the app encrypts with (chalicelib settings.mfa_key_alias: alias/<table prefix>mfa)."""
    env = stage_environment(stage)
    return env.get("PORTAL_MFA_KEY_ALIAS") or f"alias/{env['PORTAL_TABLE_PREFIX']}mfa"


def mfa_key_resources(stage: str) -> dict:
    """The customer managed KMS key that encrypts TOTP secrets, and its alias. The key
    policy leaves access to IAM (the account root statement), so the Lambda role's
    policy decides: kms:Encrypt and kms:Decrypt on this key only. Losing the key loses
    every enrolment, so it is kept when the stack or the resource goes (all stages)."""
    return {
        MFA_KEY: {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": f"clinic-portal {stage}: TOTP secrets of two-factor authentication",
                "EnableKeyRotation": True,
                "KeyPolicy": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "AccountAdministersTheKeyThroughIam",
                    "Effect": "Allow",
                    "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                    "Action": "kms:*",
                    "Resource": "*",
                }]},
            },
        },
        "MfaKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": mfa_key_alias(stage), "TargetKeyId": {"Ref": MFA_KEY}},
        },
    }


def merge_template(stage: str) -> dict:
    from infra.tables import cloudformation_resources

    env = stage_environment(stage)
    resources = cloudformation_resources(stage, env["PORTAL_TABLE_PREFIX"])
    outputs = {
        f"{logical_id}Name": {"Value": {"Ref": logical_id}} for logical_id in sorted(resources)
    }
    resources.update(mfa_key_resources(stage))
    resources.update(bucket_resources(stage))
    outputs["DocumentsBucketName"] = {"Value": {"Ref": DOCUMENTS_BUCKET}}
    if env.get("PORTAL_SES_CONFIGURATION_SET"):
        resources["MailConfigurationSet"] = {
            "Type": "AWS::SES::ConfigurationSet",
            "Properties": {"Name": env["PORTAL_SES_CONFIGURATION_SET"]},
        }
    # Merged into the resources Chalice generates (same logical ids).
    resources["APIHandler"] = {"Properties": {"FunctionName": function_name(stage)}}
    resources["ApiHandlerLogGroup"] = {"Properties": {"LogGroupName": log_group_name(stage)}}
    resources["RestAPI"] = {"Properties": {"DefinitionBody": {
        "x-amazon-apigateway-gateway-responses": gateway_responses(stage)}}}
    outputs["RecaptchaSecretParameter"] = {
        "Description": "SecureString this stage reads; create it with aws ssm put-parameter (docs/deploying.md)",
        "Value": env["PORTAL_RECAPTCHA_SECRET_PARAMETER"],
    }
    outputs["FunctionLogGroup"] = {"Value": log_group_name(stage)}
    return {"Resources": resources, "Outputs": outputs}


def placeholders(stage: str) -> list[str]:
    """Settings of the stage that still hold an example value ops must replace."""
    env = stage_environment(stage)
    return sorted(name for name, value in env.items() if any(m in str(value) for m in PLACEHOLDER_MARKERS))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.template", description=__doc__.split("\n")[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--out", help="where to write (default build/<stage>/merge.json)")
    parser.add_argument("--check-deployable", action="store_true",
                        help="fail if .chalice/config.json still holds example values for this stage")
    args = parser.parse_args(argv)
    if args.check_deployable:
        left = placeholders(args.stage)
        if left:
            print(f"stage {args.stage}: replace the example values of {', '.join(left)} in "  # noqa: S608 - not SQL
                  ".chalice/config.json before deploying (docs/deploying.md)", file=sys.stderr)
            return 1
        return 0
    out = args.out or os.path.join(ROOT, "build", args.stage, "merge.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(merge_template(args.stage), f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.relpath(out, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
