"""Translate a parsed query (``parser.Node``) into parameterised SQL.

Values never enter the SQL text: every value becomes a bind parameter. Field names
only select a jsonb key (also a parameter) or one of a few fixed columns.
Anything that cannot be translated faithfully raises ``UntranslatableQuery``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from dateutil.parser import ParserError
from dateutil.parser import parse as parse_date
from dateutil.relativedelta import relativedelta

from . import parser as p
from .document import FACET_FIELDS, facet_term, goes_to_text_fields, sort_key


class UntranslatableQuery(ValueError):
    """A clause this backend cannot answer correctly."""


# Fields whose Solr type is tokenised text; other fields are exact strings.
TEXT_FIELDS = {"text", "title", "notes", "res_name", "res_description", "author", "maintainer",
               "organization_title", "groups_title"}
# Prefixes of dynamic Solr text fields: matched exactly or as text.
TEXT_OR_EXACT_PREFIXES = ("extras_", "res_extras_")
DATE_COLUMNS = {"metadata_modified", "metadata_created"}
NGRAM_FIELDS = {"name_ngram": "name", "title_ngram": "title"}
# Fields stored as columns of the index table (every search filters on some of them).
SCALAR_COLUMNS = {"state": "state", "capacity": "capacity", "dataset_type": "dataset_type",
                  "site_id": "site_id", "name": "name", "id": "package_id"}

# Words as PostgreSQL's parser sees them: "SB-003" and "covid-19" stay whole, so
# to_tsquery() splits them exactly like to_tsvector() did at index time.
_WORD_RE = re.compile(r"\w(?:[\w.\-]*\w)?", re.UNICODE)
_NUMBER_RE = r"^-?[0-9]+(\.[0-9]+)?$"
_DATE_MATH_RE = re.compile(r"([+-])(\d+)(YEARS?|MONTHS?|DAYS?|HOURS?|MINUTES?|SECONDS?)")
_ROUND_RE = re.compile(r"/(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?")


@dataclass
class Sql:
    """A SQL fragment with its bind parameters."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)


