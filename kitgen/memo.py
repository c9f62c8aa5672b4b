"""Remember which file contents already passed a check, so an unchanged rebuild re-checks nothing.

Only passes are remembered, keyed by the content's SHA-256 and by a version that
changes with the checking code and its rules: a failure is always found afresh,
with a message that names today's file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


class Passed:
    """The contents that passed one check, kept as empty marker files in the cache."""

    def __init__(self, cache: Path, check: str, inputs: Iterable[bytes]) -> None:
        version = hashlib.sha256(check.encode())
        for data in inputs:
            version.update(hashlib.sha256(data).digest())
        self.folder = cache / "passed" / f"{check}-{version.hexdigest()[:16]}"

    def __contains__(self, digest: str) -> bool:
        return (self.folder / digest).is_file()

    def add(self, digest: str) -> None:
        """Record that content with this SHA-256 passed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / digest).touch()
