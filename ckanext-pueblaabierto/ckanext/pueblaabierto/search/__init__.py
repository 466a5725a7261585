"""Dataset search on PostgreSQL, in place of Solr (``pueblaabierto.search.backend = postgres``).

CKAN's ``package_search`` action stays in charge (validation, auth, include_* flags,
permission labels, plugins' before/after_dataset_search, result shaping); only the
classes it and the rest of CKAN use to reach Solr are replaced:

- ``plugin.py``   ``pueblaabierto_search``: the backend as a plugin any CKAN 2.11 can enable
                  (README.md beside this file); the Puebla plugin configures it too.
- ``backend.py``  selects the backend and installs the classes everywhere CKAN looks.
- ``document.py`` turns a dataset dict into the stored search document.
- ``index.py``    ``PackageSearchIndex`` replacement (table ``pueblaabierto_search``).
- ``dismax.py``   Solr's DisMax for free text: words, ``mm``, ``qf``.
- ``parser.py``   the Lucene subset CKAN sends in ``q``/``fq`` -> a small AST.
- ``sql.py``      AST -> parameterised SQL (Spanish text search, filters, ranges).
- ``query.py``    ``PackageSearchQuery`` replacement: count, page, facets.
- ``facets.py``   facet counts and the portal's facet titles (IFacets).

The table comes from the migrations (``ckan db upgrade -p pueblaabierto_search``); fill it with
``ckan search-index rebuild``.
"""