class Translator:
    """Builds WHERE fragments; remembers free-text queries for ranking."""

    def __init__(self, prefix: str = "p") -> None:
        self._ids = itertools.count()
        self._prefix = prefix
        self.params: dict[str, Any] = {}
        self.rank_queries: list[str] = []  # names of tsquery params of positive text terms
        # tsquery param name -> to_tsquery() input; resolved by the database in one
        # round trip (resolve_tsqueries) so the final SQL compares with constants and
        # the GIN index on search_vector can be used.
        self.tsqueries: dict[str, str] = {}
        self._rank_texts: dict[str, str] = {}  # tsquery param name -> its tsquery for ts_rank()
        # DisMax ranks on any of the words (" | "), so more matched words rank higher.
        self.rank_joiner = " & "

    def param(self, value: Any) -> str:
        name = f"{self._prefix}{next(self._ids)}"
        self.params[name] = value
        return ":" + name

    # -- entry point ----------------------------------------------------------------
    def where(self, node: p.Node, positive: bool = True) -> str:
        if isinstance(node, p.MatchAll):
            return "TRUE"
        if isinstance(node, p.And):
            return "(" + " AND ".join(self.where(c, positive) for c in node.children) + ")"
        if isinstance(node, p.Or):
            return "(" + " OR ".join(self.where(c, positive) for c in node.children) + ")"
        if isinstance(node, p.Not):
            return "(NOT " + self.where(node.child, not positive) + ")"
        if isinstance(node, p.Exists):
            return self._exists(node.field)
        if isinstance(node, p.Range):
            return self._range(node)
        if isinstance(node, p.Term):
            return self._term(node, positive)
        raise UntranslatableQuery(f"cláusula no admitida: {node!r}")

    # -- terms ----------------------------------------------------------------------
    def _term(self, term: p.Term, positive: bool) -> str:
        name = term.field or "text"
        if name in NGRAM_FIELDS:
            # package_autocomplete: Solr's n-grams match any part of a word ("lumbr" in
            # "Alumbrado"), ignoring case. Titles are matched on title_sort (lower case,
            # no accents), the name on its column.
            if NGRAM_FIELDS[name] == "name":
                return "name ILIKE " + self.param("%" + _like_escape(term.value) + "%")
            return "title_sort LIKE " + self.param("%" + _like_escape(sort_key(term.value)) + "%")
        if name in DATE_COLUMNS and term.kind in ("term", "phrase"):
            moment = parse_moment(term.value)
            return f"{name} = {self.param(moment)}"
        if name in SCALAR_COLUMNS:
            return self._column(SCALAR_COLUMNS[name], term)
        if name == "permission_labels":
            if term.kind in ("term", "phrase"):
                labels = "permission_labels"
                if term.value == "public":
                    # Every visitor and every account carries "public", and so does nearly every
                    # dataset: its index entry filters nothing (88,000 of 100,000 rows, ≈ 20 ms to
                    # read), yet the planner adds it to each search's bitmap. The same test on an
                    # expression no index covers is checked on the matched rows only.
                    labels = "(permission_labels || CAST('{}' AS text[]))"
                return f"{labels} && CAST({self.param([term.value])} AS text[])"
            pattern = _like_escape(term.value).replace("*", "%").replace("?", "_")
            pattern += "%" if term.kind == "prefix" else ""
            return f"EXISTS (SELECT 1 FROM unnest(permission_labels) AS v WHERE v LIKE {self.param(pattern)})"
        if name in ("text", "title") and term.kind == "wildcard":
            return self._lexeme_pattern(term, weight="A" if name == "title" else None)
        if name == "text":
            return self._text_match(term, weight=None, positive=positive)
        if name == "title":
            return self._text_match(term, weight="A", positive=positive)
        if name in TEXT_FIELDS:
            return self._text_in_values(name, term)
        if name.startswith(TEXT_OR_EXACT_PREFIXES):
            both = ("fields", "text_fields")
            return "(" + self._exact(name, term) + " OR " + self._text_in_values(name, term, both) + ")"
        return self._exact(name, term)

    def _column(self, column: str, term: p.Term) -> str:
        if term.kind == "prefix":
            return f"{column} LIKE {self.param(_like_escape(term.value) + '%')}"
        if term.kind == "wildcard":
            return f"{column} LIKE {self.param(_like_escape(term.value).replace('*', '%').replace('?', '_'))}"
        return f"{column} = {self.param(term.value)}"

    def _exact(self, name: str, term: p.Term) -> str:
        if term.kind in ("prefix", "wildcard"):
            pattern = _like_escape(term.value).replace("*", "%").replace("?", "_")
            if term.kind == "prefix":
                pattern += "%"
            condition = "v LIKE " + self.param(pattern)
            return f"({self._any_value(name, condition)} OR {self._any_value(name, condition, 'text_fields')})"
        column = "text_fields" if goes_to_text_fields(name, term.value) else "fields"
        if column == "fields" and name in FACET_FIELDS:
            # Same rows as ``fields @> {name: [value]}`` (facet_terms holds those values),
            # but an array the planner has statistics for, in the row itself.
            return f"facet_terms @> CAST({self.param([facet_term(name, term.value)])} AS text[])"
        containment = json.dumps({name: [term.value]})
        return f"{column} @> CAST({self.param(containment)} AS jsonb)"

    def _any_value(self, name: str, condition: str, column: str = "fields") -> str:
        return (f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({column} -> {self.param(name)}) AS v "
                f"WHERE {condition})")

    def _exists(self, name: str) -> str:
        if name in DATE_COLUMNS:
            return f"{name} IS NOT NULL"
        if name in SCALAR_COLUMNS:
            return f"{SCALAR_COLUMNS[name]} IS NOT NULL"
        if name == "permission_labels":
            return "cardinality(permission_labels) > 0"
        if name == "text":
            return "TRUE"
        key = self.param(name)
        return f"(jsonb_exists(fields, {key}) OR jsonb_exists(text_fields, {key}))"

    # -- text -----------------------------------------------------------------------
    def tsquery_source(self, term: p.Term, weight: str | None) -> str | None:
        """The to_tsquery() input for a term, built from its words only."""
        if term.kind == "wildcard":
            raise UntranslatableQuery(
                f"comodín «{term.value}» no admitido en el campo {term.field}: use un * final (prefijo), "
                "o búsquelo en text o title"
            )
        words = _WORD_RE.findall(term.value)
        if not words:
            return None
        suffix = (":" + weight) if weight else ""
        parts = []
        for word in words:
            forms = [word, *_accented_forms(word)]
            alternatives = " | ".join(form + suffix for form in forms)
            parts.append(f"({alternatives})" if len(forms) > 1 else alternatives)
        if term.kind == "prefix":
            parts[-1] = words[-1] + ":*" + (weight or "")
        if term.kind == "phrase" and term.slop > 0 and len(parts) > 1:
            return proximity_tsquery(parts, term.slop, term.value)
        joiner = " <-> " if term.kind == "phrase" else " & "
        return joiner.join(parts)

    def tsquery(self, source: str) -> str:
        """Register a text query; returns its parameter name (``:name``, ``:name_empty``)."""
        name = f"{self._prefix}{next(self._ids)}"
        self.tsqueries[name] = source
        self.params[name] = ""
        self.params[name + "_empty"] = True
        return name

    def resolve_tsqueries(self, execute: Any) -> None:
        """Let PostgreSQL parse the text queries (stemming, unaccent) in one statement.

        ``execute(sql, params)`` runs a statement and returns rows. The final SQL then
        compares with constants, so the GIN index on search_vector can be used. A
        query of stop words only ("de") has no lexemes; like Solr, it matches all.
        Parsed queries are remembered (``parsed_tsqueries``): popular words cost no round trip.
        """
        if not self.tsqueries:
            return
        resolved = parsed_tsqueries(execute, list(self.tsqueries.values()))
        for name, source in self.tsqueries.items():
            self.params[name] = resolved[source].match
            self.params[name + "_empty"] = not resolved[source].match
            self._rank_texts[name] = resolved[source].rank

    def rank_tsquery(self) -> str | None:
        """All positive text terms as one tsquery (text), for ts_rank()."""
        parts = [f"({self._rank_texts[n]})" for n in self.rank_queries if self._rank_texts.get(n)]
        return self.rank_joiner.join(parts) or None

    def _text_match(self, term: p.Term, weight: str | None, positive: bool) -> str:
        source = self.tsquery_source(term, weight)
        if source is None:
            return "TRUE"  # only punctuation: nothing to match, like Solr's analysers
        name = self.tsquery(source)
        if positive:
            self.rank_queries.append(name)
        return f"(:{name}_empty OR search_vector @@ CAST(:{name} AS tsquery))"

    def _text_in_values(self, name: str, term: p.Term, columns: tuple[str, ...] = ("text_fields",)) -> str:
        source = self.tsquery_source(term, None)
        if source is None:
            return "TRUE"
        query = self.tsquery(source)
        vector = "(to_tsvector('spanish', v) || to_tsvector('spanish', unaccent(v)))"
        matches = [self._any_value(name, f"{vector} @@ CAST(:{query} AS tsquery)", column) for column in columns]
        return f"(:{query}_empty OR " + " OR ".join(matches) + ")"

    def _lexeme_pattern(self, term: p.Term, weight: str | None) -> str:
        """``pob*cion``, ``agu?``: like Solr, the pattern is matched against the indexed
        (lower-case, stemmed) terms; unaccented terms are indexed too."""
        pattern = _like_escape(sort_key(term.value)).replace("*", "%").replace("?", "_")
        if not pattern.strip("%_"):
            raise UntranslatableQuery(f"el comodín «{term.value}» no contiene letras que buscar")
        condition = f"u.lexeme LIKE {self.param(pattern)}"
        if weight:
            condition += f" AND {self.param(weight)} = ANY(u.weights::text[])"
        return f"EXISTS (SELECT 1 FROM unnest(search_vector) AS u WHERE {condition})"

    # -- ranges ---------------------------------------------------------------------
    def _range(self, node: p.Range) -> str:
        low_op = ">=" if node.include_low else ">"
        high_op = "<=" if node.include_high else "<"
        if node.field in DATE_COLUMNS:
            parts = []
            if node.low is not None:
                parts.append(f"{node.field} {low_op} {self.param(parse_moment(node.low))}")
            if node.high is not None:
                parts.append(f"{node.field} {high_op} {self.param(parse_moment(node.high))}")
            return "(" + " AND ".join(parts) + ")"
        bounds = [b for b in (node.low, node.high) if b is not None]
        if node.field in TEXT_FIELDS:
            raise UntranslatableQuery(
                f"no se admiten rangos sobre el campo de texto «{node.field}»: los rangos valen para "
                "fechas (metadata_modified:[NOW-1YEAR TO NOW]), números y campos exactos"
            )
        if all(re.match(_NUMBER_RE, b) for b in bounds):
            value = f"(CASE WHEN v ~ {self.param(_NUMBER_RE)} THEN v::numeric END)"
            conv: Callable[[str], Any] = float
        elif all(_looks_like_moment(b) for b in bounds):
            # Dates are stored as ISO strings; compare on the same ISO form.
            value = "v"
            conv = _iso_moment
        else:
            value = "v"
            conv = str
        parts = []
        if node.low is not None:
            parts.append(f"{value} {low_op} {self.param(conv(node.low))}")
        if node.high is not None:
            parts.append(f"{value} {high_op} {self.param(conv(node.high))}")
        return self._any_value(node.field, " AND ".join(parts))


