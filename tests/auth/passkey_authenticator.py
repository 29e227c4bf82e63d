"""A software authenticator for the passkey tests: real ES256 keys (P-256), "none"
attestation, resident credentials, user verification; it answers the options the
API gives exactly as a browser would hand them over (web/passkey-codec.js's JSON)."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

ORIGIN = "http://127.0.0.1:8000"   # the test stage's public base URL (tests/conftest.py)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    credential_id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


@dataclass
class Authenticator:
    """One device: its resident credentials, by relying party."""
    credentials: list[Credential] = field(default_factory=list)
    user_verified: bool = True
    counts: bool = True   # False: a counter that stays 0 (as synced passkeys do)

    def _flags(self, *, attested: bool) -> int:
        return 0x01 | (0x04 if self.user_verified else 0) | (0x40 if attested else 0)

    def create(self, public_key: dict, origin: str = ORIGIN) -> dict:
        """navigator.credentials.create({publicKey}) as JSON."""
        rp_id = public_key["rp"]["id"]
        handle = unb64(public_key["user"]["id"])
        excluded = {c["id"] for c in public_key.get("excludeCredentials") or []}
        if any(b64(c.credential_id) in excluded for c in self.credentials if c.rp_id == rp_id):
            raise ValueError("InvalidStateError: already registered on this authenticator")
        cred = Credential(os.urandom(32), ec.generate_private_key(ec.SECP256R1()), rp_id, handle)
        # A resident key of the same user replaces the older one on the device.
        self.credentials = [c for c in self.credentials if not (c.rp_id == rp_id and c.user_handle == handle)]
        self.credentials.append(cred)
        numbers = cred.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        auth_data = (hashlib.sha256(rp_id.encode()).digest() + bytes([self._flags(attested=True)])
                     + struct.pack(">I", cred.sign_count) + bytes(16)
                     + struct.pack(">H", len(cred.credential_id)) + cred.credential_id + cose)
        client_data = self._client_data("webauthn.create", public_key["challenge"], origin)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        cid = b64(cred.credential_id)
        return {"id": cid, "rawId": cid, "type": "public-key", "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
                "response": {"clientDataJSON": b64(client_data), "attestationObject": b64(attestation),
                             "transports": ["internal"]}}

    def get(self, public_key: dict, origin: str = ORIGIN, *, credential: Credential | None = None,
            sign_count: int | None = None) -> dict:
        """navigator.credentials.get({publicKey}) as JSON: the first resident credential
        for the relying party (or `credential`); `sign_count` forces the counter."""
        rp_id = public_key["rpId"]
        cred = credential or next(c for c in self.credentials if c.rp_id == rp_id)
        if sign_count is not None:
            cred.sign_count = sign_count
        elif self.counts:
            cred.sign_count += 1
        auth_data = (hashlib.sha256(rp_id.encode()).digest() + bytes([self._flags(attested=False)])
                     + struct.pack(">I", cred.sign_count))
        client_data = self._client_data("webauthn.get", public_key["challenge"], origin)
        signature = cred.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        cid = b64(cred.credential_id)
        return {"id": cid, "rawId": cid, "type": "public-key", "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
                "response": {"clientDataJSON": b64(client_data), "authenticatorData": b64(auth_data),
                             "signature": b64(signature), "userHandle": b64(cred.user_handle)}}

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin,
                           "crossOrigin": False}).encode()
