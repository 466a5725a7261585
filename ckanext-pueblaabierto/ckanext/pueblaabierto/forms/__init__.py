"""The web forms an enlace fills (dataset, resource, dependencia): required markers from the
registry, a chosen file that survives a validation error, «Nombre del archivo» filled from the
file or URL, and error lists that speak Spanish (hooks.py is what plugin.py registers)."""
