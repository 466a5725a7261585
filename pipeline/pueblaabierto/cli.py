import click


@click.group()
def main() -> None:
    """Puebla Abierto."""
