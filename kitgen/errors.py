"""The one family of expected failures: each carries a message a person can act on."""

from __future__ import annotations

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
