"""Read a plain CSV file in record batches, for commands that aggregate as they read.

Only the easy, common case streams: a UTF-8 file on disk (no byte-order mark, no quotes, no
NUL; CRLF line ends are fine), a clean header naming the schema's required columns,
rectangular rows, whole non-negative counts with no missing value, and dates written
``YYYY-MM-DD``. Any
doubt — found before the first batch or in the middle of the file — raises
:class:`NotStreamable` (or gives ``None`` up front), and the caller reads the whole file with
:func:`jdcli.loading.load`, which reports every problem exactly as it always has. Nothing read
here is reported to the user, so a late fallback never repeats or contradicts a message.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jdcli.errors import JdcliError
from jdcli.loading.numbers import MAX_COUNT
from jdcli.loading.schema import Schema, check_required, resolve_columns
from jdcli.memory import use_malloc

if TYPE_CHECKING:
    from concurrent.futures import Future

    import pandas as pd

    from jdcli.loading import Loaded

#: Bytes parsed at a time: about 140,000 census rows. Peak memory grows with it (several
#: chunks are parsed or waiting at once); much smaller chunks cost time per chunk. 4 MB
#: against 8 MB: the same CPU time, 50 MB less peak memory on the 3.65M-row benchmark.
CHUNK_SIZE = 1 << 22
_HEAD = 65536
_TAIL = 16384


T = TypeVar("T")


class NotStreamable(Exception):
    """The input needs the whole-file path (which reports any problem exactly)."""


@dataclass
class Stream:
    """A file opened for batch reading: what :class:`Loaded` would say about it, and how to
    read it. ``loaded.frame`` is empty (the file's columns, canonical names, their dtypes).

    Opening needs no pandas: ``columns`` and ``required`` say what the file holds, and
    :meth:`read_ahead` starts parsing while the caller imports what it needs; ``loaded`` is
    built (pandas imported) when first asked for."""

    schema: Schema
    path: Path
    sep: str
    header: list[str]  # as written, stripped
    name: str
    found: dict[str, str]  # canonical → as written, as ``Loaded.headers``
    required: tuple[str, ...]
    _loaded: Loaded | None = field(default=None, repr=False)
    _ahead: _ReadAhead | None = field(default=None, repr=False)

    @property
    def columns(self) -> dict[str, str]:
        """The file's columns in order, canonical name → ``"number"`` (read as a number,
        ``Float64`` in ``loaded.frame``) or ``"text"``."""
        kinds = {c.name: c.kind for c in self.schema.columns}
        canonical = {actual: name for name, actual in self.found.items()}
        named = (canonical.get(h, h) for h in self.header)
        return {
            name: "number" if kinds.get(name) in ("count", "number") else "text" for name in named
        }

    @property
    def loaded(self) -> Loaded:
        if self._loaded is None:
            import pandas as pd

            from jdcli.loading import Loaded

            dtypes = {"number": "Float64", "text": "str"}
            frame = pd.DataFrame(
                {name: pd.Series([], dtype=dtypes[kind]) for name, kind in self.columns.items()}
            )
            frame.index.name = "line"
            self._loaded = Loaded(
                frame=frame,
                name=self.name,
                path=self.path,
                encoding="utf-8",
                headers=self.found,
                required=self.required,
            )
        return self._loaded

    def read_ahead(
        self, columns: Sequence[str], *, progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Start parsing the canonical ``columns`` now, on worker threads, for a later
        :meth:`batches` asking for these columns (or fewer) to take over; a few blocks are
        parsed ahead, then the workers wait. Needs pyarrow, not pandas: a caller reads while
        it imports the rest. :meth:`close` stops it when no batches will be asked for."""
        self.close()
        self._ahead = _ReadAhead(_chunks(self.path, progress), self._parser(columns), columns)

    def close(self) -> None:
        """Stop a read-ahead that no :meth:`batches` took over (nothing if none)."""
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None

    def batches(
        self,
        columns: Sequence[str],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[pd.DataFrame]:
        """The canonical ``columns`` of each block of rows, index = file line numbers.

        Text columns come as categoricals, ``date`` columns as categoricals of
        ``datetime64[s]`` dates, counts as ``float64`` (whole numbers). Raises
        :class:`NotStreamable` for anything the whole-file path might treat differently or
        report. Blocks already read ahead (:meth:`read_ahead`) of these columns are used.
        """
        ahead = self._take_ahead(columns, progress)
        line = 2
        with contextlib.closing(ahead):
            for table, rows, _ in ahead:
                frame = self.frame(table, columns, line)
                line += rows
                del table
                yield frame
        if line == 2:
            raise NotStreamable  # no data rows: the whole-file path says so

    def blocks(
        self,
        columns: Sequence[str],
        reduce: Callable[[Any, Any], T],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[tuple[int, T]]:
        """``reduce(table, dates)`` of each block of rows, with the block's first line number,
        reduced on the reader's threads (Arrow works there without holding the GIL); a block
        parsed before this was asked for (:meth:`read_ahead`) is reduced here.

        ``table`` is the block as Arrow parsed it (the canonical ``columns``; text and dates
        dictionary-encoded, counts float64), checked as :meth:`batches` checks it; ``dates``
        holds the ``date`` column's distinct dates (``datetime64[s]``, in its dictionary's
        order) or None without one. :meth:`frame` makes a block what :meth:`batches` gives."""
        kinds = {c.name: c.kind for c in self.schema.columns}

        def checked(table: Any) -> T:
            dates = None
            for canonical in columns:
                column = table.column(canonical).chunk(0)
                if kinds.get(canonical) == "count":
                    _counts(column)
                elif kinds.get(canonical) == "date":
                    dates = _date_values(column.dictionary)
            return reduce(table, dates)

        ahead = self._take_ahead(columns, progress, then=checked)
        line = 2
        # Blocks parsed before ``reduce`` was known are reduced on the workers too, all those
        # already waiting at once, then given in order.
        pending: collections.deque[tuple[Any, int, bool]] = collections.deque()
        with contextlib.closing(ahead):
            for value, rows, reduced in ahead:
                pending.append((value if reduced else ahead.submit(checked, value), rows, reduced))
                if not reduced and ahead.waiting():
                    continue
                while pending:
                    item, count, done = pending.popleft()
                    yield line, (item if done else item.result())
                    line += count
            while pending:
                item, count, done = pending.popleft()
                yield line, (item if done else item.result())
                line += count
        if line == 2:
            raise NotStreamable  # no data rows: the whole-file path says so

    def frame(self, table: Any, columns: Sequence[str], line: int) -> pd.DataFrame:
        """A parsed block as :meth:`batches` gives it, its first row on file line ``line``."""
        import pandas as pd

        kinds = {c.name: c.kind for c in self.schema.columns}
        frame: dict[str, Any] = {}
        for canonical in columns:
            column = table.column(canonical).chunk(0)
            kind = kinds.get(canonical, "text")
            if kind == "count":
                frame[canonical] = _counts(column)
            elif kind == "date":
                frame[canonical] = _dates(column)
            else:
                frame[canonical] = pd.Categorical.from_codes(
                    column.indices.to_numpy(),
                    categories=pd.Index(column.dictionary.to_pylist(), dtype="str"),
                    validate=False,
                )
        index = pd.RangeIndex(line, line + table.num_rows, name="line")
        return pd.DataFrame(frame, index=index)

    def _take_ahead(
        self,
        columns: Sequence[str],
        progress: Callable[[int, int], None] | None,
        then: Callable[[Any], Any] | None = None,
    ) -> _ReadAhead:
        """The read-ahead of these columns (started now if none, or if it reads others), with
        ``then`` applied to each block parsed from now on."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and not set(columns) <= set(ahead.columns):
            ahead.close()
            ahead = None
        if ahead is None:
            ahead = _ReadAhead(_chunks(self.path, progress), self._parser(columns), columns)
        ahead.then = then
        return ahead

    def _parser(self, columns: Sequence[str]) -> Callable[[bytes], Any]:
        """A function parsing one chunk of the file into an Arrow table of the canonical
        ``columns`` (named so; counts as float64, other columns dictionary-encoded text, one
        chunk each), raising :class:`NotStreamable` where Arrow cannot."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        use_malloc()
        kinds = {c.name: c.kind for c in self.schema.columns}
        actual = {self.found.get(c, c): c for c in columns}
        names = [f"f{i}" for i in range(len(self.header))]
        wanted = {names[self.header.index(a)]: c for a, c in actual.items()}
        text = pa.dictionary(pa.int32(), pa.string())
        types = {
            name: pa.float64() if kinds.get(canonical) == "count" else text
            for name, canonical in wanted.items()
        }
        parse_options = pacsv.ParseOptions(
            delimiter=self.sep, quote_char=False, ignore_empty_lines=False
        )
        convert_options = pacsv.ConvertOptions(
            column_types=types,
            include_columns=list(wanted),
            strings_can_be_null=False,
            null_values=[],
        )

        def parse(chunk: bytes) -> Any:
            # One block per chunk, one thread per chunk: chunks are parsed side by side
            # (``_ReadAhead``) while earlier ones are aggregated.
            read_options = pacsv.ReadOptions(
                column_names=names, block_size=len(chunk) + 1, use_threads=False
            )
            try:
                table = pacsv.read_csv(
                    pa.py_buffer(chunk),
                    read_options=read_options,
                    parse_options=parse_options,
                    convert_options=convert_options,
                )
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise NotStreamable from None  # ragged or unconvertible: the text path says
            if any(column.num_chunks > 1 for column in table.columns):
                table = table.unify_dictionaries().combine_chunks()
            return table.rename_columns([wanted[n] for n in table.column_names])

        return parse


def open_stream(
    location: str | None,
    schema: Schema,
    *,
    col_map: Mapping[str, str],
    encoding: str | None,
    skip: int | None = None,
    header_row: int | None = None,
    header_rows: int = 1,
) -> Stream | None:
    """The file at ``location`` opened for batch reading, or None when it should be read
    whole (stdin, a named encoding, a header that is not plain or not on the first line,
    notes after the table, a missing column, a count in a multiple of its unit ...).
    ``skip``, ``header_row`` and ``header_rows`` are :func:`jdcli.loading.load`'s: any but
    a header on line 1 alone gives None."""
    from jdcli.loading import unit_warnings
    from jdcli.loading.region import plain_table
    from jdcli.loading.table import _check_header, sniff_delimiter

    if location is None or location in ("", "-") or encoding is not None:
        return None
    if (skip or 0) > 0 or (header_row or 1) != 1 or header_rows != 1:
        return None
    path = Path(location)
    try:
        if not path.is_file():
            return None
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
            size = handle.seek(0, 2)
            handle.seek(max(0, size - _TAIL))
            tail = handle.read()
    except OSError:
        return None
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    from jdcli.loading.workbook import not_text

    if not_text(head):
        return None  # a workbook or Parquet file: read whole
    end = head.find(b"\n")
    if end < 0:
        return None
    try:
        first_line = head[:end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    first_line = first_line.removesuffix("\r")  # CRLF: the reader ends lines alike
    if any(c in first_line for c in ('"', "\r", "\x00")):
        return None
    sep = sniff_delimiter(first_line)
    if len(head) < size:
        head = head[: head.rfind(b"\n") + 1]
        tail = tail[tail.find(b"\n") + 1 :]
    # A title above the header or notes after the table: the whole-file path cuts them off.
    if not plain_table(head.replace(b"\r", b""), tail.replace(b"\r", b""), sep):
        return None
    header = [h.strip() for h in first_line.split(sep)]
    try:
        _check_header(location, header)
        found = resolve_columns(header, schema, location, col_map)
        required = check_required(found, header, schema, location)
    except JdcliError:
        return None
    if unit_warnings(found, schema, location):
        return None  # read whole, where the warning about the multiplier is given
    return Stream(
        schema=schema,
        path=path,
        sep=sep,
        header=header,
        name=location,
        found=dict(found),
        required=tuple(required),
    )


#: Chunks parsed at once, each on its own thread (Arrow parses without holding the GIL).
PARSERS = 2
#: Parsed chunks waiting for the consumer at most (bounds the memory read-ahead takes).
AHEAD = 2


class _ReadAhead:
    """``parse(chunk)`` of each of ``chunks``, in order, parsed ``PARSERS`` at a time on
    worker threads from the moment it is made, while the caller does other things or uses
    the earlier ones (at most ``AHEAD`` waiting); ``then`` (when set) is applied there too.
    ``chunks`` is read on a thread of its own. Iterate once: (block, rows, whether ``then``
    was applied); an error raised while reading or parsing is raised there, in order.
    :meth:`close` stops the threads; a reader must call it (iteration does not)."""

    def __init__(
        self, chunks: Iterator[bytes], parse: Callable[[bytes], Any], columns: Sequence[str]
    ) -> None:
        import queue
        import threading
        from concurrent.futures import ThreadPoolExecutor

        self.columns = list(columns)
        self._handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=AHEAD)
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=PARSERS, thread_name_prefix="jdcli-parser")
        self._chunks = chunks
        self._parse = parse
        #: Applied to each block on the worker thread once parsed (set by the consumer).
        self.then: Callable[[Any], Any] | None = None
        self._reader = threading.Thread(target=self._read, name="jdcli-reader", daemon=True)
        self._reader.start()

    def _put(self, message: tuple[str, Any]) -> bool:
        import queue

        while not self._stop.is_set():
            try:
                self._handoff.put(message, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _read(self) -> None:
        try:
            for chunk in self._chunks:
                if not self._put(("item", self._pool.submit(self._job, chunk))):
                    return
            self._put(("done", None))
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(("error", exc))
        finally:
            self._chunks.close()  # type: ignore[attr-defined]

    def submit(self, function: Callable[[Any], Any], value: Any) -> Future[Any]:
        """``function(value)`` on a worker thread."""
        return self._pool.submit(function, value)

    def waiting(self) -> bool:
        """Whether more is ready for the consumer (blocks, the end or an error)."""
        return not self._handoff.empty()

    def _job(self, chunk: bytes) -> tuple[Any, int, bool]:
        """(the parsed block, or ``then`` of it; its rows; whether ``then`` was applied)."""
        table = self._parse(chunk)
        then = self.then
        if then is None:
            return table, len(table), False
        return then(table), len(table), True

    def __iter__(self) -> Iterator[tuple[Any, int, bool]]:
        # The workers stay up when the blocks run out: work handed to them with ``submit``
        # may still be running. ``close`` stops them.
        while True:
            kind, value = self._handoff.get()
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield value.result()

    def close(self) -> None:
        self._stop.set()
        self._reader.join()
        self._pool.shutdown(wait=True, cancel_futures=True)


def _chunks(path: Path, progress: Callable[[int, int], None] | None) -> Iterator[bytes]:
    """The file after its header line in pieces of about ``CHUNK_SIZE`` bytes, each ending at
    a line end, checked on the way: a quote (a quoted cell may hold a delimiter or a line
    break), a NUL or bytes that are not UTF-8 raise :class:`NotStreamable`.

    The file is read into one reused buffer and each piece copied out of it (pieces are
    parsed side by side, so each needs its own bytes; a copy costs about a millisecond).
    """
    try:
        total = path.stat().st_size
        handle = path.open("rb")
    except OSError:
        raise NotStreamable from None  # gone since it was opened: the whole path reports
    buffer = bytearray(CHUNK_SIZE)
    decoder = codecs.getincrementaldecoder("utf-8")()
    with handle:
        done = len(handle.readline())
        filled = 0  # bytes at the start of the buffer carried over from the last read
        while True:
            with memoryview(buffer) as view:
                size = handle.readinto(view[filled:])
            done += size
            end = filled + size
            if size:
                cut = buffer.rfind(b"\n", 0, end) + 1
                if cut == 0:
                    buffer.extend(bytes(len(buffer)))  # a line longer than the buffer
                    filled = end
                    continue
            else:
                cut = end
            if cut == 0:
                return
            if buffer.find(b'"', 0, cut) >= 0 or buffer.find(b"\x00", 0, cut) >= 0:
                raise NotStreamable
            if not buffer.isascii():
                _check_utf8(buffer, cut, decoder)
            if progress is not None:
                progress(done, total)
            with memoryview(buffer) as view, view[:cut] as piece:
                copy = bytes(piece)
            yield copy
            del copy
            if not size:
                return
            buffer[: end - cut] = buffer[cut:end]
            filled = end - cut


def _check_utf8(buffer: bytearray, end: int, decoder: codecs.IncrementalDecoder) -> None:
    """NotStreamable unless ``buffer[:end]`` is UTF-8 (checked in small steps: no copy of
    the whole chunk as text). Pieces end at line ends, so no character is cut in two."""
    step = 1 << 18
    with memoryview(buffer) as view:
        try:
            for start in range(0, end, step):
                with view[start : min(start + step, end)] as part:
                    decoder.decode(part)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise NotStreamable from None
        finally:
            decoder.reset()


def _counts(column: Any) -> Any:
    """A count column as float64, or NotStreamable: missing, negative, fractional, too large
    or non-finite values go the whole-file path (which reports or skips them)."""
    import numpy as np

    if column.null_count:
        raise NotStreamable
    values = column.to_numpy()
    if len(values) and not (
        np.isfinite(values).all()
        and values.min() >= 0
        and values.max() < MAX_COUNT
        and (np.floor(values) == values).all()
    ):
        raise NotStreamable
    return values


def _dates(column: Any) -> Any:
    """A date column (dictionary-encoded text) as a categorical of ``datetime64[s]`` dates
    (the file's distinct dates once each, and a code per row: grouping by date needs no
    hashing); see :func:`_date_values`."""
    import pandas as pd

    stamps = pd.DatetimeIndex(_date_values(column.dictionary))
    # Distinct texts in the one spelling are distinct dates: valid categories.
    return pd.Categorical.from_codes(column.indices.to_numpy(), categories=stamps, validate=False)


def _date_values(texts: Any) -> Any:
    """Distinct date texts (an Arrow array) as ``datetime64[s]`` values; only ``YYYY-MM-DD``,
    which every date parser reads alike (another spelling of a date would also group apart
    from it where the text is compared, as in the total-row check), else NotStreamable."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        parsed = pc.strptime(texts, format="%Y-%m-%d", unit="s")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise NotStreamable from None
    if parsed.null_count or not pc.all(pc.equal(pc.strftime(parsed, "%Y-%m-%d"), texts)).as_py():
        raise NotStreamable
    return parsed.to_numpy(zero_copy_only=False).astype("datetime64[s]")
