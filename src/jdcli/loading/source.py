"""Read a file or stdin as text: path checks, encoding detection (UTF-8, BOM, UTF-16, GB18030)."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

from jdcli.errors import InputError

STDIN = "-"


class Source:
    """Text read from somewhere, with the name errors should use and the encoding found.

    A UTF-8 file keeps its bytes and is decoded only if something asks for ``text``: the
    CSV parser reads the bytes directly (no decode and re-encode of a large file).
    """

    def __init__(
        self,
        name: str,
        text: str | None = None,
        encoding: str = "utf-8",
        path: Path | None = None,
        *,
        data: bytes | None = None,
    ) -> None:
        if text is None and data is None:
            raise ValueError("Source needs text or data")
        self.name = name
        self.encoding = encoding
        self.path = path
        self._text = text
        self._data = data  # valid UTF-8 (no BOM) whose decoding is ``text``

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._bytes().decode("utf-8")
        return self._text

    def _bytes(self) -> bytes:
        if self._data is not None:
            return self._data
        assert self.path is not None, "only a file's bytes are released"
        return self.path.read_bytes()

    def release(self) -> bool:
        """Let go of the bytes of a plain UTF-8 file with ``\\n`` endings, so that the CSV
        reader can read the file itself (a large file is then never in memory twice); they are
        read again if asked for. False (nothing released) for stdin, decoded text or CR."""
        if self.path is None or self._data is None or b"\r" in self._data:
            return False
        self._data = None
        return True

    def renamed(self, name: str) -> Source:
        """The same content under another name (for messages)."""
        return Source(name, self._text, self.encoding, self.path, data=self._data)

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes (about) of :meth:`payload`, without copying the rest."""
        data = self._bytes()[:size] if self._text is None else self.text[:size].encode("utf-8")
        return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")

    def size(self) -> int:
        """The length of the content as read (bytes of a UTF-8 file, else characters)."""
        return len(self._bytes()) if self._text is None else len(self._text)

    def tail(self, size: int) -> bytes:
        """The last ``size`` bytes (about) of :meth:`payload`, without copying the rest."""
        data = self._bytes()[-size:] if self._text is None else self.text[-size:].encode("utf-8")
        return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")

    def payload(self) -> bytes:
        """The content as UTF-8 bytes with ``\\n`` line endings (what the CSV parser reads)."""
        data = self._bytes() if self._text is None else self.text.encode("utf-8")
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        return data


def read_bytes(location: str | Path) -> tuple[str, bytes, Path | None]:
    """The raw bytes of a path or of stdin (``-``), or an InputError naming what went wrong."""
    if str(location) == STDIN:
        return "<stdin>", sys.stdin.buffer.read(), None
    path = Path(location)
    name = str(location)
    if not name:
        raise InputError("an empty file name was given ('')")  # Path("") would mean "."
    if not path.exists():
        from jdcli.datasets import bundled_file

        # A bundled resource named as ``jdcli datasets`` prints it (examples/police.csv).
        bundled = bundled_file(name)
        if bundled is None:
            raise InputError(f"{name}: no such file")
        path, name = bundled, f"{name} (bundled)"
    if path.is_dir():
        raise InputError(f"{name}: is a directory, not a file")
    try:
        return name, path.read_bytes(), path
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def decode(name: str, data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Text and the encoding used.

    Without ``encoding``: a BOM decides (UTF-8, UTF-16); otherwise strict UTF-8, then
    GB18030 (a superset of GBK and GB2312, what Chinese Excel exports as "CSV").
    """
    if encoding:
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            info = None
        # hex, base64, rot13 … are codecs but not text encodings: bytes.decode refuses them
        if info is None:
            raise InputError(f"unknown encoding {encoding!r} (try utf-8 or gb18030)")
        if not getattr(info, "_is_text_encoding", True):
            raise InputError(f"{encoding!r} is not a text encoding (try utf-8 or gb18030)")
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                f"{name} line {line}: bytes that are not {encoding} at offset {exc.start}"
            ) from None
        except (UnicodeError, LookupError) as exc:
            raise InputError(f"{name}: cannot decode as {encoding} ({exc})") from None
        return text.removeprefix("\ufeff"), encoding
    if data.startswith(codecs.BOM_UTF8):
        return _strict(name, data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(name, data, "utf-16").removeprefix("\ufeff"), "utf-16"
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: looks like a binary file, not CSV text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise InputError(
            f"{name}: not UTF-8 or GB18030 text; name the encoding with --encoding"
        ) from None


def _strict(name: str, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: starts with a {encoding} byte-order mark but is not {encoding} "
            f"(offset {exc.start})"
        ) from None


def read_source(location: str | Path, encoding: str | None = None) -> Source:
    """Read and decode ``location`` (a path or ``-``)."""
    name, data, path = read_bytes(location)
    return source_from_bytes(name, data, path, encoding)


def source_from_bytes(
    name: str, data: bytes, path: Path | None, encoding: str | None = None
) -> Source:
    """Decode the bytes of a text file read from ``path`` (None: stdin)."""
    if encoding is None and _plain_utf8(data):
        if b"\x00" in data[:65536]:
            raise InputError(f"{name}: looks like a binary file, not CSV text")
        if b"\x00" in data:
            raise InputError(f"{name}: contains NUL characters; not a text file")
        return Source(name=name, encoding="utf-8", path=path, data=data)
    text, used = decode(name, data, encoding)
    if "\x00" in text:
        raise InputError(f"{name}: contains NUL characters; not a text file")
    return Source(name=name, text=text, encoding=used, path=path)


def _plain_utf8(data: bytes) -> bool:
    """UTF-8 without a byte-order mark (checked without keeping a decoded copy)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
