"""DataStore SQL searches: short statement timeout, Spanish errors that echo no SQL.

CKAN's default timeout is 60 s, during which one anonymous visitor holds a DataStore
connection and a server thread; with a handful of them the portal stops answering. The
timeout comes from ``pueblaabierto.datastore.sql_timeout`` (milliseconds), rows are capped
by ``ckan.datastore.search.rows_max`` (CKAN applies it to SQL too). CKAN's errors quote the
statement and PostgreSQL's message (table names, internals): visitors get a Spanish
explanation instead.
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

from ..translate import _

log = logging.getLogger(__name__)


def timeout_ms() -> int:
    return int(tk.config.get("pueblaabierto.datastore.sql_timeout"))


def _spanish(error: tk.ValidationError) -> tk.ValidationError:
    text = " ".join(str(v) for v in (error.error_dict or {}).values())
    if "took too long" in text:
        seconds = max(1, round(timeout_ms() / 1000))
        message = _(
            "La consulta tardó más de {seconds} segundos y se canceló. Limite las filas (WHERE, LIMIT) o "
            "descargue el archivo completo del recurso."
        ).format(seconds=seconds)
    elif "single statement" in text:
        message = _("Envíe una sola consulta SELECT, sin punto y coma ni varias instrucciones.")
    else:
        message = _(
            "La consulta SQL no es válida. Revise la sintaxis: solo se permite SELECT sobre las tablas del "
            "DataStore (el identificador del recurso entre comillas dobles)."
        )
    return tk.ValidationError({"sql": [message]})


@tk.chained_action
@tk.side_effect_free
def datastore_search_sql(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    context["query_timeout"] = timeout_ms()
    try:
        return up_func(context, data_dict)
    except tk.ValidationError as error:
        log.info("datastore_search_sql refused: %s", error.error_dict)
        raise _spanish(error) from None
    except tk.NotAuthorized as error:
        text = str(error)
        if "function" in text:
            raise tk.NotAuthorized(_("La consulta usa una función que no está permitida en el portal.")) from None
        if "system tables" in text:
            raise tk.NotAuthorized(_("La consulta no puede leer tablas del sistema.")) from None
        raise tk.NotAuthorized(_("No tiene permiso para consultar alguno de los recursos de la consulta.")) from None


def get_actions() -> dict[str, Any]:
    import ckan.plugins as p

    return {"datastore_search_sql": datastore_search_sql} if p.plugin_loaded("datastore") else {}
