"""navl's ``_validate`` with its schema work done once per shape (for the rebuild).

The index stores each dataset validated with its ``package_show`` schema (so search
results equal ``package_show``). Profiled in a rebuild, that validation was half of
the time, and most of it was not validating: ``augment_data`` and ``make_full_schema``
flatten the schema three times, match every data key against every schema key, and
``_validate`` sorts the full schema four times, for every dataset. All of that depends
only on the schema's keys (which are lists, which are dicts) and on the data's keys,
and a catalogue has few such shapes (how many resources, tags, extras a dataset has).

``_validate`` here computes that once per (schema shape, data keys) and then does
what navl does with the values: the same new data (junk, ``__extras``, ``missing``),
the same converters on the same keys in the same order, the same ``DataError``. The
validators come from the schema of each call (scheming builds fresh ones, and edits
the schema it is given, so the schema object itself is never reused).
``reused_plans()`` installs it as ``ckan.lib.navl.dictization_functions._validate``,
which ``validate`` calls (directly or through scheming), for the time of a rebuild.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import ckan.lib.navl.dictization_functions as df

# Shapes kept at most (a catalogue has tens); beyond, the cache starts over.
MAX_PLANS = 2000

FlatKey = tuple[Any, ...]


@dataclass(frozen=True)
class _Plan:
    """What navl derives from the schema's and the data's keys alone."""

    full_keys: tuple[FlatKey, ...]  # make_full_schema's keys, in its order
    # Data keys not in the full schema: where augment_data moves them (("__junk",) or an
    # ``__extras`` key), and whether it first checks they are not put against a subschema.
    moved: dict[FlatKey, tuple[FlatKey, bool]]
    missing: tuple[FlatKey, ...]  # full-schema keys augment_data fills with ``missing``
    before: tuple[FlatKey, ...]
    main: tuple[FlatKey, ...]
    extras: tuple[FlatKey, ...]
    after: tuple[FlatKey, ...]
    junk: bool


_plans: dict[tuple[frozenset[Any], frozenset[FlatKey]], _Plan | None] = {}
_NAVL_VALIDATE = df._validate


def _plan(data: dict[FlatKey, Any], schema: dict[str, Any], flattened: dict[FlatKey, Any]) -> _Plan | None:
    """navl's own functions on this call's data and schema, reduced to keys (None: not reducible)."""
    full_schema = df.make_full_schema(data, schema)
    if any(flattened.get(key[::2]) is not validators for key, validators in full_schema.items()):
        return None  # keys _validate could not map back to this schema's validators (never from flatten_dict)
    key_combinations = df.get_all_key_combinations(data, flattened)
    prefixes = {initial_key[:n] for initial_key in flattened for n in range(len(initial_key) + 1)}
    moved: dict[FlatKey, tuple[FlatKey, bool]] = {}
    for key in data:
        if key in full_schema:
            continue
        against_subschema = key[::2] in prefixes
        target = key[:-1] + ("__extras",) if key[:-1] in key_combinations else ("__junk",)
        moved[key] = (target, against_subschema)
    ordered = sorted(full_schema, key=df.flattened_order_key)
    return _Plan(
        full_keys=tuple(full_schema),
        moved=moved,
        missing=tuple(key for key in full_schema if key not in data and not key[-1].startswith("__")),
        before=tuple(key for key in ordered if key[-1] == "__before"),
        main=tuple(key for key in ordered if not key[-1].startswith("__")),
        extras=tuple(key for key in ordered if key[-1] == "__extras"),
        after=tuple(key for key in reversed(ordered) if key[-1] == "__after"),
        junk=("__junk",) in full_schema,
    )


def _run(keys: tuple[FlatKey, ...], full_schema: dict[FlatKey, Any], converted_data: dict[FlatKey, Any],
         errors: dict[FlatKey, list[Any]], context: Any) -> None:
    for key in keys:
        for converter in full_schema[key]:
            try:
                df.convert(converter, key, converted_data, errors, context)
            except df.StopOnError:
                break


def _validate(data: dict[FlatKey, Any], schema: dict[str, Any], context: Any
              ) -> tuple[dict[FlatKey, Any], dict[FlatKey, list[Any]]]:
    """Same answer as ``ckan.lib.navl.dictization_functions._validate``."""
    flattened = df.flatten_schema(schema)
    shape = (frozenset((key, isinstance(value, list)) for key, value in flattened.items()), frozenset(data))
    if shape in _plans:
        plan = _plans[shape]
    else:
        if len(_plans) >= MAX_PLANS:
            _plans.clear()
        plan = _plans[shape] = _plan(data, schema, flattened)
    if plan is None:
        return _NAVL_VALIDATE(data, schema, context)
    # make_full_schema: each key's validators from this schema (key[::2] drops list indexes).
    full_schema = {key: flattened[key[::2]] for key in plan.full_keys}

    # augment_data
    converted_data = copy.copy(data)
    junk: dict[FlatKey, Any] = {}
    extras_keys: dict[FlatKey, dict[Any, Any]] = {}
    for key, value in converted_data.items():
        if key in full_schema:
            continue
        target, against_subschema = plan.moved[key]
        if against_subschema and data[key] != []:
            raise df.DataError(f"Only lists of dicts can be placed against subschema {key}, not {type(data[key])}")
        if target == ("__junk",):
            junk[key] = value
        else:
            extras_keys.setdefault(target, {})[key[-1]] = value
    if junk:
        converted_data[("__junk",)] = junk
    for extras_key, extras in extras_keys.items():
        converted_data[extras_key] = extras
    for key in plan.moved:
        converted_data.pop(key)
    for key in plan.missing:
        if key not in converted_data:
            converted_data[key] = df.missing

    errors: dict[FlatKey, list[Any]] = {key: [] for key in full_schema}
    for keys in (plan.before, plan.main, plan.extras, plan.after):
        _run(keys, full_schema, converted_data, errors, context)
    if plan.junk:
        _run((("__junk",),), full_schema, converted_data, errors, context)
    return converted_data, errors


@contextmanager
def reused_plans() -> Iterator[None]:
    """navl validates with this module's ``_validate`` inside the block."""
    original = df._validate
    df._validate = _validate
    try:
        yield
    finally:
        df._validate = original
        _plans.clear()
