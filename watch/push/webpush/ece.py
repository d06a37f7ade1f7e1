"""RFC 8291 message encryption (aes128gcm, one record) with `cryptography` and the stdlib.

http_ece (what pywebpush uses) does the same work ~3x slower per message; the test
push service decrypts every message with http_ece, which proves the two interoperate.
"""
from __future__ import annotations

import hmac
import os

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from watch.push.webpush.endpoints import InvalidSubscription, decode_b64url, load_p256dh

_KEY_INFO = b"WebPush: info\x00"
_CEK_INFO = b"Content-Encoding: aes128gcm\x00\x01"
_NONCE_INFO = b"Content-Encoding: nonce\x00\x01"
_RECORD_SIZE = 4096


def encrypt_payload(payload: bytes, p256dh_b64: str, auth_b64: str) -> bytes:
    """Encrypt one message body as aes128gcm (RFC 8291, one record) with a fresh ephemeral ECDH key."""
    receiver = load_p256dh(p256dh_b64)
    auth = decode_b64url(auth_b64)
    if len(auth) != 16:
        raise InvalidSubscription("auth", "keys.auth must decode to exactly 16 bytes")
    if len(payload) + 17 > _RECORD_SIZE:
        raise ValueError("payload does not fit one aes128gcm record")
    # A fresh key per message is required: reusing one would reuse the content key and nonce.
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    sender_pub = ephemeral.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    receiver_pub = decode_b64url(p256dh_b64)
    shared = ephemeral.exchange(ec.ECDH(), receiver)
    # HKDF with one output block is two HMACs (RFC 5869): stdlib hmac.digest, no HKDF objects.
    prk_key = hmac.digest(auth, shared, "sha256")
    ikm = hmac.digest(prk_key, _KEY_INFO + receiver_pub + sender_pub + b"\x01", "sha256")
    salt = os.urandom(16)
    prk = hmac.digest(salt, ikm, "sha256")
    cek = hmac.digest(prk, _CEK_INFO, "sha256")[:16]
    nonce = hmac.digest(prk, _NONCE_INFO, "sha256")[:12]
    # One record, so it is the last one: delimiter 0x02, no padding (RFC 8188 section 2).
    ciphertext = AESGCM(cek).encrypt(nonce, payload + b"\x02", None)
    return salt + _RECORD_SIZE.to_bytes(4, "big") + bytes((len(sender_pub),)) + sender_pub + ciphertext
