"""The error a rule file or rule directory raises when it fails validation (its own module:
the command line catches it without loading the rule file readers)."""

from __future__ import annotations


class RuleFileError(Exception):
    """A rule file (or directory) failed validation; ``problems`` lists every one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in rule files:\n" + "\n".join(problems))
