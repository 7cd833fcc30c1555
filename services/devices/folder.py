"""The sync folder's files: what they are called, how they are sealed, written and read.

- **Change files** have random names of 32 hex digits and no extension: a name says
  nothing about the person, the device or the records. Each holds one device's record
  versions, as zlib-compressed JSON sealed with AES-256-GCM under a key derived from the
  data key (HMAC-SHA256 of a fixed label), the file's name bound in as associated data (a
  file renamed or copied over another fails to open). Before sealing, the data is padded
  to a power of two (at least 4 KiB), so a file's size says little about what it holds.
  A file is written once under a temporary name, flushed and renamed: it is never changed
  afterwards, so a name already merged never needs reading again.
- **The join file** (``kindred-join.key``) holds the data key wrapped under the recovery
  code (the recovery slot, as the vault keeps it): with the code, a second device gets the
  same data key; without it, nothing. Its scrypt settings are bounded before use. Its
  ``stamp`` (sealed under a key from the data key, fixed length) binds the slot to the data
  key and says when its code was made (hybrid clock, device id): devices take the newest
  slot, so a new recovery code reaches every device and an older slot never comes back.
- **The pairing file** (``kindred-pair.key``, only while a pairing is open) holds the data key
  wrapped under a one-time pairing code, made as the recovery code is (same alphabet and
  length, same scrypt settings: never easier to guess), with its expiry time bound into the
  wrapping. The device that joins with it deletes it; the first device deletes it once expired.
- Everything else is ignored: Syncthing's temporary files (``.syncthing.NAME.tmp``,
  ``~syncthing~NAME.tmp``), its ``.sync-conflict-`` copies, our own ``.NAME.*.tmp``, and a
  file still being copied under its final name (it does not authenticate yet: it is left
  for the next sync, and counted).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
import struct
import zlib
from pathlib import Path

from services.private_files import PRIVATE_MODE, read_limited
from services.privacy import crypto
from services.i18n import _

CHANGE_FILE = re.compile(r"^[0-9a-f]{32}$")
JOIN_FILE = "kindred-join.key"
PAIR_FILE = "kindred-pair.key"
FILE_KEY_LABEL = b"kindred/sync-file-key/v1"
FILE_AAD = b"kindred/sync-file/v1|"
MIN_PADDED = 4096
MAX_CHANGE_FILE_BYTES = 512 * 1024 * 1024
MAX_JOIN_FILE_BYTES = 64 * 1024
FORMAT_VERSION = 1
STAMP_KEY_LABEL = b"kindred/recovery-stamp-key/v1"
STAMP_AAD = b"kindred/recovery-stamp/v1|"
NO_DEVICE = "0" * 32  # the stamp of a slot whose age is not known: older than any other


class SyncFolderError(ValueError):
    """A problem with the sync folder the person can act on (message is for them)."""


def file_key(data_key: bytes) -> bytes:
    return hmac.new(data_key, FILE_KEY_LABEL, hashlib.sha256).digest()


def new_name() -> str:
    return secrets.token_hex(16)


def padded_size(length: int) -> int:
    size = MIN_PADDED
    while size < length:
        size *= 2
    return size


def seal_change_file(data_key: bytes, name: str, document: dict) -> bytes:
    body = zlib.compress(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)
    framed = struct.pack(">I", len(body)) + body
    framed += b"\0" * (padded_size(len(framed)) - len(framed))
    return crypto.seal(file_key(data_key), framed, FILE_AAD + name.encode("ascii"))


def open_change_file(data_key: bytes, name: str, data: bytes) -> dict:
    """The document, or ``crypto.DecryptionError`` (incomplete, changed, another key) /
    ``ValueError`` (not a change file Kindred can read)."""
    framed = crypto.open_sealed(file_key(data_key), data, FILE_AAD + name.encode("ascii"))
    if len(framed) < 4:
        raise ValueError("too short")
    (length,) = struct.unpack(">I", framed[:4])
    if length > len(framed) - 4:
        raise ValueError("length beyond the data")
    document = json.loads(zlib.decompress(framed[4 : 4 + length]).decode("utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("versions"), list):
        raise ValueError("not a change file")
    if int(document.get("format", 0)) > FORMAT_VERSION:
        raise ValueError("made by a newer Kindred")
    return document


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_atomically(folder: Path, name: str, data: bytes) -> Path:
    """Write under a temporary name (ignored by every reader), flush, rename into place."""
    target = Path(folder) / name
    temporary = Path(folder) / f".{name}.{secrets.token_hex(4)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(Path(folder))
    return target


def change_file_names(folder: Path) -> list[str]:
    """The change files in the folder (names only), oldest first by modification time."""
    try:
        entries = [entry for entry in os.scandir(folder) if CHANGE_FILE.match(entry.name) and entry.is_file()]
    except FileNotFoundError:
        raise SyncFolderError(_("The sync folder {folder} is not there (is the drive connected?). Nothing was changed.").format(folder=folder)) from None
    except OSError as error:
        raise SyncFolderError(_("The sync folder {folder} cannot be read: {strerror}. Nothing was changed.").format(folder=folder, strerror=error.strerror)) from None

    def modified(entry) -> float:
        try:
            return entry.stat().st_mtime
        except OSError:
            return 0.0

    return [entry.name for entry in sorted(entries, key=lambda e: (modified(e), e.name))]


def read_change_file(folder: Path, name: str) -> bytes:
    return read_limited(Path(folder) / name, MAX_CHANGE_FILE_BYTES)


# --- the recovery slot's stamp ----------------------------------------------------------------
def slot_digest(slot: dict) -> str:
    """A digest of a recovery slot as stored (its scrypt settings and wrapped key)."""
    body = json.dumps({"kdf": slot["kdf"], "wrapped_key": base64.b64encode(bytes(slot["wrapped_key"])).decode("ascii")},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def seal_stamp(data_key: bytes, key_id: str, slot: dict, hlc: int, device: str) -> bytes:
    """The slot's stamp: its digest, clock time and device, sealed under a key from the data
    key (only a device holding the data key can make one; a slot swapped under it fails).
    Fixed length, so its size says nothing."""
    device = (str(device) + NO_DEVICE)[:32]
    body = json.dumps({"d": slot_digest(slot), "h": f"{int(hlc):020d}", "v": device}, sort_keys=True).encode("ascii")
    key = hmac.new(data_key, STAMP_KEY_LABEL, hashlib.sha256).digest()
    return crypto.seal(key, body, STAMP_AAD + key_id.encode("ascii"))


def open_stamp(data_key: bytes, key_id: str, slot: dict) -> tuple[int, str] | None:
    """(clock time, device) of a slot read from a file, if its stamp opens under the data
    key and names this very slot; else None (no stamp, damaged, or the slot was swapped)."""
    stamp = slot.get("stamp")
    if not stamp:
        return None
    key = hmac.new(data_key, STAMP_KEY_LABEL, hashlib.sha256).digest()
    try:
        body = json.loads(crypto.open_sealed(key, bytes(stamp), STAMP_AAD + key_id.encode("ascii")).decode("ascii"))
        if not hmac.compare_digest(str(body["d"]), slot_digest(slot)):
            return None
        return int(body["h"]), str(body["v"])
    except (crypto.DecryptionError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


# --- the join file -------------------------------------------------------------------------
def write_join_file(folder: Path, slot: dict, key_id: str, stamp: bytes | None = None) -> None:
    document = {
        "format": "kindred-sync-join",
        "version": FORMAT_VERSION,
        "key_id": key_id,
        "kdf": slot["kdf"],
        "wrapped_key": base64.b64encode(slot["wrapped_key"]).decode("ascii"),
    }
    if stamp is not None:
        document["stamp"] = base64.b64encode(stamp).decode("ascii")
    data = json.dumps(document, sort_keys=True, indent=1).encode("utf-8")
    path = Path(folder) / JOIN_FILE
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomically(folder, JOIN_FILE, data)


def read_join_file(folder: Path) -> dict:
    path = Path(folder) / JOIN_FILE
    try:
        data = read_limited(path, MAX_JOIN_FILE_BYTES)
    except FileNotFoundError:
        raise SyncFolderError(
            _("{folder} is not a Kindred sync folder yet (there is no {join_file}). Link it on your "
              "first device (`kindred devices link FOLDER`) and let your folder tool copy it here. "
              "Nothing was changed.").format(folder=folder, join_file=JOIN_FILE)
        ) from None
    except OSError as error:
        raise SyncFolderError(_("{path} cannot be read: {strerror}. Nothing was changed.").format(path=path, strerror=error.strerror)) from None
    try:
        document = json.loads(data.decode("utf-8"))
        if document.get("format") != "kindred-sync-join":
            raise ValueError("format")
        if int(document.get("version", 0)) > FORMAT_VERSION:
            raise SyncFolderError(_("This sync folder was set up by a newer Kindred. Update Kindred, then try again."))
        stamp = document.get("stamp")
        return {
            "key_id": str(document["key_id"]),
            "kdf": document["kdf"],
            "wrapped_key": base64.b64decode(document["wrapped_key"], validate=True),
            "stamp": base64.b64decode(stamp, validate=True) if isinstance(stamp, str) else None,
        }
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, binascii.Error):
        raise SyncFolderError(_("{path} is damaged or not a Kindred file. Nothing was changed.").format(path=path)) from None


# --- the pairing file -----------------------------------------------------------------------
def pair_method(expires_ms: int) -> str:
    """The wrapping's associated data: the expiry cannot be changed without the code failing."""
    return f"pairing|{int(expires_ms)}"


