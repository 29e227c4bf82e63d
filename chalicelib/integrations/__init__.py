"""The EHR integration API: keys a clinic's administrators issue (keys.py), the
per-key rate limit (rate.py), the external-id mapping that makes every write
idempotent (records.py), and one module per resource the EHR may write
(patients.py), registered in scopes.py."""
