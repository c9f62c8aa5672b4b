"""The one family of expected failures: each carries a message a person can act on."""

from __future__ import annotations

import errno

import click


class KitgenError(click.ClickException):
    """An expected failure: printed as `Error: <message>`, exit code 1."""

    exit_code = 1


class ContentError(KitgenError):
    """One or more problems in a workspace's files, each a full line of its own."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def format_message(self) -> str:
        return "\n       ".join(self.problems)


class UsageProblem(KitgenError):
    """The command was asked for something that does not exist: exit code 2."""

    exit_code = 2


# What a person can do about the usual reasons a write or read fails.
_ADVICE = {
    errno.ENOSPC: "free some space and build again",
    errno.EDQUOT: "free some space (disk quota) and build again",
    errno.EACCES: "check the permissions of that folder",
    errno.EPERM: "check the permissions of that folder",
    errno.EROFS: "the disk is read-only; choose another folder",
    # The output is swapped by renaming: it cannot be a mount point or on another disk.
    errno.EXDEV: "the output must be a plain folder on the same disk as its parent folder",
    errno.EBUSY: "the output must be a plain folder, not a mount point",
}


def io_problem(exc: OSError, where: str = "") -> str:
    """Describe a failed read or write as one line: `<file>: <problem> — <what to do>`."""
    # A failed copy or rename names its destination second: that is where the write failed.
    where = where or str(exc.filename2 or exc.filename or "kitgen")
    reason = exc.strerror or str(exc)
    advice = _ADVICE.get(exc.errno or 0, "check the disk and build again")
    return f"{where}: cannot read or write ({reason}) — {advice}"