def write_pair_file(folder: Path, kdf: dict, wrapped_key: bytes, key_id: str, expires_ms: int) -> None:
    document = {
        "format": "kindred-sync-pair",
        "version": FORMAT_VERSION,
        "key_id": key_id,
        "expires": int(expires_ms),
        "kdf": kdf,
        "wrapped_key": base64.b64encode(wrapped_key).decode("ascii"),
    }
    write_atomically(folder, PAIR_FILE, json.dumps(document, sort_keys=True, indent=1).encode("utf-8"))


def read_pair_file(folder: Path) -> dict | None:
    """The open pairing, or None (none, unreadable or damaged: then only the recovery code joins)."""
    try:
        data = read_limited(Path(folder) / PAIR_FILE, MAX_JOIN_FILE_BYTES)
        document = json.loads(data.decode("utf-8"))
        if document.get("format") != "kindred-sync-pair" or int(document.get("version", 0)) > FORMAT_VERSION:
            return None
        return {
            "key_id": str(document["key_id"]),
            "expires": int(document["expires"]),
            "kdf": document["kdf"],
            "wrapped_key": base64.b64decode(document["wrapped_key"], validate=True),
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, binascii.Error):
        return None


def remove_pair_file(folder: Path) -> None:
    try:
        (Path(folder) / PAIR_FILE).unlink()
    except FileNotFoundError:
        pass
    except OSError:
        return
    _fsync_folder(Path(folder))


