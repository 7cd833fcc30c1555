"""Check a crypto backend against the shared vectors (``tests/vectors/crypto.json``).

Used by pytest with the native backend and by the PWA's ``selftest.html`` in the browser,
so both implementations are held to the same bytes.
"""

from __future__ import annotations

from services.privacy import backends, crypto


def check_vectors(vectors: dict, backend: backends.CryptoBackend) -> list[str]:
    """Every mismatch as a readable line; an empty list means the backend agrees."""
    failures: list[str] = []
    for i, v in enumerate(vectors["aes_gcm"]):
        key, nonce, aad = bytes.fromhex(v["key"]), bytes.fromhex(v["nonce"]), bytes.fromhex(v["aad"])
        plaintext, ciphertext = bytes.fromhex(v["plaintext"]), bytes.fromhex(v["ciphertext"])
        if backend.aesgcm_encrypt(key, nonce, plaintext, aad) != ciphertext:
            failures.append(f"aes_gcm[{i}]: encryption differs")
        if backend.aesgcm_decrypt(key, nonce, ciphertext, aad) != plaintext:
            failures.append(f"aes_gcm[{i}]: decryption differs")
        tampered = bytearray(ciphertext)
        tampered[-1] ^= 1
        try:
            backend.aesgcm_decrypt(key, nonce, bytes(tampered), aad)
            failures.append(f"aes_gcm[{i}]: a changed tag was accepted")
        except backends.InvalidCiphertext:
            pass
    for i, v in enumerate(vectors["scrypt"]):
        got = backend.scrypt(v["secret"].encode(), v["salt"].encode(), v["n"], v["r"], v["p"], v["dklen"])
        if got.hex() != v["key"]:
            failures.append(f"scrypt[{i}]: derived key differs")
    slot = vectors["key_slot"]
    previous = backends._backend
    backends.set_backend(backend)
    try:
        kek = crypto.derive_key(slot["passphrase"], slot["params"])
        data_key = crypto.unwrap_key(bytes.fromhex(slot["wrapped"]), kek, "passphrase")
        if data_key.hex() != slot["data_key"]:
            failures.append("key_slot: unwrapped data key differs")
        aad = crypto.record_aad(slot["record_kind"], slot["record_id"])
        if crypto.open_sealed(data_key, bytes.fromhex(slot["record_sealed"]), aad).decode() != slot["record_plaintext"]:
            failures.append("key_slot: record differs")
        # And the other way round: what this backend seals, the format opens.
        resealed = crypto.seal(data_key, b"round trip", aad)
        if crypto.open_sealed(data_key, resealed, aad) != b"round trip":
            failures.append("key_slot: own seal does not open")
    except Exception as error:  # noqa: BLE001 - any failure here is a mismatch to report
        failures.append(f"key_slot: {type(error).__name__} {error}")
    finally:
        backends.set_backend(previous)
    return failures


def check_signature_vectors(vectors: dict) -> list[str]:
    """Publishers' Ed25519 signatures (``vectors["ed25519"]``: RFC 8032's and a feed signed
    while rotating keys) checked by this build's verifier: ``cryptography`` natively, the
    bundled ``@noble/curves`` in the browser. Every mismatch as a readable line."""
    from services.sync import signing  # noqa: PLC0415 - only the checks need it

    failures: list[str] = []
    for i, v in enumerate(vectors["ed25519"]):
        try:
            signing.verify_bytes(v["public_key"], bytes.fromhex(v["message"]), v["signature_file"])
            verified = True
        except signing.BadSignature:
            verified = False
        except Exception as error:  # noqa: BLE001 - any failure here is a mismatch to report
            failures.append(f"ed25519[{i}] ({v['note']}): {type(error).__name__} {error}")
            continue
        if verified != v["valid"]:
            failures.append(f"ed25519[{i}] ({v['note']}): {'accepted' if verified else 'refused'}")
    return failures
