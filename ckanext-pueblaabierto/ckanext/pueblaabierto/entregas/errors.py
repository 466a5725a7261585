"""A problem with what the enlace uploaded, said in Spanish (what, where, how to fix it)."""

from __future__ import annotations


class EntregaError(Exception):
    """Refuses an upload or an archive; ``message`` is shown to the enlace as is."""

    def __init__(self, message: str, *, field: str = "archivos", code: str = "entrega-invalida") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