# --- one file instead of a folder (download here, upload there) ---------------------------------
BUNDLE_FORMAT = "kindred-sync-bundle"
MAX_BUNDLE_BYTES = 512 * 1024 * 1024


def encode_bundle(slot: dict | None, key_id: str, sealed_files: dict[str, bytes], stamp: bytes | None = None) -> bytes:
    join = None if slot is None else {"kdf": slot["kdf"], "wrapped_key": base64.b64encode(slot["wrapped_key"]).decode("ascii")}
    if join is not None and stamp is not None:
        join["stamp"] = base64.b64encode(stamp).decode("ascii")
    document = {
        "format": BUNDLE_FORMAT,
        "version": FORMAT_VERSION,
        "key_id": key_id,
        "join": join,
        "files": {name: base64.b64encode(data).decode("ascii") for name, data in sealed_files.items()},
    }
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def decode_bundle(data: bytes) -> dict:
    if len(data) > MAX_BUNDLE_BYTES:
        raise SyncFolderError(_("That file is too large to be a Kindred sync file. Nothing was changed."))
    try:
        document = json.loads(data.decode("utf-8"))
        if document.get("format") != BUNDLE_FORMAT:
            raise ValueError("format")
        if int(document.get("version", 0)) > FORMAT_VERSION:
            raise SyncFolderError(_("That file was made by a newer Kindred. Update Kindred, then try again."))
        join = document.get("join")
        slot = None
        if join is not None:
            stamp = join.get("stamp")
            slot = {"kdf": join["kdf"], "wrapped_key": base64.b64decode(join["wrapped_key"], validate=True),
                    "stamp": base64.b64decode(stamp, validate=True) if isinstance(stamp, str) else None}
        sealed = {}
        for name, text in document["files"].items():
            if not CHANGE_FILE.match(name):
                raise ValueError("name")
            sealed[name] = base64.b64decode(text, validate=True)
        return {"key_id": str(document["key_id"]), "slot": slot, "files": sealed}
    except SyncFolderError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, binascii.Error):
        raise SyncFolderError(_("That is not a Kindred sync file, or it is damaged. Nothing was changed.")) from None