# A proximity query becomes one exact-distance phrase per arrangement of its words.
MAX_PROXIMITY_ARRANGEMENTS = 200


def proximity_tsquery(parts: list[str], slop: int, phrase: str) -> str:
    """``"a b"~N`` as Lucene's sloppy phrase, in tsquery phrase operators.

    Lucene matches when the words' positions, each less its place in the phrase, spread over
    at most N: ``"agua potable"~2`` finds «agua potable», «agua de uso potable» and «potable
    agua»; reordering costs too (swapping two words costs 2). tsquery's ``a <d> b`` is «b exactly
    d positions after a», so each arrangement within the slop is a chain of ``<d>`` in position
    order, and the query is their OR. Stop words count as positions in both, as in the index.
    """
    arrangements: set[str] = set()
    for offsets in itertools.product(range(slop + 1), repeat=len(parts)):
        if min(offsets) != 0:
            continue  # the same arrangement shifted: counted once
        positions = [place + offset for place, offset in enumerate(offsets)]
        if len(set(positions)) != len(positions):
            continue  # two words cannot share a position
        order = sorted(range(len(parts)), key=positions.__getitem__)
        chain = f"({parts[order[0]]})"
        for previous, current in itertools.pairwise(order):
            chain += f" <{positions[current] - positions[previous]}> ({parts[current]})"
        arrangements.add(f"({chain})")
        if len(arrangements) > MAX_PROXIMITY_ARRANGEMENTS:
            raise UntranslatableQuery(
                f"la proximidad de «\"{phrase}\"~{slop}» es demasiado amplia para buscarse: use menos palabras "
                "o una distancia menor (p. ej. ~3)"
            )
    return " | ".join(sorted(arrangements))


