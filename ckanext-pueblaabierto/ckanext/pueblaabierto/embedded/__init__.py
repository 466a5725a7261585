"""The embedded default: CKAN on a project-private PostgreSQL and Redis, no Solr, no Docker.

``python -m ckanext.pueblaabierto.embedded`` is what ``make portal``, ``make stop`` and
``make test`` run. State lives under ``.var/`` at the repository root.
"""
