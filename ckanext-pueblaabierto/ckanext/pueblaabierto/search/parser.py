"""A small parser for the subset of the Solr/Lucene query syntax that CKAN sends.

CKAN core, ckanext-dcat and the portal build ``q``/``fq`` strings in Lucene's syntax
(``+capacity:public``, ``-dataset_type:harvest``, ``tags:"agua"``,
``metadata_modified:[2024-01-01T00:00:00Z TO NOW]``, ``state:(active OR draft)``).
This module turns such a string into a tiny AST that ``sql.py`` translates to
parameterised SQL. Anything outside the subset raises ``QuerySyntaxError`` so the
caller can report it instead of silently returning a wrong result.

Semantics follow Lucene's classic parser with ``q.op=AND`` (what CKAN sets): clauses
without an operator are required, ``OR`` joins alternatives, ``-``/``NOT`` excludes,
``+`` marks a clause as required. ``AND`` binds tighter than ``OR``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Union


class QuerySyntaxError(ValueError):
    """The query uses syntax this backend does not understand."""


# -- AST ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchAll:
    pass


@dataclass(frozen=True)
class Term:
    """``field:value``; ``field`` is None for the default field.

    ``kind`` is ``term`` (a bare word or words), ``phrase`` (quoted), ``prefix``
    (``valu*``) or ``wildcard`` (other ``*``/``?`` patterns). ``slop`` is a phrase's
    proximity (``"a b"~3``): how far its words may move from the exact phrase.
    """

    field: str | None
    value: str
    kind: str = "term"
    slop: int = 0


@dataclass(frozen=True)
class Exists:
    """``field:*`` or ``field:[* TO *]``: the field has any value."""

    field: str


@dataclass(frozen=True)
class Range:
    field: str
    low: str | None  # None means open (``*``)
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...] = field(default_factory=tuple)


Node = Union[MatchAll, Term, Exists, Range, Not, And, Or]  # noqa: UP007 (runtime alias, py3.10 safe)


# -- tokenizer ------------------------------------------------------------------------

_SPECIAL = set('+-&|!(){}[]^"~*?:\\/ \t\r\n')
_FIELD_RE = re.compile(r"[A-Za-z_][\w.\-]*")


@dataclass
class _Token:
    kind: str  # LPAREN RPAREN AND OR NOT PLUS MINUS FIELD WORD PHRASE RANGE
    # FIELD, PHRASE: str; WORD: (word, has_wildcard); RANGE: (low, high, inc_low, inc_high)
    value: Any = None
    pos: int = 0


def _read_word(text: str, i: int) -> tuple[str, bool, int]:
    """Read a bare word starting at i; returns (word, has_unescaped_wildcard, end)."""
    out = []
    wildcard = False
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            out.append(text[i + 1])
            i += 2
            continue
        if c in " \t\r\n()\"[]{}^~:" or (c == "/" and not out):
            break
        if c in "*?":
            wildcard = True
        out.append(c)
        i += 1
    return "".join(out), wildcard, i


def _skip_modifiers(text: str, i: int) -> int:
    """Skip ``^2`` boosts and ``~1`` fuzziness/slop: they only change scoring."""
    n = len(text)
    while i < n and text[i] in "^~":
        i += 1
        while i < n and (text[i].isdigit() or text[i] == "."):
            i += 1
    return i


def _read_slop(text: str, i: int) -> tuple[int, int]:
    """A phrase's ``~N`` proximity (Lucene: ``~`` alone is 0, a fraction is truncated)."""
    if i >= len(text) or text[i] != "~":
        return 0, i
    j = i + 1
    while j < len(text) and (text[j].isdigit() or text[j] == "."):
        j += 1
    digits = text[i + 1 : j]
    try:
        return (int(float(digits)) if digits else 0), j
    except (ValueError, OverflowError):  # "1.2.3", or more digits than a float holds
        raise QuerySyntaxError(f"proximidad «{text[i:j]}» no válida en la posición {i}: use un entero, "
                               'p. ej. "agua potable"~3') from None


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        start = i
        if c == "(":
            tokens.append(_Token("LPAREN", pos=i))
            i += 1
        elif c == ")":
            tokens.append(_Token("RPAREN", pos=i))
            i = _skip_modifiers(text, i + 1)
        elif text.startswith("&&", i):
            tokens.append(_Token("AND", pos=i))
            i += 2
        elif text.startswith("||", i):
            tokens.append(_Token("OR", pos=i))
            i += 2
        elif c == "!":
            tokens.append(_Token("NOT", pos=i))
            i += 1
        elif c == "+":
            tokens.append(_Token("PLUS", pos=i))
            i += 1
        elif c == "-":
            tokens.append(_Token("MINUS", pos=i))
            i += 1
        elif c == '"':
            j = i + 1
            out = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    out.append(text[j + 1])
                    j += 2
                    continue
                out.append(text[j])
                j += 1
            if j >= n:
                raise QuerySyntaxError(f"comillas sin cerrar en la posición {start}")
            slop, i = _read_slop(text, j + 1)
            tokens.append(_Token("PHRASE", ("".join(out), slop), pos=start))
            i = _skip_modifiers(text, i)
        elif c in "[{":
            j = i + 1
            depth_end = None
            while j < n:
                if text[j] in "]}":
                    depth_end = j
                    break
                j += 1
            if depth_end is None:
                raise QuerySyntaxError(f"rango sin cerrar en la posición {start}")
            body = text[i + 1 : depth_end].strip()
            parts = re.split(r"\s+TO\s+", body)
            if len(parts) != 2:
                raise QuerySyntaxError(f"rango inválido «{text[i:depth_end + 1]}»: se espera [A TO B]")
            low, high = (p.strip().strip('"') for p in parts)
            tokens.append(
                _Token(
                    "RANGE",
                    (None if low == "*" else low, None if high == "*" else high, c == "[", text[depth_end] == "]"),
                    pos=start,
                )
            )
            i = _skip_modifiers(text, depth_end + 1)
        elif c in "]}":
            raise QuerySyntaxError(f"«{c}» inesperado en la posición {i}")
        else:
            word, wildcard, j = _read_word(text, i)
            colon = j
            while colon < n and text[colon].isspace():
                colon += 1  # Lucene allows "field : value"
            if (colon < n and text[colon] == ":" and not wildcard and _FIELD_RE.fullmatch(word)
                    and word not in ("AND", "OR", "NOT")):
                tokens.append(_Token("FIELD", word, pos=start))
                i = colon + 1
                continue
            if j < n and text[j] == ":" and word == "*":
                tokens.append(_Token("FIELD", "*", pos=start))
                i = j + 1
                continue
            if not word:
                raise QuerySyntaxError(f"carácter inesperado «{c}» en la posición {i}")
            if word in ("AND", "OR", "NOT"):
                tokens.append(_Token(word, pos=start))
            else:
                if j < n and text[j] == "~":
                    # Fuzzy matching needs an edit-distance search over every indexed word;
                    # refused plainly rather than silently searching the exact word.
                    raise QuerySyntaxError(
                        f"la búsqueda aproximada «{text[start:j]}~» no está disponible: escriba la palabra "
                        f"completa o use un prefijo como «{word[:max(3, len(word) - 2)]}*»"
                    )
                tokens.append(_Token("WORD", (word, wildcard), pos=start))
            i = _skip_modifiers(text, j)
    return tokens


