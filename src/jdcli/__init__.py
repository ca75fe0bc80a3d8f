"""jdcli: analytics for drug-control program statistics, computed from data and shown exactly.

The Python API is the engine the command line runs, one function per command::

    import jdcli
    r = jdcli.occupancy("census.csv", by=["region"], freq="month")
    r.frame      # a pandas DataFrame: exactly the columns and values of ``-f csv``
    r.notes      # the warnings and notes the command line prints on stderr

The first argument is a path, a pandas DataFrame or None (the bundled data); keyword
arguments are named after the command's options, with ``columns={canonical: actual}`` for
``--col`` and ``filters={column: value or [values]}`` for ``--filter`` (a key ending in ``!``
leaves those values out, as ``--filter 'COL!=VALUE'``). Errors are :class:`JdcliError` (a
``ValueError``) with the command line's one-line message; nothing is printed.
``import jdcli`` imports no pandas until a function runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jdcli.errors import CheckFailed, InputError, JdcliError, UsageError
from jdcli.notes import Note
from jdcli.result import Result

if TYPE_CHECKING:
    from jdcli.analyses.inputs import Source

__version__ = "0.1.0"

__all__ = [
    "CheckFailed",
    "InputError",
    "JdcliError",
    "Note",
    "Result",
    "UsageError",
    "__version__",
    "occupancy",
    "report",
    "staffing",
    "trends",
    "verify",
]


def _run(command: str, *args: Any, **options: Any) -> Result:
    """``analyses.<command>.run`` with its notes collected onto the result (never printed)."""
    from importlib import import_module

    from jdcli.notes import collecting

    run: Callable[..., Result] = import_module(f"jdcli.analyses.{command}").run
    with collecting() as found:
        result = run(*args, **options)
    return result.with_notes(found)


def occupancy(source: Source = None, **options: Any) -> Result:
    """Bed occupancy (Σ occupied ÷ Σ capacity) per facility, region or period: ``jdcli
    occupancy``. Options: ``by``, ``freq``, ``as_of``, ``bands``, ``total``, ``explain``,
    ``fail_above``, ``keep_total_rows``, ``strict``, ``columns``, ``filters``, ``encoding``."""
    return _run("occupancy", source, **options)


def trends(source: Source = None, **options: Any) -> Result:
    """Year-on-year (同比) or sequential (环比) changes per series: ``jdcli trends``. Options:
    ``by``, ``compare``, ``rate``, ``summary``, ``index``, ``since``, ``until``, ``metrics``,
    ``columns``, ``filters``, ``encoding``, ``strict`` and the others of ``jdcli trends``."""
    return _run("trends", source, **options)


def staffing(source: Source = None, **options: Any) -> Result:
    """Staffing ratios (share, per N, caseload), targets and parts of a total: ``jdcli
    staffing``. Options: ``staff``, ``base``, ``ratio``, ``per``, ``target``, ``base_file``,
    ``parts``, ``total_col``, ``compare``, ``by``, ``total``, ``explain``, ``keep_total_rows``,
    ``strict``, ``columns``, ``filters``, ``encoding``."""
    return _run("staffing", source, **options)


def verify(claims: Any = None, **options: Any) -> Result:
    """Check published figures against their inputs: ``jdcli verify``. ``claims`` is a list of
    claims (``"7020/7654 = 91.72%"``), a claims file or DataFrame, or None for the bundled
    claims. ``failure`` on the result says when a claim failed (the command line exits 1)."""
    return _run("verify", claims, **options)


def report(dataset: Any = None, **options: Any) -> Result:
    """One report of a dataset package (a folder with ``datapackage.json`` or a bundled
    dataset's name): ``sections`` are the commands' results, ``key_figures`` the panel."""
    return _run("report", dataset, **options)
