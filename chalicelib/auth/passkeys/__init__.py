"""Passkeys (WebAuthn, issue 14): `ceremony` (relying party, challenges, reading
what the browser sent), `register` (a signed-in person adds one), `manage` (list,
rename, remove), `signin` (a passkey login), `admin` (an administrator removes
them all). The verification itself (CBOR/COSE parsing, signatures, counters) is
py_webauthn's; see docs/architecture.md, "Passkeys"."""
