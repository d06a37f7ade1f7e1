"""VAPID (RFC 8292): the application server's key and one cached JWT per push-service origin."""
from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from watch.push.webpush.endpoints import b64url, decode_b64url, origin_of

_JWT_HEADER = b64url(b'{"typ":"JWT","alg":"ES256"}')

PrivateKeyInput = bytes | str | ec.EllipticCurvePrivateKey

# -- VAPID (RFC 8292) --------------------------------------------------------------
def load_private_key(key: PrivateKeyInput | Any) -> ec.EllipticCurvePrivateKey:
    """Load a P-256 key from PEM, a raw 32-byte base64url scalar, a key object or a py_vapid Vapid."""
    if hasattr(key, "private_key") and not isinstance(key, (bytes, str)):
        key = key.private_key  # py_vapid.Vapid01/Vapid02
    if isinstance(key, ec.EllipticCurvePrivateKey):
        loaded = key
    else:
        data = key.encode("ascii") if isinstance(key, str) else bytes(key)
        if b"-----BEGIN" in data:
            pem = serialization.load_pem_private_key(data, password=None)
            if not isinstance(pem, ec.EllipticCurvePrivateKey):
                raise ValueError("VAPID key must be an EC key")
            loaded = pem
        else:
            raw = decode_b64url(data.decode("ascii").strip())
            if len(raw) != 32:
                raise ValueError("raw VAPID private key must be 32 bytes")
            loaded = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    if not isinstance(loaded.curve, ec.SECP256R1):
        raise ValueError("VAPID key must be on P-256")
    return loaded


def public_key_b64url(private_key: PrivateKeyInput | Any) -> str:
    """Return the applicationServerKey (uncompressed public point, base64url) for a VAPID key."""
    public = load_private_key(private_key).public_key()
    return b64url(public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def generate_vapid_keypair() -> tuple[bytes, str]:
    """Generate a VAPID key: (PKCS#8 PEM private key, base64url public key for the browser)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem, public_key_b64url(key)


def origin_for_endpoint(endpoint: str) -> str:
    """Return the VAPID audience of an endpoint: scheme://host plus the port if not the default."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("endpoint is not an absolute http(s) URL")
    return origin_of(parts.scheme, parts.hostname, parts.port)


class VapidSigner:
    """Signs ES256 VAPID tokens, one per push-service origin, cached until near expiry."""

    def __init__(
        self,
        private_key: PrivateKeyInput | Any,
        subject: str,
        *,
        lifetime: int = 12 * 3600,
        refresh_before: int = 3600,
        clock: Any = time.time,
    ) -> None:
        if not subject.startswith(("mailto:", "https:")):
            raise ValueError("VAPID subject must be a mailto: or https: URI")
        if not 0 < refresh_before < lifetime <= 24 * 3600:
            raise ValueError("need 0 < refresh_before < lifetime <= 24 h (RFC 8292 section 2)")
        self._key = load_private_key(private_key)
        self.subject = subject
        self.public_key = public_key_b64url(self._key)
        self._lifetime = lifetime
        self._refresh_before = refresh_before
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, str]] = {}
        self.sign_count = 0

    def sign(self, audience: str, expires: int) -> str:
        """Return a compact ES256 JWT with aud, exp and sub (no caching)."""
        claims = {"aud": audience, "exp": expires, "sub": self.subject}
        body = b64url(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
        signing_input = f"{_JWT_HEADER}.{body}"
        r, s = decode_dss_signature(self._key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256())))
        self.sign_count += 1
        return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def authorization(self, audience: str) -> str:
        """Return the `vapid t=…, k=…` header for an origin, reusing a cached token."""
        now = int(self._clock())
        with self._lock:
            cached = self._cache.get(audience)
            if cached is not None and cached[0] - now > self._refresh_before:
                return cached[1]
            expires = now + self._lifetime
            header = f"vapid t={self.sign(audience, expires)}, k={self.public_key}"
            self._cache[audience] = (expires, header)
            return header


if __name__ == "__main__":  # python -m watch.push.webpush.vapid: a key for WATCH_VAPID_PRIVATE_KEY, no app needed
    import sys

    pem, public = generate_vapid_keypair()
    print(pem.decode("ascii").strip())
    print(f"# public key (applicationServerKey): {public}", file=sys.stderr)
