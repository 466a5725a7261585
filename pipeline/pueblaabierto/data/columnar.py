"""The data pass of a CSV file with a columnar engine (Apache Arrow, ``pyarrow``).

Frictionless stays the model: it infers the Table Schema, opens the file to give the
header and its errors (``DataChecks.validate_start``), and every finding is built by the
same code as before (checks.py, cells.py, personal.py, aggregate.py). What changes is how
the rows reach those checks. ``Resource.validate`` hands over one Python ``Row`` per line
(most of a run's time); here Arrow's streaming CSV reader parses the file in C, in batches
of about ``BLOCK_BYTES``, into string columns, and:

* the row-level checks (blank rows, notes under the table, repeated header, duplicate
  rows) are vectorised over the batch: one joined string per row (``binary_join``), its
  length says "blank"; only the few candidates (rows with only a first cell, a first cell
  equal to the first label) reach the exact Python test of DataChecks;
* duplicate rows compare the same key as DataChecks (``hash`` of the row joined by
  U+001F), kept as sorted int64 arrays: 8 bytes per distinct row instead of a Python set;
* each column of a chunk of ``CHUNK_ROWS`` data rows (the same chunks as the row path, so
  the per-chunk verdicts are the same) is joined by Arrow into one text and handed to the
  unchanged column checks and personal-data scan (``DataChecks.check_chunk``), which
  already work on whole column texts with precompiled regexes in C, then confirm
  candidates in Python (check digits, libphonenumber);
* coordinates are cleared by a vectorised prefilter (plain decimals inside Puebla's box):
  only the other rows reach ``CoordinateCheck.check_pair``.

Whatever this path does not reproduce exactly makes it give up before any finding is
reported (``Unsupported``), and tabular.py runs the Frictionless row path instead: rows
with more or fewer cells than the header, a header that is not on row 1 or has line
breaks, CSV dialects Arrow does not read the way Python's ``csv`` does (an escape
character, spaces skipped after the delimiter), files beyond ``Limits.max_rows``.

Memory stays bounded whatever the file size: one Arrow batch, one chunk of 20,000 rows
and the duplicate keys (8 bytes per distinct row, ``max_rows`` at most).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from pueblaabierto.data import messages
from pueblaabierto.data.checks import _NOTE, CHUNK_ROWS, NOTES_UNDER_TABLE, REPEATED_HEADER, DataChecks
from pueblaabierto.data.coordinates import PUEBLA_BBOX
from pueblaabierto.schemas.vocabularies import fold

# Bytes of CSV Arrow parses per batch (about 2,500 rows of 100 bytes). Arrow's reader keeps
# about 32 blocks in flight (readahead and conversion): 256 KB blocks peak near 9 MB, 1 MB ones near 35 MB.
BLOCK_BYTES = 256 * 1024
# Lines Frictionless' CSV parser gives csv.Sniffer (formats/csv/parser.py, SAMPLE_SIZE).
_SNIFF_LINES = 100
_PLAIN_DECIMAL = r"^[-+]?(?:\d+\.?\d*|\.\d+)$"


class Unsupported(Exception):
    """The file needs the Frictionless row path (module doc); nothing was reported yet."""


def csv_dialect(path: Path, encoding: str) -> csv.Dialect:
    """The dialect Frictionless' CSV parser reads the file with (same sample, same sniffer,
    same overrides as ``frictionless.formats.csv.CsvParser``)."""
    sample: list[str] = []
    with path.open(encoding=encoding, newline="") as handle:
        for line in handle:
            sample.append(line)
            if len(sample) >= _SNIFF_LINES:
                break
    try:
        dialect: Any = csv.Sniffer().sniff("".join(sample), ",\t;|")
    except csv.Error:
        dialect = csv.excel()
    if dialect.quotechar == "'":
        dialect.quotechar = '"'
    return dialect  # type: ignore[no-any-return]


def open_batches(
    path: Path, *, encoding: str, dialect: csv.Dialect, width: int, header_row: int
) -> tuple[Iterator[pa.RecordBatch], list[int]]:
    """Arrow's streaming reader over the data rows (all columns as text, empty stays "").

    Returns the batches and the list where rows with another number of cells than the
    header are noted (file row numbers) as the reader meets them."""
    # Frictionless always reads with doublequote=True (CsvControl.to_python), whatever the sniffer says.
    if dialect.escapechar or dialect.skipinitialspace:
        raise Unsupported("dialecto CSV")
    if len(dialect.delimiter) != 1 or (dialect.quotechar and len(dialect.quotechar) != 1):
        raise Unsupported("dialecto CSV")
    _use_jemalloc()
    ragged: list[int] = []

    def invalid_row(row: Any) -> str:
        ragged.append(row.number)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    codec = codecs.lookup(encoding).name
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            # Arrow reads UTF-8 itself (and drops a BOM); other encodings are transcoded.
            encoding="utf8" if codec in ("utf-8", "utf-8-sig") else encoding,
            column_names=names,
            skip_rows=header_row,
            block_size=BLOCK_BYTES,
            use_threads=False,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=dialect.delimiter,
            quote_char=dialect.quotechar or False,
            double_quote=True,
            newlines_in_values=True,
            ignore_empty_lines=False,  # an empty line is a blank row, as Frictionless counts it
            invalid_row_handler=invalid_row,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return iter(reader), ragged


def _use_jemalloc() -> None:
    """Make jemalloc Arrow's default memory pool (process-wide; buffers already allocated
    keep their own pool). Arrow's default, mimalloc, keeps the pages of freed batches and
    compute temporaries: on the 17-column 072 export the peak was ~40 MB higher with it.
    A pyarrow built without jemalloc keeps its default."""
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:
        return
    if pa.default_memory_pool().backend_name != pool.backend_name:
        pa.set_memory_pool(pool)


class _SeenKeys:
    """A set of int64 keys as a few sorted arrays (sizes halving: O(log n) of them)."""

    def __init__(self) -> None:
        self._levels: list[np.ndarray] = []

    def contains(self, keys: np.ndarray) -> np.ndarray:
        found = np.zeros(len(keys), dtype=bool)
        for level in self._levels:
            if not len(level):
                continue  # an empty level has nothing to find (and level[0] does not exist)
            at = np.searchsorted(level, keys)
            at[at == len(level)] = 0
            found |= level[at] == keys
        return found

    def add(self, keys: np.ndarray) -> None:
        if not len(keys):
            return  # a batch with no new keys (every row repeats an earlier one): no empty level
        level = np.sort(keys)
        while self._levels and len(self._levels[-1]) <= 2 * len(level):
            level = np.concatenate([self._levels.pop(), level])
            level.sort()  # in place: no third copy at the largest merge
        self._levels.append(level)

    @property
    def nbytes(self) -> int:
        return sum(level.nbytes for level in self._levels)


class _ArrowRows(Sequence[Sequence[str]]):
    """The rows of a chunk, materialised one at a time (only candidates are read)."""

    def __init__(self, columns: list[pa.Array]) -> None:
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns[0]) if self._columns else 0

    def __getitem__(self, line: Any) -> Any:
        if isinstance(line, slice):
            return [self[i] for i in range(*line.indices(len(self)))]
        return [str(column[line].as_py()) for column in self._columns]


def _iso_day() -> str:
    """cells._ISO_DAY in RE2 (no look-ahead): years 0001-9999, days that exist every year."""
    year = r"(?:[1-9]\d{3}|0[1-9]\d{2}|00[1-9]\d|000[1-9])"
    return (
        rf"{year}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
        r"|02-(?:0[1-9]|1\d|2[0-8]))"
    )


# cells._FAST in RE2 (ASCII \d, a subset of Python's Unicode \d): a value matching it is
# certainly of its type; the others go to cells.py's own test (_BAD_LINE, then read_cell).
_FAST_RE2 = {
    "integer": r"[-+]?\d+",
    "number": r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?",
    "date": _iso_day(),
    "datetime": rf"{_iso_day()}[T ](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:Z|[+-]\d{{2}}:\d{{2}})?",
    "time": r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d",
    "year": r"\d{4}",
    "boolean": r"true|True|TRUE|1|false|False|FALSE|0",
}
# Supersets, in RE2, of the lines each check's Python regexes can match (cells.View).
# Python's \d is any Unicode decimal digit: \p{Nd}.
_DIGIT_OR_AT = r"[@\p{Nd}]"
_REFINE = {
    "digit": r"\p{Nd}",
    # personal._TRIGGER, translated: "@", or an ASCII digit then 3 digits or "d dd dd".
    "trigger": r"@|[0-9](?:\p{Nd}{3}|\p{Nd}[ .\-]\p{Nd}{2}[ .\-]\p{Nd}{2})",
    # cells._TOTALS_LINE.
    "totals": r"(?i)^[ \t]*(?:total|gran|sub|suma)",
    # checks._FORMULA_LINE.
    "formula": r"^[ \t]*[=@+\-]",
    # The value patterns of cells._check_text (numbers as text, dates, ISO dates, plain
    # numbers, numbers with words): after blanks, a sign, "$", a digit or a month name.
    "numeric": (r"^[ \t]*(?:[-+$\p{Nd}]|(?i:ene|feb|mar|abr|may|jun|jul|ago|sep|oct|nov|d[i\x{130}\x{131}]c))"),
}
# Lines where personal._scan_lines (outside phone columns) can report something, in RE2,
# refining "trigger": a match of personal._SCAN / _SCAN_NSS (lookbehinds written as
# "start or a character the lookbehind allows", lookaheads dropped: a superset), or a
# line free_text_phones is called on (personal._FREE_TEXT) and may report in
# (personal.could_hold_phone, _COULD_HOLD_PHONE). RE2's \w and case folding differ from
# Python's: each class below is a superset of its Python counterpart.
_ANY_PERSONAL = (
    r"@|[A-Za-z\x{d1}\x{f1}&]\p{Nd}{6}|\p{Nd}{9}"
    r"|(?:^|[^\p{Nd}.,$/])(?:\+52[ .\-]?(?:1[ .\-]?)?\p{Nd}{2,3}[ .\-]?|\(\p{Nd}{2,3}\)[ .\-]?|\p{Nd}{2,3}[ .\-])"
    r"\p{Nd}{3,4}[ .\-]?\p{Nd}{4}"
    r"|(?:^|[^\p{Nd}.,$/])\p{Nd}{2}(?:[ .\-]\p{Nd}{2}){4}"
)
_FREE_TEXT_DIGITS = r"\p{Nd}(?:[ .()\-]{0,3}\p{Nd}){9}"
_GAP = r"[^0-9A-Za-z\n]{0,4}"


# personal.could_hold_phone in RE2 (a superset), in two parts. _COULD_HOLD_PHONE: the
# conditions that send a line to libphonenumber whatever its windows.
_COULD_HOLD_PHONE = (
    rf"[+\x{{ff0b}}]|[^\P{{Nd}}0-9]|0{_GAP}[09]{_GAP}[1-9](?:{_GAP}[0-9]){{10}}|[0-9]{{21}}"
    r"|(?i:\p{Nd}[^\w\n]*(?:x|\x{ff58}|e?xt|\x{ff45}?\x{ff58}\x{ff54}|[i\x{130}\x{131}]nt|\x{ff49}\x{ff4e}\x{ff54}|anexo|"
    r"\x{434}\x{43e}\x{431}))"
    r"|[(\[\x{ff08}\x{ff3b}][^\w\n]*[xX\x{ff58}\x{ff38}]"
)
# The windows: with every run of characters other than ASCII letters and digits removed
# (which only joins more digits than the 0-4 character gaps of could_hold_phone do), a
# 10-digit run valid for MX (libphonenumber's metadata).
_WINDOW_GAPS = r"[^0-9A-Za-z]+"
_MX_WINDOW: list[str] = []


def mx_window_re2() -> str:
    if not _MX_WINDOW:
        from pueblaabierto.data.personal import mx_valid_patterns

        _MX_WINDOW.append("|".join(f"(?:{pattern})" for pattern in mx_valid_patterns()))
    return _MX_WINDOW[0]


def could_hold_phone_mask(values: pa.Array) -> np.ndarray:
    """For each value (one line), False only if personal.could_hold_phone is False."""
    maybe = _bools(pc.match_substring_regex(values, _COULD_HOLD_PHONE))
    if not maybe.all():
        rest = np.flatnonzero(~maybe)
        compact = pc.replace_substring_regex(values.take(_indices(rest)), _WINDOW_GAPS, "")
        maybe[rest] = _bools(pc.match_substring_regex(compact, mx_window_re2()))
    return maybe


# What a totals label or a formula starts with: one pass over a text column for both.
_LINE_START = r"(?i)^[ \t]*(?:[=@+\-]|total|gran|sub|suma)"
# personal._ADDRESS_TRIGGER without its word boundaries, plus the letters Python's
# IGNORECASE also takes for i, s and k (a line must also have a digit). Those letters stay
# outside the (?i) group: inside it RE2 folds ſ and K to s and k, so every line with an
# "s" or a "k" passed.
_ADDRESS_WORDS = (
    r"(?i:calle|c\.|av|blvd|boulevard|bulevar|privada|priv\.|cerrada|cda\.|callej|andador|prolongaci|prol\.|"
    r"circuito|cto\.|retorno|diagonal|calzada|camino|col\.|colonia|frac|barrio|u\.?.?h\.|infonavit|norte|sur|"
    r"oriente|poniente|ote|pte)|[\x{130}\x{131}\x{17f}\x{212a}]"
)

# personal._FULL_ADDRESS's settlement words (a finding outside columns named for a person's
# address needs one), with the same Unicode letters as _ADDRESS_WORDS.
_SETTLEMENT_WORDS = (
    r"(?i:col\.|colonia|fracc?\.|fraccionamiento|barrio|u\.?.?h\.|unidad habitacional|infonavit|residencial|"
    r"junta auxiliar)|[\x{130}\x{131}\x{17f}\x{212a}]"
)


# Arrow <-> numpy through raw buffers. pyarrow's own conversions (pa.array, pa.scalar,
# to_numpy of a boolean array) first ask whether the value is a pandas object, which
# imports pandas (50 MB of the 200 MB budget) although no pandas object is ever involved.
def _bools(mask: pa.Array) -> np.ndarray:
    """A boolean Arrow array without nulls as a numpy array."""
    bits = np.frombuffer(mask.buffers()[1], dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little")[mask.offset : mask.offset + len(mask)].astype(bool)


def _ints(values: pa.Array) -> np.ndarray:
    """An integer Arrow array without nulls as a numpy array (no copy)."""
    dtype = np.dtype(values.type.to_pandas_dtype())
    return np.frombuffer(values.buffers()[1], dtype=dtype, count=len(values), offset=values.offset * dtype.itemsize)


def _indices(positions: np.ndarray) -> pa.Array:
    data = np.ascontiguousarray(positions, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def _strings(values: list[str]) -> pa.Array:
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(value) for value in encoded], out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    )


def _float(value: float) -> pa.Scalar:
    return pa.Array.from_buffers(pa.float64(), 1, [None, pa.py_buffer(np.array([value], dtype=np.float64))])[0]


def _string_scalar(value: str) -> pa.Scalar:
    return _strings([value])[0]


_ZERO = pa.Array.from_buffers(pa.int32(), 1, [None, pa.py_buffer(np.zeros(1, dtype=np.int32))])[0]
_NEWLINE = _string_scalar("\n")
_NOTHING = _string_scalar("")
_UNIT_SEPARATOR = _string_scalar("\x1f")
# Values looked at to tell a column of few distinct values.
_CARDINALITY_SAMPLE = 2000


def _joined(values: pa.Array) -> str:
    """The values joined by "\n", from Arrow's buffers (one UTF-8 decode)."""
    if len(values) == 0:
        return ""
    lines = pc.binary_join_element_wise(values, _NEWLINE, _NOTHING)
    _, offsets_buffer, data = lines.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4)
    return memoryview(data)[offsets[0] : offsets[-1] - 1].tobytes().decode("utf-8")


