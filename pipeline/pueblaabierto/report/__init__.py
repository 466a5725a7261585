"""Ways to show a validation Report to an enlace: terminal, JSON and HTML."""
