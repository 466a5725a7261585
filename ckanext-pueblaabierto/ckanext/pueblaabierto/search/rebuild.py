"""``ckan search-index rebuild`` for the PostgreSQL backend: batched, read in bulk, forked.

CKAN's ``ckan.lib.search.rebuild`` indexes one dataset at a time: ``package_show``,
then one UPSERT. Profiled (cProfile, 500-1,000 datasets, one process) that path cost
≈ 18 ms per dataset: ``package_show`` 8.5 ms (7 ``package_dictize`` queries and a
member count per group), the validation with the ``package_show`` schema that makes
search results equal ``package_show`` 5.2 ms (mostly navl flattening, matching and
sorting the schema: ``augment_data``, ``make_full_schema``), the batch write 2.2 ms.
Neither ``package_show``'s answer nor the validation can change, so this module:

- reads each batch with one query per table (``bulk_show.package_shows``: CKAN's own
  dictize functions on the batch's rows, then the rest of ``package_show``); datasets
  whose answer could differ that way (ties in CKAN's sorts, relationships, a
  ``package_show`` changed by a plugin) go through ``package_show`` itself;
- validates with navl's schema work done once per shape of schema and data
  (``navl_plans``: same converters, same keys, same order);
- loads each batch's ``Package`` rows in one query and keeps them referenced, so the
  permission labels find them in the session instead of querying one by one;
- writes a batch with one statement (``index_packages``), text vectors computed by
  PostgreSQL for the whole batch;
- on a full rebuild of a big catalogue, forks one indexer per CPU (each on its own
  connection, see ``backend._fresh_connections_after_fork``).

Same profile, 1,000 datasets, both paths in one sitting (load ≈ 6-7, so inflated):
before 76.9 ms per dataset (``package_show`` 44.8, 7.4 queries each; validation 19.7,
of it navl's ``_validate`` 15.6; the rest of the document 6.9; write 4.8), after
26.9 ms (bulk read 6.0; validation 8.5, of it ``navl_plans._validate`` 4.6; the rest
of the document 6.8; write 5.3).
The rows are byte for byte those of CKAN's loop (tests/plugin/search/test_rebuild.py).

``backend.configure`` installs ``rebuild`` as ``ckan.lib.search.rebuild``, so the
documented commands (``ckan search-index rebuild [-o] [-i] [-c]``, ``rebuild-fast``)
and CKAN's own callers use it. A single dataset and ``--commit-each`` keep CKAN's path.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any

import ckan.logic as logic
import ckan.model as model
from ckan.common import config
from ckan.lib.search.common import SearchIndexError

from . import bulk_show, navl_plans

log = logging.getLogger(__name__)

# Datasets per batch: enough to amortise the statement, small enough that a batch's
# documents (a few KB each) stay cheap to hold.
BATCH_SIZE = 200
# Below this, forking costs more than it saves (and tests stay in one process).
PARALLEL_MIN_DATASETS = 2000
# Declared option overriding the number of indexer processes (0: decided by catalogue size and CPUs).
WORKERS_OPTION = "pueblaabierto.search.rebuild_workers"

_ckan_rebuild: Callable[..., Any] | None = None  # CKAN's own, for the paths we leave alone


def install(ckan_search: Any) -> None:
    """Make ``ckan.lib.search.rebuild`` ours (idempotent), keeping CKAN's for delegation."""
    global _ckan_rebuild
    if ckan_search.rebuild is not rebuild:
        _ckan_rebuild = ckan_search.rebuild
        ckan_search.rebuild = rebuild


def uninstall(ckan_search: Any) -> None:
    """Put CKAN's ``rebuild`` back (the Solr backend)."""
    if _ckan_rebuild is not None and ckan_search.rebuild is rebuild:
        ckan_search.rebuild = _ckan_rebuild


