"""Typed SQLAlchemy models.

Public directory data and private data live in two different SQLite files, each with
its own declarative base and its own Alembic history, so that a directory sync can
replace rows without touching anything private and a backup holds only the person's own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names keep Alembic batch migrations on SQLite predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class DirectoryBase(DeclarativeBase):
    """Public data: the directory of groups and where it came from."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PrivateBase(DeclarativeBase):
    """The person's own data. Later revisions add encrypted records here."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DirectorySource(DirectoryBase):
    """A place directory data comes from: the bundled file, an imported file or a feed."""

    __tablename__ = "directory_source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # bundled | file | feed
    location: Mapped[str | None] = mapped_column(Text)  # file path or URL
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DevicePreference(PrivateBase):
    """Device preferences that must be readable while the app is locked.

    Only things the locked app needs live here (theme, the country for the crisis
    lines, whether the welcome was seen). Anything personal belongs in the
    encrypted store instead.
    """

    __tablename__ = "device_preference"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class KeySlot(PrivateBase):
    """The data key, wrapped (encrypted) by one way of unlocking: a passphrase, the
    one-time recovery code, or a key kept in the OS keyring."""

    __tablename__ = "key_slot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(20), unique=True)  # passphrase | recovery | keyring
    kdf: Mapped[str] = mapped_column(Text)  # JSON: algorithm and parameters, with the salt
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)  # nonce || AES-GCM(data key)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PrivateRecord(PrivateBase):
    """One private record, encrypted. Only what ordering needs stays plain."""

    __tablename__ = "private_record"
    __table_args__ = (Index("ix_private_record_kind_occurred", "kind", "occurred_at", "id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)  # nonce || AES-256-GCM(JSON payload)
