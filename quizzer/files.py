"""Reading the files a learner's folders hold, safely: regular files only, of bounded size.

A FIFO named `deck.yaml` would block a plain read forever, and a link to `/dev/zero` would read
until memory runs out; both are refused, as is a file over its limit.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MB = 1024 * 1024
DECK_LIMIT = 8 * MB
"""The largest deck file (and `_order.txt`, `config.toml`) read: 8 MB."""
MEDIA_LIMIT = 64 * MB
"""The largest image or sound file a deck may use: 64 MB."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file (links followed) of at most `limit` bytes; OSError otherwise,
    whose `strerror` says why."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than the {limit // MB} MB limit")
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        raise OSError(errno.EFBIG, f"larger than the {limit // MB} MB limit")
    return data
