"""Column-wise checks of cell values: types, numbers as text, non-ISO dates, mixed types,
totals rows.

Each check receives a *chunk* of one column: its values joined by "\\n" (one value per
line) and the file rows they come from. Precompiled MULTILINE regexes find the few bad
lines in C, so the per-cell cost stays far below Frictionless' own per-cell parsing;
only candidates reach Python. Every "bad" value is then confirmed with the Frictionless
field's ``read_cell`` so our verdict never differs from what the DataStore load will do.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from frictionless import Field

from pueblaabierto.data import messages
from pueblaabierto.data.aggregate import FindingCollector
from pueblaabierto.schemas.rules import parse_day
from pueblaabierto.schemas.vocabularies import fold

# Only days that exist in every year: the month's length is in the pattern (30 days have
# September, April, June and November; February up to 28), so 2024-02-30 or 2024-04-31
# are not "certainly valid" and go to Frictionless, which rejects them. February 29 also
# goes there, to be checked against leap years; it is rare, so the cost stays nil.
_ISO_DAY = (
    r"(?!0000)\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)"
    r"|02-(?:0[1-9]|1\d|2[0-8]))"
)
# Values Frictionless certainly accepts for each inferred type (a subset of its parsers):
# lines NOT matching are re-checked with the field's own reader.
_FAST = {
    "integer": r"[-+]?\d+",
    "number": r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?",
    "date": _ISO_DAY,
    "datetime": rf"{_ISO_DAY}[T ](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:Z|[+-]\d{{2}}:\d{{2}})?",
    "time": r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d",
    "year": r"\d{4}",
    "boolean": r"true|True|TRUE|1|false|False|FALSE|0",
}
_BAD_LINE = {kind: re.compile(rf"^(?!(?:{pattern})$)[^\n]+$", re.MULTILINE) for kind, pattern in _FAST.items()}
_ANY_LINE = re.compile(r"^[^\n]+$", re.MULTILINE)

_UNITS = (
    r"km|mts?|m|m2|m²|m3|m³|cm|mm|kg|grs?|g|ton|tons|lts?|l|ml|ha|has|mxn|pesos|usd|dlls|hrs?|h|min|"
    r"seg|d[ií]as|a[ñn]os|personas|%"
)
_NUMBER_AS_TEXT = (
    # 1,234,567 / $ 1,234.50 / 1,234 MXN
    r"(?:\$[ \t]*)?-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:[ \t]*(?:mxn|pesos|m\.?n\.?))?"
    # $ 1234.50
    r"|\$[ \t]*-?\d+(?:\.\d+)?(?:[ \t]*(?:mxn|pesos|m\.?n\.?))?"
    # 12 km / 45% / 3.5 ha
    rf"|-?\d+(?:[.,]\d+)?[ \t]*(?:{_UNITS})\.?"
    # 1234,56 (decimal comma)
    r"|-?\d+,\d{1,2}"
)
# A count or amount followed by words: "1,022 asistentes al evento", "2,598 participantes",
# "15 luminarias". Only reported when most of the column reads like that (a person sees a
# column of quantities); "3 de mayo" or "5 de Febrero" are excluded as dates.
_NUMBER_WITH_WORDS_LINE = re.compile(
    r"^[ \t]*[-+]?\$?[ \t]*\d{1,3}(?:,\d{3})*(?:\.\d+)?[ \t]*%?[ \t]+(?!de[ \t]|del[ \t])"
    r"[A-Za-zÁÉÍÓÚáéíóúñÑ][^\n\d]{0,60}$",
    re.MULTILINE,
)
_DATE_NAME = re.compile(r"(?:^|[^a-z])(?:fecha|fec|date|dia|inicio|termino|fin|vigencia|corte)(?:[^a-z]|$)")
# Excel stores dates as days since 1899-12-30: 20000-60000 are 1954-10-03 .. 2064-04-08.
_SERIAL_LINE = re.compile(r"^[ \t]*(?:[2-5]\d{4})(?:\.0+)?[ \t]*$", re.MULTILINE)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_NUMBER_AS_TEXT_LINE = re.compile(rf"^[ \t]*(?:{_NUMBER_AS_TEXT})[ \t]*$", re.MULTILINE | re.IGNORECASE)
_MONTHS = (
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    r"|ene|feb|mar|abr|may|jun|jul|ago|sept|sep|oct|nov|dic"
)
_TIME_SUFFIX = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[ap]\.?[ \t]*m\.?)?)?"
_DATE_NOT_ISO = (
    rf"\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}}){_TIME_SUFFIX}"
    rf"|\d{{4}}/\d{{1,2}}/\d{{1,2}}{_TIME_SUFFIX}"
    rf"|\d{{1,2}}[ \t]*(?:de[ \t]+)?(?:{_MONTHS})\.?[ \t]*(?:de[ \t]+|[/-])?\d{{2,4}}"
    rf"|\d{{1,2}}[-/](?:{_MONTHS})[-/]\d{{2,4}}"
    # "enero 2024", "Enero de 2024", "01/2024": months, ISO 2024-01
    rf"|(?:{_MONTHS})\.?[ \t]*(?:de[l]?[ \t]+|[-/])?\d{{4}}"
    r"|(?:0?[1-9]|1[0-2])[/-]\d{4}"
)
_DATE_NOT_ISO_LINE = re.compile(rf"^[ \t]*(?:{_DATE_NOT_ISO})[ \t]*$", re.MULTILINE | re.IGNORECASE)
# A time of day on the 12-hour clock, as Mexican forms write it: "10:30 a.m.", "4:15 PM", "12:00 p. m.".
_TIME_12H_LINE = re.compile(
    r"^[ \t]*(?:1[0-2]|0?[1-9]):[0-5]\d(?::[0-5]\d)?[ \t]*[ap]\.?[ \t]*m\.?[ \t]*$", re.MULTILINE | re.IGNORECASE
)
_PLAIN_NUMBER_LINE = re.compile(r"^[ \t]*-?\d+(?:\.\d+)?[ \t]*$", re.MULTILINE)
_ISO_DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$", re.MULTILINE)
# ISO-shaped dates outside _ISO_DAY (2024-02-30, 2024-13-01, any February 29): in a column
# Frictionless inferred as text (one such value in its sample is enough), they are only
# candidates; _impossible_dates confirms them in Python.
_ISO_DATE_CANDIDATE_LINE = re.compile(
    rf"^(?!{_ISO_DAY}(?:[T ]|$))\d{{4}}-\d{{2}}-\d{{2}}(?:[T ][\d:.]+(?:Z|[+-]\d{{2}}:?\d{{2}})?)?$", re.MULTILINE
)
_TEXT_LINE = re.compile(
    rf"^(?![ \t]*(?:-?\d+(?:\.\d+)?|{_NUMBER_AS_TEXT}|{_DATE_NOT_ISO}|\d{{4}}-\d{{2}}-\d{{2}}[^\n]*)[ \t]*$)[^\n]+$",
    re.MULTILINE | re.IGNORECASE,
)
_TOTALS_LINE = re.compile(
    r"^[ \t]*(?:total(?:es)?|gran[ \t]+total|total[ \t]+general|sub[ -]?total(?:es)?|suma(?:s)?(?:[ \t]+total)?)"
    r"\b[^\n]*$",
    re.MULTILINE | re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_NUMERIC_CELL = re.compile(r"[ \t]*[-+$]?[ \t]*[\d.,]*[ \t]*")


def join_lines(values: list[str] | tuple[str, ...]) -> str:
    """Values one per line; line breaks inside cells become spaces so line i = value i."""
    text = "\n".join(values)
    if text.count("\n") != len(values) - 1:
        text = "\n".join(v.replace("\r", " ").replace("\n", " ") for v in values)
    return text


def line_numbers(text: str, matches: list[re.Match[str]]) -> list[int]:
    """0-based line index of each match (matches in order)."""
    result = []
    line = last = 0
    for match in matches:
        line += text.count("\n", last, match.start())
        last = match.start()
        result.append(line)
    return result


# Some lines of a column chunk, chosen by a vectorised prefilter (columnar.py): given a
# kind ("digit", "numeric", "typed:<type>", "totals", "trigger", "address", "formula",
# "full"), the
# text of those lines and their indexes in the chunk (None: every line, the whole text).
# Every kind is a superset of the lines its regexes can match, so a check run on the
# view adds exactly what it adds on the whole chunk.
View = Callable[[str], tuple[str, "list[int] | None"]]


class _Subset(Sequence[Any]):
    def __init__(self, items: Sequence[Any], positions: list[int]) -> None:
        self._items, self._positions = items, positions

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._items[p] for p in self._positions[index]]
        return self._items[self._positions[index]]


def select(
    view: View | None, kind: str, text: str, rows: list[int], cells: Sequence[Any]
) -> tuple[str, list[int], Sequence[Any]]:
    """(text, rows, cells) of the lines of ``kind``: the whole chunk without a view."""
    if view is None:
        return text, rows, cells
    part, positions = view(kind)
    if positions is None:
        return part, rows, cells
    return part, [rows[p] for p in positions], _Subset(cells, positions)


@dataclass
class _MixedState:
    typed: int = 0  # numbers and dates seen
    text: int = 0


@dataclass
class ColumnChecks:
    """Value checks of one file's columns, fed chunk by chunk."""

    collector: FindingCollector
    fields: list[Field]  # inferred Table Schema fields, by position
    names: list[str] = field(default_factory=list)  # column names as the user wrote them
    skip_rows: set[int] = field(default_factory=set)  # e.g. a second header row
    _mixed: dict[int, _MixedState] = field(default_factory=dict)
    _totals_rows: set[int] = field(default_factory=set)
    _worded: dict[int, int] = field(default_factory=dict)  # values like "1,022 asistentes" per column
    _filled: dict[int, int] = field(default_factory=dict)  # non-empty values per column
    _date_named: dict[int, bool] = field(default_factory=dict)

    def _is_date_column(self, index: int) -> bool:
        if index not in self._date_named:
            folded = fold(self._name(index)).replace("_", " ")
            self._date_named[index] = bool(_DATE_NAME.search(folded))
        return self._date_named[index]

    def check_chunk(
        self,
        index: int,
        text: str,
        empty: int,
        rows: list[int],
        raw: list[Any] | None,
        cells: Sequence[Sequence[str]],
        view: View | None = None,
    ) -> None:
        """``text``: column ``index`` of the chunk, one value per line (``empty`` of them
        blank); ``raw``: the original cell objects when the format has typed cells
        (xlsx), else None; ``cells``: the chunk's rows, for row-level context; ``view``:
        the prefiltered lines of each kind (columnar.py), when ``text`` is not built."""
        fld = self.fields[index] if index < len(self.fields) else None
        if fld is None:
            return
        if self._is_date_column(index) and fld.type in ("integer", "number", "string", "any"):
            part, part_rows, _ = select(view, "digit", text, rows, cells)
            for match, line in _with_lines(part, _SERIAL_LINE):
                if part_rows[line] not in self.skip_rows:
                    serial = int(float(match.group()))
                    shown = f"{serial} (= {(_EXCEL_EPOCH + dt.timedelta(days=serial)).isoformat()})"
                    self.collector.add(messages.SERIAL_DATE, self._name(index), part_rows[line], shown)
            if fld.type in ("integer", "number"):
                return
        if fld.type == "string" or fld.type == "any":
            self._check_text(index, self._name(index), text, len(rows) - empty, rows, cells, view)
        elif raw is not None:
            self._check_typed(index, fld, text, rows, cells, raw)
        else:
            self._check_typed(index, fld, *select(view, f"typed:{fld.type}", text, rows, cells), None)

    # typed columns ------------------------------------------------------------------

    def _check_typed(
        self, index: int, fld: Field, text: str, rows: list[int], cells: Sequence[Sequence[str]], raw: list[Any] | None
    ) -> None:
        if raw is not None:
            candidates = [i for i, value in enumerate(raw) if value is not None and value != ""]
            candidates = [i for i in candidates if not _native_ok(fld.type, raw[i])]
            values = [raw[i] for i in candidates]
        else:
            pattern = _BAD_LINE.get(fld.type, _ANY_LINE)
            matches = list(pattern.finditer(text))
            candidates = line_numbers(text, matches)
            values = [m.group() for m in matches]
        for line, value in zip(candidates, values, strict=True):
            row = rows[line]
            if row in self.skip_rows:
                continue
            _, notes = fld.read_cell(value)
            if not notes:
                continue
            shown = str(value)
            if isinstance(value, str) and _TOTALS_LINE.fullmatch(value) and self._is_first_text(cells[line], index):
                self._add_total(row, self._name(index), shown)
                continue
            rule = messages.TYPE_ERROR if "type" in notes else messages.CONSTRAINT_ERROR
            if fld.type in ("date", "datetime") and _NUMBER_VALUE.fullmatch(shown.strip()):
                rule, shown = messages.NOT_A_DATE, _as_read(shown)
            self.collector.add(rule, self._name(index), row, shown[:60])

    # text columns ------------------------------------------------------------------

    def _check_text(
        self,
        index: int,
        name: str,
        full_text: str,
        nonempty: int,
        full_rows: list[int],
        full_cells: Sequence[Sequence[str]],
        view: View | None = None,
    ) -> None:
        text, rows, cells = select(view, "totals", full_text, full_rows, full_cells)
        for match, line in _with_lines(text, _TOTALS_LINE):
            if self._is_first_text(cells[line], index):
                self._add_total(rows[line], name, match.group().strip()[:60])
        if not _DIGIT.search(select(view, "digit", full_text, full_rows, full_cells)[0]):
            self._mixed_count(index, name, 0, nonempty, full_text, full_rows, view)
            return
        # Every pattern below needs a digit in the line and starts with a sign, "$", a digit
        # or a month: a view (columnar.py) may hold only those lines.
        text, rows, cells = select(view, "numeric", full_text, full_rows, full_cells)
        formatted = _with_lines(text, _NUMBER_AS_TEXT_LINE)
        dates = _with_lines(text, _DATE_NOT_ISO_LINE)
        iso_dates = len(_ISO_DATE_LINE.findall(text))
        # A percentage or amount among dates is a wrong value, not a number to reformat.
        date_column = self._is_date_column(index) or len(dates) + iso_dates > nonempty // 2
        for match, line in formatted:
            if rows[line] not in self.skip_rows:
                rule = messages.NOT_A_DATE if date_column else messages.NUMBER_AS_TEXT
                self.collector.add(rule, name, rows[line], match.group().strip())
        if date_column:
            # A bare number among dates: a percentage or amount typed in the wrong column
            # (serial dates, 20000-60000, were reported above as such).
            for match, line in _with_lines(text, _PLAIN_NUMBER_LINE):
                value = match.group().strip()
                if rows[line] not in self.skip_rows and not _SERIAL_LINE.fullmatch(value):
                    self.collector.add(messages.NOT_A_DATE, name, rows[line], _as_read(value))
        if not date_column:
            worded = _with_lines(text, _NUMBER_WITH_WORDS_LINE)
            self._worded[index] = self._worded.get(index, 0) + len(worded) + len(formatted)
            self._filled[index] = self._filled.get(index, 0) + nonempty
            already = {line for _, line in formatted}
            for match, line in worded:
                if line in already or rows[line] in self.skip_rows or _DATE_NOT_ISO_LINE.fullmatch(match.group()):
                    continue
                self.collector.add(messages.NUMBER_WITH_WORDS, name, rows[line], match.group().strip()[:60])
        for match, line in dates:
            if rows[line] not in self.skip_rows:
                self.collector.add(messages.DATE_NOT_ISO, name, rows[line], _with_iso(match.group().strip()))
        times = _with_lines(text, _TIME_12H_LINE)
        for match, line in times:
            if rows[line] not in self.skip_rows:
                self.collector.add(messages.TIME_12H, name, rows[line], _with_24h(match.group().strip()))
        for match, line in _with_lines(text, _ISO_DATE_CANDIDATE_LINE):
            if rows[line] not in self.skip_rows and not _real_date(match.group()[:10]):
                self.collector.add(messages.TYPE_ERROR, name, rows[line], match.group())
        typed = len(formatted) + len(dates) + len(times) + len(_PLAIN_NUMBER_LINE.findall(text)) + iso_dates
        self._mixed_count(index, name, typed, nonempty - typed, full_text, full_rows, view)

    def _mixed_count(
        self, index: int, name: str, typed: int, texts: int, text: str, rows: list[int], view: View | None = None
    ) -> None:
        """Numbers/dates with some texts in between: collect the texts, decide at the end."""
        state = self._mixed.setdefault(index, _MixedState())
        state.typed += typed
        state.text += texts
        if texts and typed > texts:
            text, rows, _ = select(view, "full", text, rows, rows)
            for match, line in _with_lines(text, _TEXT_LINE):
                if rows[line] not in self.skip_rows and rows[line] not in self._totals_rows:
                    self.collector.add(messages.MIXED_TYPES, name, rows[line], match.group().strip()[:60])

    def _name(self, index: int) -> str:
        return self.names[index] if index < len(self.names) else self.fields[index].name

    def finish(self) -> None:
        for index, worded in self._worded.items():
            # Quantities with words are a column's habit, not a sentence that starts with a number.
            if worded and worded * 2 < self._filled.get(index, 0):
                self.collector.discard(messages.NUMBER_WITH_WORDS.code, self._name(index))
        for index, state in self._mixed.items():
            name = self._name(index)
            if state.typed <= state.text:  # a text column with a few numbers: normal
                self.collector.discard(messages.MIXED_TYPES.code, name)

    # totals ------------------------------------------------------------------------

    def _is_first_text(self, row_cells: Sequence[str], index: int) -> bool:
        """A totals label is the first non-numeric cell of its row."""
        return all(not str(c).strip() or _NUMERIC_CELL.fullmatch(str(c)) for c in row_cells[:index])

    def _add_total(self, row: int, column: str, label: str) -> None:
        if row not in self._totals_rows:
            self._totals_rows.add(row)
            self.collector.add(messages.TOTALS_ROW, column, row, label)


