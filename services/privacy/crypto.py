"""The cryptography Kindred uses, in one place.

- Records: AES-256-GCM under a random 256-bit data key, 96-bit random nonce, with
  associated data that binds the ciphertext to its record id and kind (a ciphertext
  copied to another row fails to decrypt).
- Key wrapping: the data key is encrypted with AES-256-GCM under a key-encryption key
  derived from a passphrase or recovery code with scrypt (N=2^17, r=8, p=1: OWASP's
  recommendation, 128 MiB of memory), or taken from the OS keyring. Slots made with the
  earlier N=2^15 are re-wrapped at their next unlock. Passphrases are NFC-normalised.

The primitives come from ``services.privacy.backends``: ``cryptography`` and
``hashlib.scrypt`` natively, the browser's WebCrypto and bundled scrypt under Pyodide —
the same bytes either way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import unicodedata

from services.privacy.backends import InvalidCiphertext, get_backend

KEY_BYTES = 32
NONCE_BYTES = 12
SCRYPT_PARAMS = {"n": 2**17, "r": 8, "p": 1}  # passphrase, recovery code, backups (OWASP)
PIN_SCRYPT_PARAMS = {"n": 2**14, "r": 8, "p": 1}  # the PIN's hash (a screen lock)
# The one place new key-derivation costs are read from. Tests swap in cheap costs through
# one fixture (tests/conftest.py); stored parameters always travel with what they protect.
KDF_COSTS = {"key": SCRYPT_PARAMS, "pin": PIN_SCRYPT_PARAMS}
# Parameters read from a key slot or a backup header are used before anything can be
# authenticated, so they are bounded: p = 600 would cost a minute, larger values hours.
# Smaller costs only make a wrong guess fail sooner (what Kindred writes is KDF_COSTS), and
# slots below the current costs are re-wrapped at their next unlock.
STORED_N_RANGE = (2**10, 2**18)
RECORD_AAD_PREFIX = b"kindred/record/v1"
WRAP_AAD_PREFIX = b"kindred/key-wrap/v1"
SUMMARY_AAD_PREFIX = b"kindred/summary/v1"


class DecryptionError(Exception):
    """A ciphertext was tampered with, moved, truncated, or encrypted under another key."""


class WrongSecret(Exception):
    """The passphrase or recovery code does not unlock this data."""


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


KEY_ID_LABEL = b"kindred/key-id/v1"


def key_id(data_key: bytes) -> str:
    """A short public name for a data key (HMAC-SHA256 of a fixed label under the key):
    tells keys apart without revealing anything about them."""
    return hmac.new(data_key, KEY_ID_LABEL, hashlib.sha256).hexdigest()[:32]


def record_aad(kind: str, record_id: str) -> bytes:
    return b"|".join((RECORD_AAD_PREFIX, kind.encode(), record_id.encode()))


def summary_aad(name: str, generation: int) -> bytes:
    """A summary is bound to its name and to the generation it was built from: a summary
    row given another generation, or moved under another name, does not decrypt."""
    return b"|".join((SUMMARY_AAD_PREFIX, name.encode(), str(generation).encode()))


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + get_backend().aesgcm_encrypt(key, nonce, plaintext, aad)


def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < NONCE_BYTES + 16:
        raise DecryptionError("the encrypted data is truncated")
    try:
        return get_backend().aesgcm_decrypt(key, sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidCiphertext as error:
        raise DecryptionError("the encrypted data was changed or belongs elsewhere") from error


def new_kdf_params(purpose: str = "key") -> dict:
    """Fresh scrypt parameters and salt for a new key slot, backup (``key``) or PIN hash (``pin``)."""
    return {"algorithm": "scrypt", **KDF_COSTS[purpose], "salt": base64.b64encode(os.urandom(16)).decode()}


def checked_kdf_params(params) -> dict:
    """``params`` as read from a file or a key slot, if within what Kindred writes; else ValueError."""
    if not isinstance(params, dict) or params.get("algorithm") != "scrypt":
        raise ValueError("unsupported key derivation")
    n, r, p = params.get("n"), params.get("r"), params.get("p")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (n, r, p)):
        raise ValueError("key derivation settings are not whole numbers")
    costs = KDF_COSTS.values()  # what this process writes (cheap in tests) is always accepted
    low = min(STORED_N_RANGE[0], *(c["n"] for c in costs))
    high = max(STORED_N_RANGE[1], *(c["n"] for c in costs))
    if n & (n - 1) or not low <= n <= high or r not in {8, *(c["r"] for c in costs)} or p not in {1, *(c["p"] for c in costs)}:
        raise ValueError(f"key derivation settings n={n}, r={r}, p={p} are outside what Kindred writes")
    try:
        salt = base64.b64decode(params.get("salt") or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ValueError("the key derivation salt is not valid") from None
    if not 16 <= len(salt) <= 64:
        raise ValueError("the key derivation salt is not valid")
    return params


def is_current(params: dict) -> bool:
    """True when a slot's settings are the ones new slots get (else re-wrap it)."""
    return all(params.get(k) == v for k, v in KDF_COSTS["key"].items())


def normalise_passphrase(passphrase: str) -> str:
    """NFC: the same passphrase typed on another keyboard or system gives the same bytes."""
    return unicodedata.normalize("NFC", passphrase)


def passphrase_forms(passphrase: str) -> list[str]:
    """The forms to try, NFC first: slots made before normalisation used the bytes as typed."""
    forms = [normalise_passphrase(passphrase)]
    for other in (passphrase, unicodedata.normalize("NFD", passphrase)):
        if other not in forms:
            forms.append(other)
    return forms


def derive_key(secret: str, params: dict) -> bytes:
    if params.get("algorithm") != "scrypt":
        raise ValueError(f"unsupported key derivation {params.get('algorithm')!r}")
    n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
    return get_backend().scrypt(secret.encode("utf-8"), base64.b64decode(params["salt"]), n, r, p, KEY_BYTES)


def wrap_key(data_key: bytes, wrapping_key: bytes, method: str) -> bytes:
    return seal(wrapping_key, data_key, WRAP_AAD_PREFIX + b"|" + method.encode())


def unwrap_key(wrapped: bytes, wrapping_key: bytes, method: str) -> bytes:
    try:
        return open_sealed(wrapping_key, wrapped, WRAP_AAD_PREFIX + b"|" + method.encode())
    except DecryptionError as error:
        raise WrongSecret() from error


RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to copy by hand


def new_recovery_code() -> str:
    """24 characters in groups of four: about 119 bits of randomness."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(24))
    return "-".join(chars[i : i + 4] for i in range(0, 24, 4))


def normalise_recovery_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def dumps_payload(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def loads_payload(data: bytes) -> dict:
    return json.loads(data.decode("utf-8"))