class ParsedTsquery(NamedTuple):
    """A text query as tsquery text: ``match`` to find rows, ``rank`` to score them ('' for stop words only).

    Both are the Spanish parse OR the parse of the unaccented text. When the two are equal
    (most words: "permisos", "recau*"), ``match`` is that one alone: matching the same
    lexemes twice doubled the text index's work, and a prefix ("recau:*") was rechecked
    against every candidate's vector twice (28 → 58 ms at 100,000 datasets). ``rank`` keeps
    the union, as before: ts_rank() picks its formula by the query's top operator (an
    «a & b» alone is ranked with word proximity, «(a & b) | (a & b)» is not), so scores,
    and the order by relevance, stay what they were.
    """

    match: str
    rank: str


# to_tsquery() input -> its tsquery texts. Depends only on the 'spanish' text search
# configuration and unaccent's rules, which do not change while CKAN runs.
_PARSED: dict[str, ParsedTsquery] = {}
_PARSED_MAX = 4096


def parsed_tsqueries(execute: Any, sources: list[str]) -> dict[str, ParsedTsquery]:
    """``{source: its parsed tsquery}``, asking PostgreSQL only for new sources."""
    missing = list(dict.fromkeys(s for s in sources if s not in _PARSED))
    if missing:
        rows = execute(
            "SELECT s, (CASE WHEN a = b THEN a ELSE a || b END)::text, (a || b)::text FROM "
            "(SELECT s, to_tsquery('spanish', s) AS a, to_tsquery('spanish', unaccent(s)) AS b "
            " FROM unnest(CAST(:sources AS text[])) AS t(s)) AS parsed",
            {"sources": missing},
        )
        if len(_PARSED) + len(missing) > _PARSED_MAX:
            _PARSED.clear()
        _PARSED.update({source: ParsedTsquery(match or "", rank or "") for source, match, rank in rows})
    return {source: _PARSED[source] for source in sources}


