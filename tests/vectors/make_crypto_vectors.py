"""Regenerate tests/vectors/crypto.json with the native backend: ``uv run python tests/vectors/make_crypto_vectors.py``.

The file is committed; the native test and the in-browser self-test both check it. Run this
only when adding vectors (fixed seeds keep the output stable).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from pathlib import Path

from services.privacy import crypto
from services.privacy.backends import NativeBackend

OUT = Path(__file__).with_name("crypto.json")


def main() -> None:
    rng = random.Random(8)
    native = NativeBackend()
    aes = []
    for length, aad_length in ((0, 0), (1, 5), (15, 0), (16, 16), (17, 40), (1000, 3), (4099, 64)):
        key, nonce = rng.randbytes(32), rng.randbytes(12)
        plaintext, aad = rng.randbytes(length), rng.randbytes(aad_length)
        aes.append(
            {
                "key": key.hex(), "nonce": nonce.hex(), "aad": aad.hex(), "plaintext": plaintext.hex(),
                "ciphertext": native.aesgcm_encrypt(key, nonce, plaintext, aad).hex(),
            }
        )
    scrypt = [
        # RFC 7914, section 12
        {"secret": "", "salt": "", "n": 16, "r": 1, "p": 1, "dklen": 64},
        {"secret": "password", "salt": "NaCl", "n": 1024, "r": 8, "p": 16, "dklen": 64},
        # Kindred's own parameters, with a non-ASCII passphrase
        {"secret": "correct horse — battery staple ☕", "salt": "kindred-salt-16b", "n": 2**15, "r": 8, "p": 1, "dklen": 32},
    ]
    for vector in scrypt:
        vector["key"] = hashlib.scrypt(
            vector["secret"].encode(), salt=vector["salt"].encode(), n=vector["n"], r=vector["r"], p=vector["p"],
            maxmem=256 * 1024 * 1024, dklen=vector["dklen"],
        ).hex()
    # A whole key slot, as the vault stores it: passphrase -> KEK -> wrapped data key -> a record.
    passphrase = "a long walk by the sea"
    params = {"algorithm": "scrypt", **crypto.SCRYPT_PARAMS, "salt": base64.b64encode(rng.randbytes(16)).decode()}
    data_key = rng.randbytes(32)
    kek = crypto.derive_key(passphrase, params)
    slot = {
        "passphrase": passphrase, "params": params, "data_key": data_key.hex(),
        "wrapped": crypto.wrap_key(data_key, kek, "passphrase").hex(),
        "record_kind": "journal_entry", "record_id": "entry-1",
        "record_plaintext": "Felt calmer after the walk. 🌊",
        "record_sealed": crypto.seal(data_key, "Felt calmer after the walk. 🌊".encode(), crypto.record_aad("journal_entry", "entry-1")).hex(),
    }
    OUT.write_text(json.dumps({"aes_gcm": aes, "scrypt": scrypt, "key_slot": slot}, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
