"""Web pages of the Entregas (blueprint.py) and their template helpers (display.py)."""
