"""What an SQLite error means for the learner, in one line, and the marker of a damaged database:
once an error says the file is damaged, a file beside it (`quizzer.sqlite3.damaged`) stops every
later write (`Store` checks for it) until `quizzer check` finds the database sound again."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import suppress
from pathlib import Path

DAMAGED_SUFFIX = ".damaged"


def marker(path: Path) -> Path:
    """The file whose presence says damage was found in the database at `path`."""
    return path.with_name(path.name + DAMAGED_SUFFIX)


def explain_unguarded(exc: sqlite3.DatabaseError, path: Path) -> str:
    """The message for an SQLite error raised outside a store's guard (while a cursor's rows were
    read); damage is noted beside the database in use (`path`), as `Store` does."""
    if is_damage(exc) and path.is_file():
        with suppress(OSError):
            marker(path).write_text(f"{exc}\n", encoding="utf-8")
    return explain(path, exc)


def damage_behind(exc: Exception, path: Path) -> str | None:
    """The message for an unexpected error `exc` when the database in use (`path`) is damaged
    (one flipped bit can give a stored value another type, which SQLite notices only when it
    checks the file), the damage noted beside it as `Store` does; None when it checks sound."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = [str(r[0]) for r in db.execute("PRAGMA integrity_check(1)")]
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        found = [str(error)]
    if found == ["ok"]:
        return None
    reason = f"database disk image is malformed: {found[0]} ({type(exc).__name__}: {exc})"
    with suppress(OSError):
        marker(path).write_text(f"{reason}\n", encoding="utf-8")
    return explain(path, sqlite3.DatabaseError(reason))


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is damaged (or is not a database)."""
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc)


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 64 * 1024
    except OSError:
        return False


def explain(path: Path, exc: sqlite3.DatabaseError) -> str:
    """The one-line message for an SQLite error on the database at `path`."""
    text = str(exc)
    if "not a database" in text:  # SQLite cannot even read the header: check could say no more
        return (
            f"{path}: not a quizzer database, or damaged beyond reading ({text}); nothing is "
            "written to it. Restore it from a backup, or move it aside and point --data-dir "
            "elsewhere."
        )
    if "malformed" in text or "disk image" in text:
        return (
            f"{path}: not a quizzer database, or damaged ({text}); nothing more is written to "
            "it. Run 'quizzer check', or move it aside and point --data-dir elsewhere."
        )
    if "locked" in text or "busy" in text:
        return f"{path}: the database stayed locked by another quizzer for too long ({text})"
    if "full" in text or _disk_full(path):
        # SQLite says "disk I/O error" when it cannot even create its WAL index on a full disk
        return f"{path}: the disk is full; nothing was written. Free some space ({text})"
    if "readonly" in text or "read-only" in text:
        return f"{path}: the database is read-only ({text})"
    return f"{path}: database error: {text}"
