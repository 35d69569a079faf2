"""A directory worth backing up, and what "restored byte for byte" means for it.

`snapshot` records, for every entry below the root: its type; for files the
whole content; for symlinks the target; the permission bits, owner and group
and modification time (whole seconds: tar keeps no more) of every entry; and
which files are hard links of each other. These are what freezer-agent's tar
engine preserves (GNU tar, --preserve-permissions --same-owner on backup;
ownership is restored when the agent runs as root, as in CI). Access and
change times are not compared: no restore can keep them.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

# Fixed times, long past, so a restore that set "now" is caught.
MTIME_FILE = 1_600_000_000
MTIME_LINK = 1_500_000_000
MTIME_DIRS = {
    "docs": 1_400_000_000,
    "docs/nested": 1_300_000_000,
    "docs/nested/deeper": 1_200_000_000,
    "private": 1_100_000_000,
    "empty_dir": 1_000_000_000,
    "bin": 900_000_000,
}
# An owner that is nobody on the machine, when the tests may give files away (root).
OTHER_OWNER = 4242


def make_tree(root: Path, seed: bytes = b"") -> Path:
    """Files of every kind the fs mode meets: text, binary, empty, executable, private, odd names, links."""
    for directory in MTIME_DIRS:
        (root / directory).mkdir(parents=True, exist_ok=True)
    (root / "docs" / "readme.txt").write_text("Restore me exactly.\n" * 50 + seed.hex())
    (root / "docs" / "nested" / "deeper" / "blob.bin").write_bytes(os.urandom(1 << 20) + seed)
    (root / "empty.txt").write_bytes(b"")
    (root / "spaced name ü.txt").write_text("non-ASCII name, spaces\n")
    (root / "bin" / "run.sh").write_text("#!/bin/sh\necho restored\n")
    (root / "bin" / "run.sh").chmod(0o755)
    (root / "private" / "key.pem").write_bytes(os.urandom(64))
    (root / "private" / "key.pem").chmod(0o600)
    (root / "private").chmod(0o700)
    os.link(root / "docs" / "readme.txt", root / "readme-hardlink.txt")
    os.symlink("docs/readme.txt", root / "readme-symlink")
    if os.geteuid() == 0:
        os.chown(root / "private" / "key.pem", OTHER_OWNER, OTHER_OWNER)
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, (MTIME_FILE, MTIME_FILE))
    os.utime(root / "readme-symlink", (MTIME_LINK, MTIME_LINK), follow_symlinks=False)
    # Deepest first: setting a directory's times does not touch its parent's.
    for directory in sorted(MTIME_DIRS, key=len, reverse=True):
        os.utime(root / directory, (MTIME_DIRS[directory], MTIME_DIRS[directory]))
    return root


def snapshot(root: Path) -> dict[str, tuple]:
    """{relative path: what a byte-for-byte restore must reproduce} for every entry below `root`."""
    entries: dict[str, tuple] = {}
    inodes: dict[int, list[str]] = {}
    for directory, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            path = Path(directory, name)
            relative = path.relative_to(root).as_posix()
            info = os.lstat(path)
            common = (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid, int(info.st_mtime))
            if stat.S_ISLNK(info.st_mode):
                entries[relative] = ("symlink", os.readlink(path), *common)
            elif stat.S_ISDIR(info.st_mode):
                entries[relative] = ("dir", *common)
            elif stat.S_ISREG(info.st_mode):
                entries[relative] = ("file", path.read_bytes(), *common)
                inodes.setdefault(info.st_ino, []).append(relative)
            else:
                entries[relative] = ("other", stat.S_IFMT(info.st_mode), *common)
    for paths in inodes.values():
        for relative in paths:
            entries[relative] += (tuple(sorted(paths)),)
    return entries


def differences(expected: dict[str, tuple], actual: dict[str, tuple]) -> list[str]:
    """What differs, readably (file contents by size and digest, not bytes)."""

    def shown(entry: tuple) -> tuple:
        return tuple(
            f"<{len(part)} bytes, sha256 {hashlib.sha256(part).hexdigest()[:16]}>" if isinstance(part, bytes) else part
            for part in entry
        )

    found = [f"missing: {path}" for path in sorted(expected.keys() - actual.keys())]
    found += [f"unexpected: {path}" for path in sorted(actual.keys() - expected.keys())]
    found += [
        f"{path}: {shown(expected[path])} != {shown(actual[path])}"
        for path in sorted(expected.keys() & actual.keys())
        if expected[path] != actual[path]
    ]
    return found