def _positions(mask: pa.Array) -> np.ndarray:
    return np.flatnonzero(_bools(mask))


class ColumnView:
    """One column of a chunk: the lines of each kind (cells.View), built on demand.

    Values are first made one line each as ``cells.join_lines`` does (when any value of
    the chunk has a line break, "\r" and "\n" become spaces in all of them). Each kind
    costs at most one regex pass over the column: the kinds that need a digit (or an
    "@") refine one ``[@\\p{Nd}]`` pass, totals and formulas one line-start pass; in a
    typed column formulas are looked for only among the values that are not plainly of
    the type (a value matching ``_FAST_RE2`` has no "=" and no "(", which every formula
    shape needs)."""

    def __init__(self, values: pa.Array, field_type: str) -> None:
        if pc.any(pc.match_substring(values, "\n")).as_py():
            values = pc.replace_substring(pc.replace_substring(values, "\r", " "), "\n", " ")
        self.values = values
        self.field_type = field_type
        self.empty = int(pc.sum(pc.equal(pc.binary_length(values), _ZERO)).as_py() or 0)
        self._parts: dict[str, tuple[str, list[int] | None]] = {}
        self._bases: dict[str, np.ndarray] = {}
        # Columns of few distinct values (estatus, colonia, dates...): the patterns run on
        # the distinct values only, and the verdicts are spread back by index.
        self._dictionary: tuple[pa.Array, np.ndarray] | None = None
        sample = values.slice(0, _CARDINALITY_SAMPLE)
        if len(values) > _CARDINALITY_SAMPLE and len(pc.unique(sample)) * 4 <= len(sample):
            encoded = pc.dictionary_encode(values)
            if len(encoded.dictionary) * 4 <= len(values):
                self._dictionary = (encoded.dictionary, _ints(encoded.indices))

    def _match(self, pattern: str, positions: np.ndarray | None = None) -> np.ndarray:
        """Whether each value (or each value at ``positions``) contains ``pattern`` (RE2)."""
        if self._dictionary is not None:
            dictionary, indices = self._dictionary
            verdicts = _bools(pc.match_substring_regex(dictionary, pattern))
            return verdicts[indices if positions is None else indices[positions]]  # type: ignore[no-any-return]
        values = self.values if positions is None else self.values.take(_indices(positions))
        return _bools(pc.match_substring_regex(values, pattern))  # type: ignore[no-any-return]

    def __call__(self, kind: str) -> tuple[str, list[int] | None]:
        part = self._parts.get(kind)
        if part is None:
            part = self._parts[kind] = self._build(kind)
        return part

    def _base(self, name: str) -> np.ndarray:
        found = self._bases.get(name)
        if found is None:
            if name == "typed":
                fast = _FAST_RE2.get(self.field_type)
                filled = _bools(pc.greater(pc.binary_length(self.values), _ZERO))
                if fast is not None:
                    filled &= ~self._match(f"^(?:{fast})$")
                found = np.flatnonzero(filled)
            elif name == "digit_or_at":
                found = np.flatnonzero(self._match(_DIGIT_OR_AT))
            elif name == "address":
                found = self._refine(self._refine(self._base("digit_or_at"), _REFINE["digit"]), _ADDRESS_WORDS)
            else:  # line_start
                found = np.flatnonzero(self._match(_LINE_START))
            self._bases[name] = found
        return found

    def _refine(self, positions: np.ndarray, pattern: str) -> np.ndarray:
        if len(positions) == 0:
            return positions
        return positions[self._match(pattern, positions)]

    def _build(self, kind: str) -> tuple[str, list[int] | None]:
        if kind == "full":
            return _joined(self.values), None
        if kind.startswith("typed:"):
            positions = self._base("typed")
        elif kind == "formula" and self.field_type in _FAST_RE2:
            positions = self._refine(self._base("typed"), _REFINE["formula"])
        elif kind in ("formula", "totals"):
            positions = self._refine(self._base("line_start"), _REFINE[kind])
        elif kind == "address":
            positions = self._base("address")
        elif kind == "address_settlement":
            positions = self._refine(self._base("address"), _SETTLEMENT_WORDS)
        elif kind == "personal":
            positions = self._refine(self._base("digit_or_at"), _REFINE["trigger"])
            if len(positions):
                certain = self._match(_ANY_PERSONAL, positions)
                free = ~certain & self._match(_FREE_TEXT_DIGITS, positions)
                if free.any():
                    free[free] = could_hold_phone_mask(self.values.take(_indices(positions[free])))
                positions = positions[certain | free]
        elif kind == "numeric":
            positions = self._refine(self._refine(self._base("digit_or_at"), _REFINE["digit"]), _REFINE["numeric"])
        else:  # digit, trigger
            positions = self._refine(self._base("digit_or_at"), _REFINE[kind])
        if len(positions) == len(self.values):
            return _joined(self.values), None
        if len(positions) == 0:
            return "", []
        return _joined(self.values.take(_indices(positions))), positions.tolist()


