"""Report signing keys: one Ed25519 key pair per database (per machine, or shared by a team).

The private key is a PEM file that never enters the database: by default in the data
directory (``keys/<fingerprint>.pem``, created on first use with mode 0600), or the file named
by ``HKSCREEN_SIGNING_KEY`` (a team's shared key; created there if it does not exist). Its
public key and fingerprint are registered in the database (``signing_keys``, append-only), so
``hkscreen verify`` can check a report against every key this database ever signed with, and
``hkscreen keys export`` hands the public keys to an auditor for ``verify --public-key``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import platform
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.errors import SigningError
from screening.paths import data_dir
from screening.runtime import current_user
from screening.store.schema import SigningKey

ENV_SIGNING_KEY = "HKSCREEN_SIGNING_KEY"
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def _message(digest: str) -> bytes:
    """What is signed: the report digest, labelled so a signature means nothing elsewhere."""
    return f"hkscreen report digest {digest}".encode("ascii")


def fingerprint(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_key.public_bytes(*_RAW)).hexdigest()


def public_text(public_key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_key.public_bytes(*_RAW)).decode("ascii")


@dataclass(frozen=True)
class Signer:
    private_key: Ed25519PrivateKey
    path: Path

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @property
    def public_text(self) -> str:
        return public_text(self.public_key)

    def sign(self, digest: str) -> str:
        return base64.b64encode(self.private_key.sign(_message(digest))).decode("ascii")


def signature_valid(public_key: Ed25519PublicKey, digest: str, signature: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature, validate=True), _message(digest))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def _read_private(path: Path) -> Ed25519PrivateKey:
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise SigningError(f"signing key {path} can be read by other users; make it private "
                           f"(chmod 600 {path})")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, OSError) as exc:
        raise SigningError(f"signing key {path} cannot be read: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"signing key {path} is not an Ed25519 private key")
    return key


def _create_private(path: Path, key: Ed25519PrivateKey | None = None) -> Ed25519PrivateKey:
    """Write a new key (mode 0600); if another process wrote one there first, use that."""
    key = key or Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)  # never replaces a key another process created meanwhile
    except FileExistsError:
        return _read_private(path)
    finally:
        tmp.unlink(missing_ok=True)
    return key


def key_dir() -> Path:
    return data_dir() / "keys"


def _register(session: Session, signer: Signer) -> None:
    if session.scalar(select(SigningKey.id).where(
            SigningKey.fingerprint == signer.fingerprint)) is None:
        session.add(SigningKey(fingerprint=signer.fingerprint, public_key=signer.public_text,
                               created_at=dt.datetime.now(dt.UTC), created_by=current_user(),
                               host=platform.node()))
        session.flush()


def signer_for(session: Session) -> Signer:
    """This database's signing key on this machine, created and registered on first use
    (inside the caller's transaction)."""
    try:
        if env := os.environ.get(ENV_SIGNING_KEY):
            path = Path(env).expanduser()
            key = _read_private(path) if path.exists() else _create_private(path)
            signer = Signer(key, path)
        else:
            signer = None
            known = session.scalars(select(SigningKey.fingerprint)
                                    .order_by(SigningKey.id.desc())).all()
            for fp in known:  # the newest key of this database that this machine holds
                path = key_dir() / f"{fp}.pem"
                if path.exists():
                    signer = Signer(_read_private(path), path)
                    break
            if signer is None:
                key = Ed25519PrivateKey.generate()
                path = key_dir() / f"{fingerprint(key.public_key())}.pem"
                signer = Signer(_create_private(path, key), path)
    except OSError as exc:
        raise SigningError(f"cannot create or read the report signing key: "
                           f"{exc.strerror or exc} ({exc.filename or ''})") from None
    _register(session, signer)
    return signer


def database_keys(session: Session) -> dict[str, Ed25519PublicKey]:
    """fingerprint -> public key, for every key this database has signed with."""
    keys = {}
    for row in session.scalars(select(SigningKey)):
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(row.public_key))
        keys[fingerprint(key)] = key
    return keys


def public_keys_pem(keys: list[Ed25519PublicKey]) -> str:
    return "".join(k.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
                   for k in keys)


def load_public_keys(path: Path) -> dict[str, Ed25519PublicKey]:
    """Public keys from a file: PEM blocks (``hkscreen keys export``) or base64 raw keys one a
    line (as printed in a report)."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SigningError(f"{path}: cannot be read as a public key file ({exc})") from None
    keys: list[Ed25519PublicKey] = []
    try:
        if "-----BEGIN PUBLIC KEY-----" in text:
            for block in text.split("-----END PUBLIC KEY-----")[:-1]:
                loaded = serialization.load_pem_public_key(
                    (block.strip() + "\n-----END PUBLIC KEY-----\n").encode("ascii"))
                if not isinstance(loaded, Ed25519PublicKey):
                    raise ValueError("not an Ed25519 public key")
                keys.append(loaded)
        else:
            keys = [Ed25519PublicKey.from_public_bytes(base64.b64decode(line.strip(),
                                                                        validate=True))
                    for line in text.splitlines() if line.strip()]
    except (ValueError, binascii.Error) as exc:
        raise SigningError(f"{path}: not an Ed25519 public key file ({exc})") from None
    if not keys:
        raise SigningError(f"{path}: no public key in the file")
    return {fingerprint(k): k for k in keys}
