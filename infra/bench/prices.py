"""The price table the bench's cost model uses: us-east-1, on-demand, list prices.

Sources (read 2026-12-01):
  DynamoDB on-demand  https://aws.amazon.com/dynamodb/pricing/on-demand/
  Lambda              https://aws.amazon.com/lambda/pricing/           (x86, first pricing tier)
  API Gateway REST    https://aws.amazon.com/api-gateway/pricing/      (first 333 million requests)
  SES outbound email  https://aws.amazon.com/ses/pricing/
  Amazon Cognito      https://aws.amazon.com/cognito/pricing/          (Essentials tier, per MAU above the free tier)
Free tiers are left out on purpose: they are per account, not per operation.
"""
REGION = "us-east-1"
DATE = "2026-12-01"

USD = {
    "dynamodb_write_unit": 0.625 / 1e6,     # per write request unit
    "dynamodb_read_unit": 0.125 / 1e6,      # per read request unit
    "lambda_request": 0.20 / 1e6,           # per invocation
    "lambda_gb_second": 0.0000166667,       # per GB-second of billed duration (1 ms granularity)
    "api_gateway_request": 3.50 / 1e6,      # REST API, per request
    "ses_email": 0.10 / 1000,               # per outbound email (invitations, password resets)
    "cognito_mau": 0.015,                   # what the `auth` profile is compared with
}