# Spanish suffixes the Snowball stemmer only recognises with their accent. A user
# typing "licitacion" must still find "Licitaciones" (stem "licit"), so the query
# also tries the accented form. Unaccented document text is covered by the
# unaccented half of the stored vector.
_ACCENTED_SUFFIXES = (("cion", "ción"), ("sion", "sión"), ("logia", "logía"), ("ucion", "ución"))


def _accented_forms(word: str) -> list[str]:
    lower = word.lower()
    forms: list[str] = []
    if not lower.isalpha():
        return forms
    for plain, accented in _ACCENTED_SUFFIXES:
        if lower.endswith(plain) and len(lower) > len(plain) + 1:
            form = lower[: -len(plain)] + accented
            if form not in forms:
                forms.append(form)
    return forms


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _looks_like_moment(value: str) -> bool:
    try:
        parse_moment(value)
    except UntranslatableQuery:
        return False
    return True


def _iso_moment(value: str) -> str:
    return parse_moment(value).isoformat()


def parse_moment(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """Solr date or date math (``NOW``, ``NOW-1DAY``, ``NOW/DAY``, ISO 8601) as naive UTC."""
    text = value.strip().upper()
    if text.startswith("NOW"):
        moment = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        rest = text[3:]
    else:
        match = re.match(r"^([0-9T:\-.Z]+)(.*)$", text)
        if not match:
            raise UntranslatableQuery(f"fecha no válida: «{value}»")
        try:
            parsed = parse_date(match.group(1))
        except (ParserError, OverflowError, ValueError) as e:
            raise UntranslatableQuery(f"fecha no válida: «{value}»") from e
        if parsed.tzinfo:
            parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
        moment, rest = parsed, match.group(2)
    while rest:
        math = _DATE_MATH_RE.match(rest)
        rounding = _ROUND_RE.match(rest)
        if math:
            sign, amount, unit = math.groups()
            unit = unit.lower().rstrip("s") + "s"
            delta = relativedelta(**{unit: int(amount)})
            moment = moment + delta if sign == "+" else moment - delta
            rest = rest[math.end():]
        elif rounding:
            unit = rounding.group(1)
            keep = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"].index(unit)
            defaults: dict[str, Any] = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "microsecond": 0}
            names = ["month", "day", "hour", "minute", "second"][keep:]
            moment = moment.replace(**{n: defaults[n] for n in names}, microsecond=0)
            rest = rest[rounding.end():]
        else:
            raise UntranslatableQuery(f"expresión de fecha no admitida: «{value}»")
    return moment