_NUMBER_VALUE = re.compile(r"-?\d+(?:\.\d+)?")


def iso_reading(value: str) -> str | None:
    """The ISO date a Mexican reader sees in ``value`` (day first), read by the registry's one
    date reader: «31/01/24» -> 2024-01-31, «15-ene-2024» -> 2024-01-15. None when it is not
    one real day."""
    day = parse_day(value)
    return day.isoformat() if day else None


def _with_iso(value: str) -> str:
    iso = iso_reading(value)
    return f"{value} (= {iso})" if iso else value


def _with_24h(value: str) -> str:
    """«10:30 a.m.» -> «10:30 a.m. (= 10:30)», «4:15 p.m.» -> «4:15 p.m. (= 16:15)»."""
    digits = re.match(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", value)
    if not digits:
        return value
    hour = int(digits.group(1)) % 12 + (12 if "p" in value[digits.end():].lower() else 0)
    seconds = f":{digits.group(3)}" if digits.group(3) else ""
    return f"{value} (= {hour:02d}:{digits.group(2)}{seconds})"


def _as_read(value: str) -> str:
    """A number as a person saw it in the sheet: 0.45 was most likely shown as 45%."""
    try:
        number = float(value)
    except ValueError:
        return value
    return f"{value} (¿{number * 100:g}%?)" if 0 < abs(number) < 1 else value


def _native_ok(kind: str, value: Any) -> bool:
    """A spreadsheet cell that certainly fits the column type (no need to ask Frictionless)."""
    if isinstance(value, str):
        pattern = _FAST.get(kind)
        return pattern is not None and re.fullmatch(pattern, value) is not None
    if isinstance(value, bool):  # bool is an int subclass: only a boolean column takes it
        return kind == "boolean"
    python_types = _NATIVE.get(kind)
    return python_types is not None and isinstance(value, python_types)


_NATIVE: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float, decimal.Decimal),
    "year": (int,),
    "datetime": (dt.datetime,),
    "time": (dt.time,),
}


def _real_date(iso: str) -> bool:
    try:
        dt.date.fromisoformat(iso)
    except ValueError:
        return False
    return True


def _with_lines(text: str, pattern: re.Pattern[str]) -> list[tuple[re.Match[str], int]]:
    matches = list(pattern.finditer(text))
    return list(zip(matches, line_numbers(text, matches), strict=True))