def worker_count(n_datasets: int) -> int:
    from ckan.plugins.toolkit import config

    override = config.get(WORKERS_OPTION)
    if override:
        return max(1, int(override))
    if n_datasets < PARALLEL_MIN_DATASETS:
        return 1
    return max(1, min(os.cpu_count() or 1, n_datasets // (PARALLEL_MIN_DATASETS // 2)))


def rebuild(package_id: str | None = None, only_missing: bool = False, force: bool = False,
            defer_commit: bool = False, package_ids: Collection[str] | None = None, quiet: bool = False,
            clear: bool = False) -> None:
    """Same signature and outcome as ``ckan.lib.search.rebuild``."""
    from ckan.lib.search import index_for, query_for

    assert _ckan_rebuild is not None, "install() first"
    if package_id or (package_ids is None and not defer_commit):
        # One dataset, or --commit-each: CKAN's path is already what was asked for.
        _ckan_rebuild(package_id=package_id, only_missing=only_missing, force=force, defer_commit=defer_commit,
                      package_ids=package_ids, quiet=quiet, clear=clear)
        return

    log.info("Rebuilding search index...")
    if package_ids is not None:
        # rebuild-fast's children, bulk updates: CKAN raises on the first error here.
        index_batched(list(package_ids), force=False)
        model.Session.commit()
        log.info("Finished rebuilding search index.")
        return

    packages = model.Session.query(model.Package.id)
    if config.get("ckan.search.remove_deleted_packages"):
        packages = packages.filter(model.Package.state != "deleted")
    ids = [r[0] for r in packages.all()]
    if only_missing:
        log.info("Indexing only missing packages...")
        indexed = set(query_for(model.Package).get_all_entity_ids(max_results=len(ids)))
        ids = [i for i in ids if i not in indexed]
        if not ids:
            log.info("All datasets are already indexed")
            return
    else:
        log.info("Rebuilding the whole index...")
        if clear:
            index_for(model.Package).clear()

    workers = worker_count(len(ids))
    progress = None if quiet else _Progress(len(ids))
    if workers == 1:
        index_batched(ids, force=force, progress=progress)
    else:
        _index_in_processes(ids, workers, force=force, progress=progress)
    if progress:
        progress.done()
    model.Session.commit()
    log.info("Finished rebuilding search index.")


def index_batched(ids: Sequence[str], *, force: bool, progress: _Progress | None = None) -> int:
    """Index ``ids`` in batches in this process's transaction; returns how many were indexed.

    With ``force`` a dataset that fails is logged and skipped (CKAN's ``-i``).
    """
    from ckan.lib.search import index_for

    index = index_for(model.Package)
    context = {"ignore_auth": True, "validate": False, "use_cache": False}
    indexed = 0
    bulk = bulk_show.usable()
    with navl_plans.reused_plans():
        for start in range(0, len(ids), BATCH_SIZE):
            batch = list(ids[start:start + BATCH_SIZE])
            indexed += _index_batch(index, batch, context, bulk=bulk, force=force)
            if progress:
                progress.add(len(batch))
    return indexed


def _index_batch(index: Any, batch: list[str], context: dict[str, Any], *, bulk: bool, force: bool) -> int:
    # Held until the batch is written: package_show and the permission labels
    # then find each Package in the session's identity map (no query each).
    loaded = model.Session.query(model.Package).filter(model.Package.id.in_(batch)).all()
    shown = _shown_in_bulk(loaded, context) if bulk else {}
    dicts = []
    for pkg_id in batch:
        try:
            pkg_dict = shown.get(pkg_id)
            if pkg_dict is None:
                pkg_dict = logic.get_action("package_show")(dict(context), {"id": pkg_id})
            dicts.append(pkg_dict)
        except Exception as e:
            log.error("Error while indexing dataset %s: %r", pkg_id, e)
            if not force:
                raise
    if not force:
        index.index_packages(dicts)
        indexed = len(dicts)
    else:
        indexed = _index_forcing(index, dicts)
    del loaded
    return indexed


def _shown_in_bulk(packages: list[model.Package], context: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``package_show`` of a batch by id, read in bulk; the datasets it leaves out go one by one."""
    try:
        with model.Session.begin_nested():
            answers = bulk_show.package_shows(packages, context)
    except Exception as e:
        # package_show one by one says which dataset fails (and -i skips only that one).
        log.warning("Reading a batch in bulk failed (%r); reading its datasets one by one", e)
        return {}
    return {pkg.id: answer for pkg, answer in zip(packages, answers, strict=True) if answer is not None}


def _index_forcing(index: Any, dicts: list[dict[str, Any]]) -> int:
    """``-i``: a batch in a savepoint; if it fails, each dataset in its own, skipping failures."""
    try:
        with model.Session.begin_nested():
            index.index_packages(dicts)
        return len(dicts)
    except Exception:
        log.warning("A batch failed; indexing its %d datasets one by one", len(dicts))
    indexed = 0
    for pkg_dict in dicts:
        try:
            with model.Session.begin_nested():
                index.index_packages([pkg_dict])
            indexed += 1
        except Exception as e:
            log.error("Error while indexing dataset %s: %r", pkg_dict.get("id"), e)
    return indexed


class _Progress:
    """CKAN's "Indexing dataset i/N" line, shared by forked indexers."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.count = mp.get_context("fork").Value("i", 0)

    def add(self, n: int) -> None:
        with self.count.get_lock():
            self.count.value += n
        self.show()

    def show(self) -> None:
        sys.stdout.write(f"\rIndexing dataset {min(self.count.value, self.total)}/{self.total}")
        sys.stdout.flush()

    def done(self) -> None:
        self.show()
        sys.stdout.write("\n")


def _index_chunk(ids: list[str], force: bool, progress: _Progress | None) -> None:
    """A forked indexer: its share of the datasets, committed on its own connection."""
    index_batched(ids, force=force, progress=progress)
    model.Session.commit()
    model.Session.remove()


def _index_in_processes(ids: list[str], workers: int, *, force: bool, progress: _Progress | None) -> None:
    # Interleaved chunks: datasets created together (similar sizes) are spread evenly.
    chunks = [ids[i::workers] for i in range(workers)]
    # The children must not inherit an open transaction's connection (see backend).
    model.Session.commit()
    ctx = mp.get_context("fork")
    processes = [ctx.Process(target=_index_chunk, args=(chunk, force, progress), daemon=True) for chunk in chunks]
    started = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode != 0]
    log.info("%d indexers finished in %.1f s", workers, time.perf_counter() - started)
    if failed:
        raise SearchIndexError(f"{len(failed)} de {workers} procesos de indexación fallaron (códigos {failed})")
