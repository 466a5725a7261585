"""Write the benchmark CSV: N rows x 10 columns shaped like a municipal 072 service log.

Deterministic (fixed seed) so runs are comparable. Values are clean on purpose: the
benchmark measures the cost of checking, not of reporting thousands of findings.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

COLUMNS = [
    "folio",
    "fecha_solicitud",
    "servicio",
    "colonia",
    "estatus",
    "monto_mxn",
    "latitud",
    "longitud",
    "dias_atencion",
    "observaciones",
]
TERMS = {name: f"Descripción de {name}" for name in COLUMNS}

SERVICIOS = ["Bacheo", "Alumbrado público", "Recolección de basura", "Poda de árboles", "Fuga de agua"]
COLONIAS = ["Centro", "La Paz", "San Manuel", "Amor", "Jardines de San Manuel", "Bosques de Santa Anita"]
ESTATUS = ["asignada", "verificada", "cerrada"]
NOTAS = ["", "Atendida por cuadrilla 3", "Se requiere material", "Reporte duplicado", "Sin acceso al domicilio"]


def generate(path: Path, rows: int, seed: int = 317) -> Path:
    rnd = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            writer.writerow(
                [
                    2024000000 + i,
                    f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                    rnd.choice(SERVICIOS),
                    rnd.choice(COLONIAS),
                    rnd.choice(ESTATUS),
                    f"{rnd.uniform(100, 50000):.2f}",
                    f"{rnd.uniform(18.9, 19.15):.6f}",
                    f"{rnd.uniform(-98.3, -98.1):.6f}",
                    rnd.randint(0, 90),
                    rnd.choice(NOTAS),
                ]
            )
    return path


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parents[1] / ".work" / f"bench_{count}.csv"
    print(generate(out, count))
