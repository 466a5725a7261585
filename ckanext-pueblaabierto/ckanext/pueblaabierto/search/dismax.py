"""Solr's DisMax for free text: the user's words as clauses, ``mm``, ``qf``.

CKAN sends ``defType=dismax`` (``mm=2<-1 5<80%``, ``qf=name^4 title^4 tags^2 groups^2 text``)
whenever ``q`` has no ``:``. Like Solr's DisMax, only ``+``, ``-`` and quotes are syntax;
anything else (parentheses, ``~``, ``^``, ``!``) is literal text, and a lone unbalanced
quote is dropped, so a citizen's typo never breaks a search. ``mm`` says how many of the
optional words must match; results are ranked by how many do (see query.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import parser as p

DEFAULT_MM = "2<-1 5<80%"
DEFAULT_QF = "name^4 title^4 tags^2 groups^2 text"

_FIELD_RE = re.compile(r"[A-Za-z_][\w.\-]*")
_TOKEN_RE = re.compile(r'([+-]?)"([^"]*)"|(\S+)')
_WORD_CHAR_RE = re.compile(r"\w", re.UNICODE)


class DismaxError(ValueError):
    """A query or parameter (``mm``, ``qf``) that Solr would refuse too."""


@dataclass(frozen=True)
class Clause:
    occur: str  # "+" required, "-" prohibited, "" optional
    term: p.Term


def parse(q: str) -> list[Clause]:
    """The clauses of a DisMax ``q``. Words without letters or digits are no clause."""
    if q.count('"') % 2:
        q = q.replace('"', " ")  # Solr's stripUnbalancedQuotes
    clauses: list[Clause] = []
    negate_next = False
    for match in _TOKEN_RE.finditer(q):
        sign, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None:
            if word in ("AND", "OR", "&&", "||"):
                continue
            if word in ("NOT", "!"):
                negate_next = True
                continue
            sign = ""
            if word[:2] in ("++", "+-", "-+", "--"):
                # Solr refuses two operators in a row ("--incluido") with a syntax error.
                raise DismaxError(f"«{word}» lleva dos operadores seguidos")
            if word[0] in "+-" and len(word) > 1:
                sign, word = word[0], word[1:]
            kind = "term"
            core = word.strip("()[]{}!^~?\\/:")
            core = re.sub(r"[~^][\d.]*$", "", core)
            if core.endswith("*") and _WORD_CHAR_RE.search(core[:-1]) and "*" not in core[:-1]:
                kind, core = "prefix", core[:-1]
            if not _WORD_CHAR_RE.search(core):
                negate_next = False
                continue
            term = p.Term(None, core, kind)
        else:
            if not _WORD_CHAR_RE.search(phrase):
                negate_next = False
                continue
            term = p.Term(None, phrase, "phrase")
        if negate_next:
            sign, negate_next = "-", False
        clauses.append(Clause(sign, term))
    return clauses


def is_only_syntax(q: str) -> bool:
    """``(`` or ``-+`` alone: nothing to search and not a query Solr would accept."""
    return bool(q.strip()) and not _WORD_CHAR_RE.search(q)


def parse_qf(qf: str) -> list[tuple[str, float]]:
    """``name^4 title^4 text`` -> ``[("name", 4.0), ("title", 4.0), ("text", 1.0)]``."""
    fields: list[tuple[str, float]] = []
    for item in qf.split():
        name, _, boost = item.partition("^")
        if not _FIELD_RE.fullmatch(name):
            raise DismaxError(f"campo «{name}» no válido en qf")
        try:
            weight = float(boost) if boost else 1.0
        except ValueError:
            raise DismaxError(f"peso «{boost}» no válido en qf (use p. ej. title^4)") from None
        fields.append((name, weight))
    if not fields:
        raise DismaxError("qf no indica ningún campo")
    return fields


def min_should_match(optional: int, spec: str) -> int:
    """How many of ``optional`` clauses must match, as Solr computes ``mm``.

    ``2<-1 5<80%``: up to 2 clauses all are needed, 3 to 5 all but one, more than 5 80%.
    """
    spec = re.sub(r"\s*<\s*", "<", spec.strip())
    try:
        if "<" in spec:
            result = optional
            for part in spec.split():
                upper, _, rest = part.partition("<")
                if optional <= int(upper):
                    return result
                result = min_should_match(optional, rest)
            return result
        if spec.endswith("%"):
            calc = optional * int(spec[:-1]) / 100
            result = optional + int(calc) if calc < 0 else int(calc)
        else:
            calc_int = int(spec)
            result = optional + calc_int if calc_int < 0 else calc_int
    except ValueError:
        raise DismaxError(f"mm «{spec}» no válido: use p. ej. 2, -1, 75% o 2<-1 5<80%") from None
    return optional if optional < result else max(result, 0)