class ColumnarPass:
    """Drives one DataChecks (already started) over Arrow batches of the data rows."""

    def __init__(self, check: DataChecks, *, width: int, first_number: int, max_rows: int) -> None:
        self.check = check
        self.width = width
        self.next_number = first_number
        self.max_rows = max_rows
        self.rows_seen = 0  # rows of the row stream (blank ones too): Frictionless' limit_rows
        self.partial = False
        self._seen = _SeenKeys()
        # Held rows (blank or note-like) not yet followed by a data row: (number, cells or None).
        self._pending: list[tuple[int, list[str] | None]] = []
        self._chunk: list[pa.RecordBatch] = []  # data rows waiting for a full chunk
        self._chunk_numbers: list[np.ndarray] = []
        self._chunk_size = 0
        folded = check._first_label
        self._first_label = folded
        self._header_key = check._header_key
        literal = "".join(c if c.isalnum() and c.isascii() else f"\\x{{{ord(c):x}}}" for c in folded or "")
        self._header_pattern = (
            f"(?i){literal}|[\\x{{df}}\\x{{1e9e}}\\x{{130}}\\x{{149}}\\x{{1f0}}\\x{{fb00}}-\\x{{fb06}}]"
        )
        fields = check.columns.fields
        self._types = [fields[i].type if i < len(fields) else "string" for i in range(width)]
        self.peak_batch_rows = 0  # for the memory-bound test
        self.peak_chunk_rows = 0

    # input --------------------------------------------------------------------------

    def run(self, batches: Iterator[pa.RecordBatch], ragged: list[int]) -> None:
        for batch in batches:
            if ragged:
                raise Unsupported("filas con otro número de celdas")
            if batch.num_rows == 0:
                continue
            if self.rows_seen + batch.num_rows >= self.max_rows:
                # Frictionless stops at limit_rows and then skips validate_end.
                batch = batch.slice(0, self.max_rows - self.rows_seen)
                self.partial = True
            self.peak_batch_rows = max(self.peak_batch_rows, batch.num_rows)
            self.rows_seen += batch.num_rows
            self._feed(batch)
            if self.partial:
                return
        if ragged:
            raise Unsupported("filas con otro número de celdas")
        self._end()

    def _feed(self, batch: pa.RecordBatch) -> None:
        n = batch.num_rows
        numbers = np.arange(self.next_number, self.next_number + n, dtype=np.int64)
        self.next_number += n
        columns = batch.columns
        width = self.width
        joined = pc.binary_join_element_wise(*columns, _UNIT_SEPARATOR) if width > 1 else columns[0]
        lengths = _ints(pc.binary_length(joined)).astype(np.int64)
        held = lengths == width - 1  # every cell empty
        notes = np.zeros(n, dtype=bool)
        if width > 2:
            first_len = _ints(pc.binary_length(columns[0])).astype(np.int64)
            only_first = (first_len > 0) & (lengths - first_len == width - 1)
            for i in np.flatnonzero(only_first):
                if _NOTE.match(columns[0][i].as_py()):
                    notes[i] = True
            held |= notes
        regular = np.flatnonzero(~held)
        if len(regular) == 0:
            self._hold_all(columns, numbers, notes, range(n))
            return
        last = int(regular[-1])
        # Rows released now: the pending ones, then this batch up to its last data row.
        released_blank: list[tuple[int, int]] = []  # (position, row number)
        extra: list[list[str]] = []  # cells of released pending notes, in order
        extra_numbers: list[int] = []
        position = 0
        pending_positions: list[int] = []
        for number, cells in self._pending:
            if cells is None:
                released_blank.append((position, number))
            else:
                extra.append(cells)
                extra_numbers.append(number)
                pending_positions.append(position)
            position += 1
        offset = position  # positions of this batch's rows start here
        self._pending = []
        self._hold_all(columns, numbers, notes, range(last + 1, n))
        head = slice(0, last + 1)
        blank_rows = np.flatnonzero(held[head] & ~notes[head])
        released_blank += [(offset + int(i), int(numbers[i])) for i in blank_rows]
        data_index = np.flatnonzero(~(held[head] & ~notes[head]))  # regular rows and notes
        data = batch.slice(0, last + 1).take(_indices(data_index))
        data_numbers = numbers[data_index]
        data_positions = data_index + offset
        data_joined = joined.slice(0, last + 1).take(_indices(data_index))
        if extra:
            prefix = pa.RecordBatch.from_arrays(
                [_strings([row[i] for row in extra]) for i in range(width)], names=batch.schema.names
            )
            data = pa.Table.from_batches([prefix, data]).combine_chunks().to_batches()[0]
            data_numbers = np.concatenate([np.array(extra_numbers, dtype=np.int64), data_numbers])
            data_positions = np.concatenate([np.array(pending_positions, dtype=np.int64), data_positions])
            data_joined = pa.concat_arrays(
                [_strings(["\x1f".join(row) for row in extra]), data_joined.cast(pa.string())]
            )
        self._data_rows(data, data_numbers, data_positions, data_joined, released_blank)

    def _hold_all(self, columns: list[pa.Array], numbers: np.ndarray, notes: np.ndarray, indices: range) -> None:
        for i in indices:
            if notes[i]:
                self._pending.append((int(numbers[i]), [str(column[i].as_py()) for column in columns]))
            else:
                self._pending.append((int(numbers[i]), None))

    def _data_rows(
        self,
        data: pa.RecordBatch,
        numbers: np.ndarray,
        positions: np.ndarray,
        joined: pa.Array,
        blanks: list[tuple[int, int]],
    ) -> None:
        """Row-level findings of data rows in file order, interleaved with the chunk checks
        exactly as DataChecks._data_row / _release would add them."""
        collector = self.check.collector
        events: list[tuple[int, int, Any, int, str | None]] = [
            (position, 0, messages.BLANK_ROW, number, None) for position, number in blanks
        ]
        keep = np.ones(len(numbers), dtype=bool)
        # The header repeated mid-table: first cell equal to the first label, then the exact test.
        if self._first_label is not None and len(numbers):
            # Superset of casefold(strip(cell)) == label: the cell contains the label in any case
            # (RE2's simple case folding), or a letter Python's casefold expands (ß, ligatures).
            candidates = pc.match_substring_regex(data.column(0), self._header_pattern)
            for i in _positions(candidates):
                cells = [str(column[i].as_py()) for column in data.columns]
                if (
                    cells[0].strip().casefold() == self._first_label
                    and "\x1f".join(fold(c) for c in cells) == self._header_key
                ):
                    keep[i] = False
                    events.append((int(positions[i]), 0, REPEATED_HEADER, int(numbers[i]), " | ".join(cells[:4])))
        kept = np.flatnonzero(keep)
        if len(kept) != len(numbers):
            data = data.take(_indices(kept))
            joined = joined.take(_indices(kept))
            numbers, positions = numbers[kept], positions[kept]
        if len(numbers):
            keys = np.fromiter(map(hash, joined.to_pylist()), dtype=np.int64, count=len(numbers))
            _, first_at = np.unique(keys, return_index=True)
            duplicate = np.ones(len(keys), dtype=bool)
            duplicate[first_at] = False
            firsts = keys[first_at]
            known = self._seen.contains(firsts)
            duplicate[first_at[known]] = True
            self._seen.add(firsts[~known])
            for i in np.flatnonzero(duplicate):
                events.append((int(positions[i]), 1, messages.DUPLICATE_ROW, int(numbers[i]), None))
        events.sort(key=lambda event: (event[0], event[1]))
        # Interleave: the chunk is checked right after its CHUNK_ROWS-th data row.
        start = 0
        at = 0
        while start < len(numbers):
            room = CHUNK_ROWS - self._chunk_size
            end = min(len(numbers), start + room)
            limit = int(positions[end - 1])
            while at < len(events) and events[at][0] <= limit:
                _, _, rule, number, sample = events[at]
                collector.add(rule, None, number, sample)
                at += 1
            self._chunk.append(data.slice(start, end - start))
            self._chunk_numbers.append(numbers[start:end])
            self._chunk_size += end - start
            if self._chunk_size >= CHUNK_ROWS:
                self._flush()
            start = end
        for _, _, rule, number, sample in events[at:]:
            collector.add(rule, None, number, sample)

    # chunks ---------------------------------------------------------------------------

    def _flush(self) -> None:
        if not self._chunk_size:
            return
        table = pa.Table.from_batches(self._chunk).combine_chunks()
        self.peak_chunk_rows = max(self.peak_chunk_rows, table.num_rows)
        numbers = np.concatenate(self._chunk_numbers).tolist()
        self._chunk, self._chunk_numbers, self._chunk_size = [], [], 0
        columns = [table.column(i).chunk(0) if table.column(i).num_chunks else _strings([]) for i in range(self.width)]
        rows = _ArrowRows(columns)
        head = rows[:201]
        check = self.check
        coordinates: Callable[[], None] | None = None
        if check._coordinates is not None:
            pair = check._coordinates

            def coordinates() -> None:
                _check_coordinates(pair, columns[pair.lat], columns[pair.lon], numbers, check.collector)

        check.check_chunk(numbers, rows, _views(columns, self._types), head=head, coordinates=coordinates)

    def _end(self) -> None:
        """DataChecks.validate_end: the held rows under the table are its notes."""
        collector = self.check.collector
        notes = [(number, cells[0]) for number, cells in self._pending if cells is not None]
        for number, cells in self._pending:
            if cells is None and not notes:
                collector.add(messages.BLANK_ROW, None, number)
        for number, text in notes:
            collector.add(NOTES_UNDER_TABLE, None, number, text[:80])
        self._pending = []
        self._flush()
        self.check.columns.finish()

    @property
    def rows_read(self) -> int:
        return self.check._done + self._chunk_size