# -- parser ---------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def peek_kind(self) -> str | None:
        tok = self.peek()
        return tok.kind if tok is not None else None

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.parse_or(None)
        tok = self.peek()
        if tok is not None:
            raise QuerySyntaxError(f"«)» sin abrir en la posición {tok.pos}")
        return node

    # or_expr := and_expr (OR and_expr)*
    def parse_or(self, default_field: str | None) -> Node:
        alternatives = [self.parse_and(default_field)]
        while self.peek_kind() == "OR":
            self.take()
            alternatives.append(self.parse_and(default_field))
        return alternatives[0] if len(alternatives) == 1 else Or(tuple(alternatives))

    # and_expr := clause ((AND)? clause)*   -- implicit operator is AND (q.op=AND)
    def parse_and(self, default_field: str | None) -> Node:
        clauses = [self.parse_clause(default_field)]
        while True:
            tok = self.peek()
            if tok is None or tok.kind in ("OR", "RPAREN"):
                break
            if tok.kind == "AND":
                self.take()
            clauses.append(self.parse_clause(default_field))
        return clauses[0] if len(clauses) == 1 else And(tuple(clauses))

    # clause := (PLUS | MINUS | NOT)? atom
    def parse_clause(self, default_field: str | None) -> Node:
        tok = self.peek()
        if tok is None:
            raise QuerySyntaxError("la consulta termina donde se esperaba un término")
        if tok.kind in ("MINUS", "NOT"):
            self.take()
            return Not(self.parse_clause(default_field))
        if tok.kind == "PLUS":
            self.take()
            return self.parse_clause(default_field)
        return self.parse_atom(default_field)

    def parse_atom(self, default_field: str | None) -> Node:
        tok = self.take()
        if tok.kind == "LPAREN":
            if self.peek_kind() == "RPAREN":
                raise QuerySyntaxError(f"paréntesis vacíos en la posición {tok.pos}")
            node = self.parse_or(default_field)
            closing = self.peek()
            if closing is None or closing.kind != "RPAREN":
                raise QuerySyntaxError(f"paréntesis sin cerrar en la posición {tok.pos}")
            self.take()
            return node
        if tok.kind == "FIELD":
            nxt = self.peek()
            if nxt is None:
                raise QuerySyntaxError(f"falta el valor del campo «{tok.value}»")
            name = str(tok.value)
            if name == "*":
                value_tok = self.take()
                if value_tok.kind == "WORD" and value_tok.value[0] == "*":
                    return MatchAll()
                raise QuerySyntaxError("solo se admite «*:*» como comodín de campo")
            if nxt.kind == "LPAREN":
                return self.parse_atom(name)
            if nxt.kind in ("MINUS", "PLUS", "NOT"):
                return self.parse_clause(name)
            return self.parse_value(name, self.take())
        if tok.kind in ("WORD", "PHRASE", "RANGE"):
            return self.parse_value(default_field, tok)
        names = {"RPAREN": "«)»", "AND": "AND", "OR": "OR"}
        raise QuerySyntaxError(f"{names.get(tok.kind, tok.kind)} inesperado en la posición {tok.pos}")

    def parse_value(self, field_name: str | None, tok: _Token) -> Node:
        if tok.kind == "PHRASE":
            phrase, slop = tok.value  # type: ignore[misc]
            return Term(field_name, phrase, "phrase", slop)
        if tok.kind == "RANGE":
            if field_name is None:
                raise QuerySyntaxError("un rango necesita un campo, p. ej. metadata_modified:[X TO NOW]")
            low, high, inc_low, inc_high = tok.value
            if low is None and high is None:
                return Exists(field_name)
            return Range(field_name, low, high, inc_low, inc_high)
        if tok.kind == "WORD":
            word, wildcard = tok.value
            if not wildcard:
                return Term(field_name, word, "term")
            if word == "*":
                return MatchAll() if field_name is None else Exists(field_name)
            body = word[:-1]
            if word.endswith("*") and "*" not in body and "?" not in body:
                return Term(field_name, body, "prefix")
            return Term(field_name, word, "wildcard")
        raise QuerySyntaxError(f"se esperaba un valor en la posición {tok.pos}")


def parse(text: str) -> Node:
    """Parse a Lucene-style query string. An empty string matches everything."""
    if text is None or not text.strip():
        return MatchAll()
    return _Parser(text).parse()
