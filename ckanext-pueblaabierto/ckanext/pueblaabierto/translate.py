"""The one translation helper of the extension's Python code.

``_`` translates with CKAN when an app/request context exists and returns the (Spanish)
source text otherwise, so modules that hold user-facing strings (the workflow's pure state
machine, the FORM.317 message catalogue) import without CKAN loaded: pure unit tests, the CLI.
"""

from __future__ import annotations


def _(text: str) -> str:
    """Translate with CKAN when a request/app context exists; the source text is Spanish."""
    try:
        import ckan.plugins.toolkit as tk

        return tk._(text)
    except Exception:  # noqa: BLE001 - no app context (pure unit tests, CLI before load)
        return text
