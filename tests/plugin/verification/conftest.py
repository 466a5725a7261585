"""Fixtures of the server's validation tests: the workflow's liaisons, files over real HTTP."""

from __future__ import annotations

from tests.plugin.workflow.conftest import data_server, people, wf_db  # noqa: F401 (fixtures)