def _views(columns: list[pa.Array], types: list[str]) -> Iterator[tuple[str, int, ColumnView]]:
    for column, field_type in zip(columns, types, strict=True):
        view = ColumnView(column, field_type)
        yield "", view.empty, view


def _check_coordinates(pair: Any, lat: pa.Array, lon: pa.Array, numbers: list[int], collector: Any) -> None:
    """CoordinateCheck.check_chunk with a vectorised prefilter: a row whose two values are
    plain decimals inside Puebla's box gives no finding; every other non-empty row goes to
    the exact per-row check."""
    min_lon, min_lat, max_lon, max_lat = PUEBLA_BBOX
    empty = pc.or_(pc.equal(pc.binary_length(lat), _ZERO), pc.equal(pc.binary_length(lon), _ZERO))
    plain = pc.and_(pc.match_substring_regex(lat, _PLAIN_DECIMAL), pc.match_substring_regex(lon, _PLAIN_DECIMAL))
    zero = _string_scalar("0")
    lat_v = pc.cast(pc.if_else(plain, lat, zero), pa.float64())
    lon_v = pc.cast(pc.if_else(plain, lon, zero), pa.float64())
    inside = pc.and_(
        pc.and_(pc.greater_equal(lat_v, _float(min_lat)), pc.less_equal(lat_v, _float(max_lat))),
        pc.and_(pc.greater_equal(lon_v, _float(min_lon)), pc.less_equal(lon_v, _float(max_lon))),
    )
    cleared = pc.or_(empty, pc.and_(plain, inside))
    for i in np.flatnonzero(~_bools(cleared)):
        pair.check_pair(str(lat[i].as_py()), str(lon[i].as_py()), numbers[i], collector)
