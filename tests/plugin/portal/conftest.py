"""Fixtures shared with the FORM.317 metadata tests (a sysadmin, a dependencia)."""

from tests.plugin.metadata.conftest import org, sysadmin  # noqa: F401  (fixtures)
