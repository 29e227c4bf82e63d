/* Passkeys in the browser without a library: base64url <-> bytes, the API's
 * WebAuthn options (JSON, binary fields base64url) turned into what
 * navigator.credentials expects, and the credential it gives back turned into
 * JSON for the API (the shape PublicKeyCredential.toJSON() writes). */

export function toBytes(text) {
  const b64 = String(text).replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "===".slice((b64.length + 3) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) { out[i] = binary.charCodeAt(i); }
  return out.buffer;
}

export function toText(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function descriptors(list) {
  return (list || []).map((c) => Object.assign({}, c, { id: toBytes(c.id) }));
}

/* The API's creation options -> PublicKeyCredentialCreationOptions. */
export function creationOptions(json) {
  return Object.assign({}, json, {
    challenge: toBytes(json.challenge),
    user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
    excludeCredentials: descriptors(json.excludeCredentials)
  });
}

/* The API's request options -> PublicKeyCredentialRequestOptions. */
export function requestOptions(json) {
  return Object.assign({}, json, {
    challenge: toBytes(json.challenge),
    allowCredentials: descriptors(json.allowCredentials)
  });
}

/* A PublicKeyCredential -> the JSON the API takes. */
export function credentialJson(credential) {
  const r = credential.response;
  const response = { clientDataJSON: toText(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toText(r.attestationObject);
    response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
  } else {
    response.authenticatorData = toText(r.authenticatorData);
    response.signature = toText(r.signature);
    response.userHandle = r.userHandle ? toText(r.userHandle) : null;
  }
  const out = { id: credential.id, rawId: toText(credential.rawId), type: credential.type, response: response,
                clientExtensionResults: {} };
  if (credential.authenticatorAttachment) { out.authenticatorAttachment = credential.authenticatorAttachment; }
  return out;
}

export function supported() {
  return Boolean(window.PublicKeyCredential && navigator.credentials && window.isSecureContext);
}

/* The browser offers passkeys in the username field's autofill (conditional mediation). */
export async function autofillSupported() {
  if (!supported() || typeof PublicKeyCredential.isConditionalMediationAvailable !== "function") { return false; }
  try {
    return await PublicKeyCredential.isConditionalMediationAvailable();
  } catch (e) {
    return false;
  }
}

/* What a refused or cancelled ceremony means, in plain words (null: the person cancelled). */
export function ceremonyProblem(error) {
  const name = error && error.name;
  if (name === "NotAllowedError" || name === "AbortError") { return null; }
  if (name === "InvalidStateError") { return "This device already has a passkey for your account."; }
  if (name === "SecurityError") { return "Passkeys need the portal's own address (not an IP address). Open it by its name and try again."; }
  return "Your device could not use a passkey just now. Try again, or use your password.";
}
