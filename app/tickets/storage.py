"""Where attachment bytes live, behind a small interface.

The default keeps files under ``SPORTELLO_UPLOAD_FOLDER`` with random names;
several hosts can share that folder as a volume, and another implementation
(an object store) only has to provide ``save``, ``open`` and ``delete``.
"""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from typing import BinaryIO, Protocol

from flask import current_app


class AttachmentStorage(Protocol):
    def save(self, stream: BinaryIO, limit: int) -> tuple[str, int]:
        """Store the stream under a new random key; return (key, size in bytes).

        Raises ``TooLarge`` as soon as more than ``limit`` bytes arrive.
        """

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...


class TooLarge(ValueError):
    """The upload is larger than the limit; nothing is kept."""


class LocalStorage:
    """Files in a folder, two levels of sub-folders by key, never under static."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def _path(self, key: str) -> str:
        if not key.isalnum():
            raise ValueError(f"bad storage key {key!r}")
        return os.path.join(self.folder, key[:2], key)

    def save(self, stream: BinaryIO, limit: int) -> tuple[str, int]:
        key = secrets.token_hex(16)
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        size = 0
        with open(path, "wb") as target:
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                if size > limit:
                    target.close()
                    os.remove(path)
                    raise TooLarge(size)
                target.write(chunk)
        return key, size

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def delete(self, key: str) -> None:
        with suppress(FileNotFoundError):
            os.remove(self._path(key))


def get_storage() -> AttachmentStorage:
    extensions = current_app.extensions
    if "sportello.storage" not in extensions:
        folder = current_app.config["SPORTELLO_UPLOAD_FOLDER"]
        extensions["sportello.storage"] = LocalStorage(folder)
    return extensions["sportello.storage"]
