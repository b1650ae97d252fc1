"""The files of a drop folder, on disk: which are ready to import, how they
are opened and where they go once imported. Pure Python, no ORM
(``clinic.loyalty.pms.profile`` decides what to import and reports)."""

import logging
import os
import stat
import time

_logger = logging.getLogger(__name__)

SETTLE_SECONDS = 60  # a file younger than this may still be being written by the PMS
SUBFOLDERS = ("processed", "failed")


def open_nofollow(path):
    return os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb")


def open_pair(stack, path, client_path=None):
    """(lines file, client file or None) opened in ``stack`` (never through
    a link); raises OSError when one is gone or unreadable."""
    fileobj = stack.enter_context(open_nofollow(path))
    return fileobj, stack.enter_context(open_nofollow(client_path)) if client_path else None


def make_subfolders(folder):
    """Create processed/ and failed/ in ``folder`` when missing; returns the
    path of one that is not a real folder (a link, a plain file), else None.
    lstat first: a link (files would move out of the folder) or a plain file
    in its place is refused, never followed or replaced."""
    for sub in SUBFOLDERS:
        path = os.path.join(folder, sub)
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            os.mkdir(path, mode=0o750)
            mode = os.lstat(path).st_mode
        if not stat.S_ISDIR(mode):
            return path
    return None


def settled_files(folder, bad_name):
    """Yield (name, path) of the regular, settled, non-hidden files directly
    in ``folder`` (never a symlink, never a sub-folder), by name; a name the
    database cannot store (not UTF-8) is left in place and passed to
    ``bad_name`` (readable, undecodable bytes replaced)."""
    now = time.time()
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
            continue
        try:
            entry.name.encode("utf-8")
        except UnicodeEncodeError:
            bad_name(entry.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
            continue
        if now - entry.stat(follow_symlinks=False).st_mtime < SETTLE_SECONDS:
            continue
        yield entry.name, entry.path


def file_away(folder, path, name, done, stamp, report):
    """Move an imported file to processed/ (``done``) or failed/, named
    ``<stamp>-<name>``, with ``report`` beside it. A move that fails is
    logged: the file stays, and is imported again (idempotent) next time."""
    dest = os.path.join(folder, "processed" if done else "failed", f"{stamp}-{name}")
    try:
        os.replace(path, dest)
        fd = os.open(dest + ".report.txt", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o640)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(report or "")
    except OSError as e:
        _logger.error("PMS import: cannot move %s to %s: %s", path, dest, e)


def too_large(fileobjs, limit):
    """Whether one of the open files (None passed over) holds more than
    ``limit`` bytes."""
    return any(os.fstat(f.fileno()).st_size > limit for f in fileobjs if f)
