"""Write a second benchmark CSV shaped like a real «072» citizen-requests export.

Not our generator (generate.py writes 10 clean, regular columns): this one is modeled on
what a municipal citizen-service system (CRM «Sistema de Atención Ciudadana 072») exports
from Excel: 17 columns with names in Spanish with spaces and accents, CRLF line endings,
free-text descriptions with commas, quotes and the odd line break inside the cell,
addresses written as people write them, dates in mixed formats (dd/mm/aaaa hh:mm,
ISO, «15-mar-24»), empty optional columns, coordinates sometimes missing or 0, and a few
personal-data cells (a phone or an e-mail typed in the description, a CURP). Real exports
cannot be published here (they hold personal data), so the shape is reproduced instead.

Deterministic (fixed seed). Run from the repository root:

    .venv/bin/python benchmarks/validate/generate_072.py [rows] [path]
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

COLUMNS = [
    "No. Folio",
    "Fecha de registro",
    "Canal de captación",
    "Tema",
    "Subtema",
    "Descripción del reporte",
    "Ubicación",
    "Colonia",
    "Junta auxiliar",
    "Código postal",
    "Dependencia asignada",
    "Estatus",
    "Fecha de atención",
    "Días hábiles",
    "Latitud",
    "Longitud",
    "Observaciones internas",
]
TERMS = {name: f"{name} del reporte ciudadano" for name in COLUMNS}

CANALES = ["Teléfono 072", "WhatsApp", "Aplicación móvil", "Portal web", "Redes sociales", "Presencial"]
TEMAS = {
    "Alumbrado público": ["Luminaria apagada", "Luminaria intermitente", "Poste dañado"],
    "Bacheo": ["Bache en calle", "Hundimiento", "Coladera sin tapa"],
    "Limpia": ["Basura acumulada", "Tiradero clandestino", "Recolección no realizada"],
    "Agua potable": ["Fuga de agua", "Falta de agua", "Drenaje tapado"],
    "Parques y jardines": ["Poda de árbol", "Árbol caído", "Pasto crecido"],
    "Bienestar animal": ["Perro en situación de calle", "Animal atropellado"],
    "Movilidad": ["Semáforo descompuesto", "Señalamiento dañado", "Auto abandonado"],
}
DEPENDENCIAS = [
    "Secretaría de Servicios Públicos",
    "Organismo Operador del Servicio de Limpia",
    "Secretaría de Infraestructura",
    "Secretaría de Movilidad",
    "Centro Municipal de Control Animal",
    "SOAPAP",
]
ESTATUS = ["Atendido", "Atendido", "En proceso", "Turnado", "Cancelado", "Duplicado"]
COLONIAS = [
    "Centro Histórico", "La Paz", "San Manuel", "Jardines de San Manuel", "Bosques de San Sebastián",
    "Santa María La Rivera", "El Carmen", "Huexotitla", "Gabriel Pastor", "Anzures", "Volcanes",
    "Granjas del Sur", "San Baltazar Campeche", "Infonavit Amalucan", "Villa Frontera", "Loma Bella",
    "Lomas de Castillotla", "Agua Santa", "Guadalupe Hidalgo", "San Bartolo Coatepec", "Xonaca",
    "Los Héroes de Puebla", "Bosques de Amalucan", "Arboledas de Loma Bella", "Azcárate", "El Mirador",
    "Tres Cruces", "San Francisco Totimehuacán", "Nueva Antequera", "Ladrillera de Benítez",
]  # fmt: skip
JUNTAS = ["", "", "", "San Jerónimo Caleras", "San Pablo Xochimehuacán", "La Resurrección", "Santa María Xonacatepec"]
CALLES = [
    "Av. Reforma", "Blvd. Héroes del 5 de Mayo", "Calle 16 de Septiembre", "Av. Juárez", "Priv. Las Flores",
    "Diagonal Defensores de la República", "Calzada Zavaleta", "Prol. 14 Sur", "Cerrada del Álamo",
    "Circuito Juan Pablo II", "Calle Tlaxcala", "Av. Las Torres",
]  # fmt: skip
PLANTILLAS = [
    "{sub} frente al número {num}, los vecinos reportan que lleva {dias} días así.",
    "Ciudadano reporta {sub_l} en la esquina de {calle} y {calle2}; solicita atención urgente.",
    '{sub} a la altura de {calle} {num}. "Ya se había reportado antes", comenta la persona.',
    "Se reporta {sub_l}, hay riesgo para peatones y automovilistas, sobre todo en la noche.",
    "{sub}. Referencia: a un costado de la escuela primaria, portón verde.",
    "Reporte recibido por {canal}: {sub_l} desde hace {dias} días, afecta a varias familias\ndel andador.",
    "{sub} entre {calle} y {calle2}, ya van 3 reportes sin respuesta (folios anteriores {folio_prev}).",
    "Solicita revisión de {sub_l}; comenta que la última vez tardaron {dias} días en atender.",
]
PERSONALES = [
    " Favor de llamar al {tel} para dar seguimiento.",
    " Contacto del ciudadano: {correo}",
    " Reportante con CURP {curp} pide respuesta por escrito.",
    " Tel. {tel10}",
]
MESES = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]


def _fecha(rnd: random.Random, year: int = 2024) -> str:
    month, day, hour, minute = rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(7, 21), rnd.randint(0, 59)
    style = rnd.random()
    if style < 0.6:
        return f"{day:02d}/{month:02d}/{year} {hour:02d}:{minute:02d}"
    if style < 0.9:
        return f"{year}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:00"
    return f"{day}-{MESES[month - 1]}-{year % 100:02d}"


def _personal(rnd: random.Random) -> str:
    template = rnd.choice(PERSONALES)
    return template.format(
        tel=f"222 {rnd.randint(200, 899)} {rnd.randint(1000, 9999)}",
        tel10=f"22{rnd.randint(10000000, 99999999)}",
        correo=f"{rnd.choice(['maria', 'jose.luis', 'vecinos.lapaz', 'contacto'])}{rnd.randint(1, 99)}@gmail.com",
        curp="GODE561231HPLRRN07",
    )


def generate(path: Path, rows: int, seed: int = 72) -> Path:
    rnd = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for i in range(rows):
            tema = rnd.choice(list(TEMAS))
            sub = rnd.choice(TEMAS[tema])
            canal = rnd.choice(CANALES)
            descripcion = rnd.choice(PLANTILLAS).format(
                sub=sub,
                sub_l=sub.lower(),
                num=rnd.randint(1, 4999),
                dias=rnd.randint(1, 60),
                calle=rnd.choice(CALLES),
                calle2=rnd.choice(CALLES),
                canal=canal,
                folio_prev=f"SAC-2023-{rnd.randint(1, 999999):07d}",
            )
            if rnd.random() < 0.002:  # a few cells with personal data, as happens in real exports
                descripcion += _personal(rnd)
            estatus = rnd.choice(ESTATUS)
            atendido = estatus == "Atendido"
            located = rnd.random() < 0.85
            writer.writerow(
                [
                    f"SAC-2024-{i + 1:07d}",
                    _fecha(rnd),
                    canal,
                    tema,
                    sub,
                    descripcion,
                    f"{rnd.choice(CALLES)} {rnd.randint(1, 4999)}" if rnd.random() < 0.7 else "",
                    rnd.choice(COLONIAS),
                    rnd.choice(JUNTAS),
                    f"72{rnd.randint(0, 599):03d}",
                    rnd.choice(DEPENDENCIAS),
                    estatus,
                    _fecha(rnd) if atendido else "",
                    str(rnd.randint(0, 45)) if atendido else "",
                    f"{rnd.uniform(18.95, 19.15):.6f}" if located else ("0" if rnd.random() < 0.1 else ""),
                    f"{rnd.uniform(-98.30, -98.10):.6f}" if located else ("0" if rnd.random() < 0.1 else ""),
                    rnd.choice(["", "", "", "Se turnó a cuadrilla", "Pendiente de material", "Revisión en sitio"]),
                ]
            )
    return path


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parents[1] / ".work" / f"sac072_{count}.csv"
    print(generate(out, count))
