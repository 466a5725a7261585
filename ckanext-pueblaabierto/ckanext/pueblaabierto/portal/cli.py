"""``ckan pueblaabierto busqueda-datastore``: Spanish, accent-insensitive search in existing tables."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import click

from . import datastore_search


@click.command("busqueda-datastore")
def busqueda_datastore() -> None:
    """Configura la búsqueda en español sin acentos del DataStore y recalcula sus tablas.

    Necesaria una vez en portales con tablas cargadas antes de esta configuración; repetirla
    no cambia nada más que el tiempo que tarda.
    """
    url = tk.config.get("ckan.datastore.write_url")
    if not url:
        raise click.ClickException("El DataStore no está configurado (falta ckan.datastore.write_url).")
    engine = datastore_search.write_engine(url)
    try:
        done = datastore_search.reindex(
            engine, progress=lambda table, rows: click.echo(f"  {table}: {rows} filas"))
    finally:
        engine.dispose()
    click.echo(f"Búsqueda en español sin acentos ({datastore_search.CONFIG}) lista en {done} tablas.")
