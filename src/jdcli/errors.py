"""Exit codes and the exception hierarchy that carries them to the CLI boundary."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit statuses, documented in docs/output.md."""

    OK = 0
    CHECK_FAILED = 1  # verify found a mismatch, --fail-above tripped
    INPUT = 2  # usage or input error the user can fix


class JdcliError(ValueError):
    """An expected error: shown as one ``Error:`` line, never as a traceback; in Python, an
    exception carrying the same one-line message."""

    exit_code: ExitCode = ExitCode.INPUT


class UsageError(JdcliError):
    """Options that contradict each other or name something that does not exist."""


class InputError(JdcliError):
    """A file that cannot be read, decoded, parsed or validated."""


class CheckFailed(JdcliError):
    """A check asked for by the user failed; the data has already been emitted."""

    exit_code = ExitCode.CHECK_FAILED
