"""Regenerate dataset_forms/: the empty template copy, ejemplos/ (valid FORM.317
submissions) and the broken ones with metadata mistakes (the broken DATA files are
generar_ejemplos_datos.py's).

Run from the repository root:  .venv/bin/python dataset_forms/generar_ejemplos.py

Every workbook starts from the official template (pueblaabierto.workbook.template), so
the examples follow it when it changes. Data are synthetic but realistic for Puebla,
deterministic (fixed seeds) and free of personal data.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from openpyxl import load_workbook
from PIL import Image, ImageDraw
from pueblaabierto.workbook import spec
from pueblaabierto.workbook.template import build_template, write_template

HERE = Path(__file__).resolve().parent
EJEMPLOS = HERE / "ejemplos"
ROTOS = EJEMPLOS / "rotos"
FORM_NAME = "FORM.317.xlsx"
TEMPLATE_COPY = HERE / "FORM.317-SECATI-012224.xlsx"

COLONIAS = [
    "Centro Histórico", "La Paz", "Huexotitla", "San Manuel", "Jardines de San Manuel",
    "Bosques de San Sebastián", "Lomas de Loreto", "El Carmen", "Santa María La Rivera", "Amor",
    "Analco", "Xonaca", "San Baltazar Campeche", "Infonavit San Jorge", "Agua Santa",
    "Guadalupe Hidalgo", "Castillotla", "San Francisco Totimehuacán", "La Margarita", "Bugambilias",
    "Villa Frontera", "Romero Vargas", "Maravillas", "San Pablo Xochimehuacán", "Valle Dorado",
]


def seeded(seed: int) -> random.Random:
    """Deterministic pseudo-random data, so regenerating gives the same files."""
    return random.Random(seed)  # noqa: S311 (synthetic examples, nothing secret)


@dataclass
class Example:
    """One submission: the rows of each sheet (in template column order) and its files."""

    dependencias: list[list[object]]
    datasets: list[list[object]]
    recursos: list[list[object]]
    diccionario: list[list[object]]
    files: dict[str, bytes] = field(default_factory=dict)
    sheet_renames: dict[str, str] = field(default_factory=dict)
    form_name: str = FORM_NAME

    def write(self, folder: Path) -> None:
        previous = folder / self.form_name
        kept = previous.read_bytes() if previous.exists() else None
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        workbook = build_template()
        rows = {
            spec.DEPENDENCIA.name: self.dependencias,
            spec.DATASET.name: self.datasets,
            spec.RECURSO.name: self.recursos,
            spec.DICCIONARIO.name: self.diccionario,
        }
        for sheet_name, sheet_rows in rows.items():
            ws = workbook[sheet_name]
            for row_number, values in enumerate(sheet_rows, start=2):
                for column, value in enumerate(values, start=1):
                    ws.cell(row=row_number, column=column, value=value)
        for old, new in self.sheet_renames.items():
            workbook[old].title = new
        workbook.save(folder / self.form_name)
        if kept is not None:
            _keep_if_unchanged(folder / self.form_name, kept)
        for name, content in self.files.items():
            (folder / name).write_bytes(content)



# One Dependencia row for every example of the same agency: the portal keeps one description.
SISP = [12, "Secretaría de Infraestructura y Servicios Públicos",
        "Planea, ejecuta y supervisa la obra pública municipal y presta los servicios públicos de "
        "alumbrado, limpia, bacheo, parques y jardines.", "logo_sisp.png"]

def _keep_if_unchanged(path: Path, previous: bytes) -> None:
    """Put the previous bytes back when only the save time changed, so regenerating
    does not rewrite every committed workbook."""
    old_path = path.with_suffix(".anterior.xlsx")
    old_path.write_bytes(previous)
    try:
        if _content(old_path) == _content(path):
            path.write_bytes(previous)
    finally:
        old_path.unlink()


def _content(path: Path) -> list[object]:
    workbook = load_workbook(path)
    return [
        (ws.title, [list(row) for row in ws.iter_rows(values_only=True)],
         sorted((str(dv.sqref), dv.type, dv.formula1, dv.prompt) for dv in ws.data_validations.dataValidation))
        for ws in workbook.worksheets
    ]


def logo(text: str, color: str = "#7A1F3D") -> bytes:
    image = Image.new("RGB", (96, 96), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((6, 6, 89, 89), outline="white", width=3)
    draw.text((16, 40), text, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def to_csv(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def dictionary(id_dataset: int, terms: list[tuple[str, str]]) -> list[list[object]]:
    return [[id_dataset, term, description] for term, description in terms]


# --- (a) Centro de Atención 072 ---------------------------------------------------------

def solicitudes_072() -> Example:
    rng = seeded(72)
    servicios = [
        "Bacheo", "Alumbrado público", "Recolección de basura", "Poda de árboles",
        "Limpieza de vía pública", "Retiro de cascajo", "Balizamiento", "Reparación de banqueta",
    ]
    estatus = ["asignada", "verificada", "cerrada"]
    rows = []
    start = date(2024, 1, 1)
    for number in range(1, 1201):
        day = start + timedelta(days=rng.randrange(366))
        rows.append([f"072-2024-{number:05d}", day.isoformat(), rng.choice(servicios), rng.choice(COLONIAS),
                     rng.choices(estatus, weights=(2, 3, 10))[0]])
    rows.sort(key=lambda r: (r[1], r[0]))
    header = ["folio", "fecha_solicitud", "servicio", "colonia", "estatus"]
    return Example(
        dependencias=[SISP],
        datasets=[[1, "Solicitudes ciudadanas al Centro de Atención 072",
                   "Solicitudes de servicios públicos recibidas por el Centro de Atención Telefónica 072 del "
                   "Ayuntamiento: folio, fecha, servicio solicitado, colonia y estatus de atención. No incluye "
                   "datos de las personas solicitantes.",
                   "072, servicios públicos, bacheo, alumbrado, atención ciudadana", 12,
                   "Infraestructura y Servicios Públicos", "mensual", "Laura Méndez Ríos",
                   "laura.mendez@pueblacapital.gob.mx"]],
        recursos=[["solicitudes_072_2024.csv", "Tabla", "Solicitudes al 072, 2024", date(2024, 1, 1),
                   date(2024, 12, 31), 1, "CSV"]],
        diccionario=dictionary(1, [
            ("folio", "Identificador único de la solicitud asignado por el Centro de Atención 072."),
            ("fecha_solicitud", "Fecha en que se recibió la solicitud (AAAA-MM-DD)."),
            ("servicio", "Tipo de servicio público solicitado."),
            ("colonia", "Colonia del municipio de Puebla donde se requiere el servicio."),
            ("estatus", "Estado de atención: asignada, verificada o cerrada."),
        ]),
        files={"solicitudes_072_2024.csv": to_csv(header, rows), "logo_sisp.png": logo("SISP")},
    )


# --- (b) WiFi público gratuito (mapa) ---------------------------------------------------

def wifi_publico() -> Example:
    rng = seeded(530)
    tipos = ["Parque", "Biblioteca", "Mercado", "Centro comunitario", "Plaza pública", "Junta auxiliar"]
    features = []
    for number in range(1, 81):
        tipo = rng.choice(tipos)
        colonia = rng.choice(COLONIAS)
        # Inside the urban area of the municipality of Puebla.
        lat = round(rng.uniform(18.98, 19.10), 6)
        lon = round(rng.uniform(-98.26, -98.15), 6)
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "clave_punto": f"WIFI-{number:03d}",
                "sitio": f"{tipo} {colonia}",
                "tipo_sitio": tipo,
                "colonia": colonia,
                "estatus": rng.choices(["operando", "en mantenimiento"], weights=(9, 1))[0],
            },
        })
    geojson = {"type": "FeatureCollection", "features": features}
    return Example(
        dependencias=[[7, "Secretaría de Administración y Tecnologías de la Información",
                       "Administra los recursos humanos, materiales y tecnológicos del Ayuntamiento y opera la "
                       "red de conectividad pública municipal.", "logo_secati.png"]],
        datasets=[[3, "Puntos de acceso a internet inalámbrico gratuito",
                   "Ubicación de los puntos de acceso WiFi gratuito instalados por el Ayuntamiento en parques, "
                   "bibliotecas, mercados y espacios públicos, con su tipo de sitio y estatus de operación.",
                   "wifi, internet gratuito, conectividad, espacios públicos", 7,
                   "Infraestructura y Servicios Públicos", "trimestral", "Jorge Castillo Ramírez",
                   "conectividad@pueblacapital.gob.mx"]],
        recursos=[["puntos_wifi.geojson", "Mapa", "Puntos de acceso WiFi gratuito", date(2024, 1, 1),
                   date(2024, 9, 30), 3, "GEOJSON"]],
        diccionario=dictionary(3, [
            ("clave_punto", "Clave única del punto de acceso WiFi."),
            ("sitio", "Nombre del espacio público donde está instalado el punto."),
            ("tipo_sitio", "Tipo de espacio público: parque, biblioteca, mercado, centro comunitario, plaza "
                           "pública o junta auxiliar."),
            ("colonia", "Colonia del municipio de Puebla donde se ubica el punto."),
            ("estatus", "Estado del servicio: operando o en mantenimiento."),
        ]),
        files={
            "puntos_wifi.geojson": json.dumps(geojson, ensure_ascii=False, indent=1).encode("utf-8"),
            "logo_secati.png": logo("SECATI", "#1F4E7A"),
        },
    )


# --- (c) Programa anual de trabajo ------------------------------------------------------

def programa_anual() -> Example:
    rng = seeded(2024)
    metas = [
        ("Movilidad segura", "Instalar semáforos peatonales en cruceros de alta siniestralidad", "semáforo"),
        ("Movilidad segura", "Balizar pasos peatonales frente a escuelas", "paso peatonal"),
        ("Movilidad segura", "Realizar operativos de educación vial", "operativo"),
        ("Transporte sustentable", "Construir kilómetros de ciclovía confinada", "kilómetro"),
        ("Transporte sustentable", "Instalar biciestacionamientos públicos", "biciestacionamiento"),
        ("Transporte sustentable", "Aforos de movilidad ciclista", "aforo"),
        ("Calles completas", "Rehabilitar banquetas accesibles", "metro cuadrado"),
        ("Calles completas", "Señalizar rutas de transporte público", "ruta"),
        ("Cultura de la movilidad", "Impartir talleres de movilidad en escuelas", "taller"),
        ("Cultura de la movilidad", "Publicar el informe trimestral de siniestros viales", "informe"),
    ]
    rows = []
    for number, (programa, meta, unidad) in enumerate(metas, start=1):
        programada = rng.choice([4, 10, 12, 24, 40, 60, 120, 1500])
        avance = round(rng.uniform(35, 100), 1)
        rows.append([f"PAT-SM-{number:02d}", programa, meta, unidad, programada, avance])
    header = ["clave_meta", "programa", "meta", "unidad_medida", "cantidad_programada", "avance_porcentaje"]
    return Example(
        dependencias=[[15, "Secretaría de Movilidad",
                       "Diseña y ejecuta las políticas de movilidad, seguridad vial y transporte sustentable del "
                       "municipio.", "logo_movilidad.png"]],
        datasets=[[2, "Programa anual de trabajo de la Secretaría de Movilidad",
                   "Metas del programa anual de trabajo 2024 de la Secretaría de Movilidad, con su unidad de "
                   "medida, la cantidad programada y el porcentaje de avance acumulado al corte.",
                   "programa anual, metas, indicadores, movilidad", 15, "Movilidad y Transporte", "trimestral",
                   "Andrea Solís Herrera", "andrea.solis@pueblacapital.gob.mx"]],
        recursos=[["programa_anual_2024.csv", "Tabla", "Avance del programa anual de trabajo 2024",
                   "2024-01-01", "30/09/2024", 2, "CSV"]],
        diccionario=dictionary(2, [
            ("clave_meta", "Clave única de la meta dentro del programa anual de trabajo."),
            ("programa", "Programa presupuestario al que pertenece la meta."),
            ("meta", "Descripción de la meta comprometida."),
            ("unidad_medida", "Unidad en que se mide la meta."),
            ("cantidad_programada", "Cantidad de unidades programadas para el año."),
            ("avance_porcentaje", "Porcentaje de avance acumulado al corte (0 a 100)."),
        ]),
        files={"programa_anual_2024.csv": to_csv(header, rows), "logo_movilidad.png": logo("SM", "#2E7A1F")},
    )


# --- (d) Obra pública -------------------------------------------------------------------

def obra_publica() -> Example:
    rng = seeded(317)
    tipos = ["Rehabilitación de pavimento", "Construcción de banquetas", "Rehabilitación de parque",
             "Alumbrado público LED", "Drenaje pluvial", "Rehabilitación de mercado"]
    rows = []
    for number in range(1, 46):
        colonia = rng.choice(COLONIAS)
        inicio = date(2024, 1, 15) + timedelta(days=rng.randrange(200))
        termino = inicio + timedelta(days=rng.randrange(45, 150))
        rows.append([
            f"SISP-OP-2024-{number:03d}", f"{rng.choice(tipos)} en {colonia}", colonia,
            round(rng.uniform(18.98, 19.10), 6), round(rng.uniform(-98.26, -98.15), 6),
            round(rng.uniform(450_000, 38_000_000), 2), inicio.isoformat(), termino.isoformat(),
            rng.choice(["en proceso", "concluida", "concluida", "por iniciar"]),
        ])
    header = ["numero_contrato", "obra", "colonia", "latitud", "longitud", "monto_contratado_mxn",
              "fecha_inicio", "fecha_termino", "estatus"]
    return Example(
        dependencias=[SISP],
        datasets=[[4, "Obra pública contratada 2024",
                   "Contratos de obra pública del Ayuntamiento de Puebla en 2024: descripción de la obra, "
                   "ubicación (colonia y coordenadas), monto contratado en pesos, fechas y estatus.",
                   "obra pública, contratos, infraestructura, presupuesto", 12,
                   "infraestructura-y-servicios-publicos", "trimestral", "Ricardo Pérez Lozano",
                   "obra.publica@pueblacapital.gob.mx"]],
        recursos=[["obras_publicas_2024.csv", "Tabla", "Obras públicas contratadas 2024", date(2024, 1, 15),
                   date(2024, 9, 30), 4, "CSV"]],
        diccionario=dictionary(4, [
            ("numero_contrato", "Número del contrato de obra pública."),
            ("obra", "Descripción de la obra contratada."),
            ("colonia", "Colonia donde se ejecuta la obra."),
            ("latitud", "Latitud del punto de referencia de la obra (WGS84, grados decimales)."),
            ("longitud", "Longitud del punto de referencia de la obra (WGS84, grados decimales)."),
            ("monto_contratado_mxn", "Monto contratado en pesos mexicanos, con IVA."),
            ("fecha_inicio", "Fecha de inicio de la obra según contrato (AAAA-MM-DD)."),
            ("fecha_termino", "Fecha de término de la obra según contrato (AAAA-MM-DD)."),
            ("estatus", "Estado de la obra: por iniciar, en proceso o concluida."),
        ]),
        files={"obras_publicas_2024.csv": to_csv(header, rows), "logo_sisp.png": logo("SISP")},
    )


# --- (e) Presupuesto por capítulo (gráfico) ---------------------------------------------

def presupuesto() -> Example:
    capitulos = [
        ("1000", "Servicios personales", 2_431_527_310.00, 1_802_114_905.35),
        ("2000", "Materiales y suministros", 312_480_000.00, 201_337_412.80),
        ("3000", "Servicios generales", 1_154_902_118.00, 823_410_556.12),
        ("4000", "Transferencias, asignaciones, subsidios y otras ayudas", 688_210_400.00, 512_008_117.40),
        ("5000", "Bienes muebles, inmuebles e intangibles", 96_500_000.00, 41_225_890.00),
        ("6000", "Inversión pública", 1_201_780_000.00, 645_903_221.77),
        ("9000", "Deuda pública", 180_600_172.00, 135_450_129.00),
    ]
    rows = [[clave, nombre, f"{aprobado:.2f}", f"{ejercido:.2f}"] for clave, nombre, aprobado, ejercido in capitulos]
    header = ["capitulo", "descripcion_capitulo", "aprobado_mxn", "ejercido_mxn"]
    return Example(
        dependencias=[[3, "Tesorería Municipal",
                       "Administra la hacienda pública municipal: recauda los ingresos, ejerce el presupuesto de "
                       "egresos y rinde la cuenta pública.", "logo_tesoreria.png"]],
        datasets=[[5, "Presupuesto de egresos por capítulo de gasto",
                   "Presupuesto de egresos del Municipio de Puebla por capítulo del clasificador por objeto del "
                   "gasto: monto aprobado para el ejercicio y monto ejercido acumulado al corte, en pesos.",
                   "presupuesto, egresos, gasto, finanzas públicas", 3, "Finanzas", "trimestral",
                   "Mariana Torres Aguilar", "mariana.torres@pueblacapital.gob.mx"]],
        recursos=[["presupuesto_capitulo_2024.csv", "Gráfico", "Presupuesto aprobado y ejercido 2024",
                   "enero 2024", "septiembre 2024", 5, "CSV"]],
        diccionario=dictionary(5, [
            ("capitulo", "Clave del capítulo del clasificador por objeto del gasto (CONAC)."),
            ("descripcion_capitulo", "Nombre del capítulo de gasto."),
            ("aprobado_mxn", "Monto aprobado en el presupuesto de egresos, en pesos mexicanos."),
            ("ejercido_mxn", "Monto ejercido acumulado a la fecha de corte, en pesos mexicanos."),
        ]),
        files={"presupuesto_capitulo_2024.csv": to_csv(header, rows), "logo_tesoreria.png": logo("TM", "#7A5A1F")},
    )


VALID = {
    "solicitudes-072": solicitudes_072,
    "wifi-publico": wifi_publico,
    "programa-anual": programa_anual,
    "obra-publica": obra_publica,
    "presupuesto-capitulos": presupuesto,
}


# --- Broken submissions: one metadata mistake each (see rotos/esperado.yaml) -----------

def base() -> Example:
    """A small valid submission that each broken example spoils in one way."""
    header = ["mercado", "colonia", "locales"]
    rows = [["Mercado 5 de Mayo", "Centro Histórico", 412], ["Mercado Zaragoza", "Zaragoza", 238],
            ["Mercado La Acocota", "Analco", 150]]
    return Example(
        dependencias=[[12, "Secretaría de Infraestructura y Servicios Públicos",
                       "Presta los servicios públicos municipales, incluida la administración de mercados.",
                       "logo.png"]],
        datasets=[[1, "Mercados municipales", "Mercados municipales de Puebla con su colonia y número de "
                   "locales comerciales.", "mercados, abasto", 12, "Economía y Empleo", "anual",
                   "Pedro Juárez Soto", "pedro.juarez@pueblacapital.gob.mx"]],
        recursos=[["mercados.csv", "Tabla", "Mercados municipales 2024", date(2024, 1, 1), date(2024, 12, 31),
                   1, "CSV"]],
        diccionario=dictionary(1, [("mercado", "Nombre del mercado municipal."),
                                   ("colonia", "Colonia donde se ubica el mercado."),
                                   ("locales", "Número de locales comerciales del mercado.")]),
        files={"mercados.csv": to_csv(header, rows), "logo.png": logo("SISP")},
    )


def broken() -> dict[str, Example]:
    examples: dict[str, Example] = {}

    e = base()
    e.sheet_renames = {spec.RECURSO.name: "Hoja3"}
    examples["hojas-mal-nombradas"] = e

    e = base()
    e.datasets[0][5] = "Infraestructura"
    e.datasets[0][6] = "Mensualmente"
    examples["vocabulario-libre"] = e

    e = base()
    e.recursos[0][3] = "principios de 2024"
    examples["fecha-texto"] = e

    e = base()
    e.recursos[0][3], e.recursos[0][4] = date(2024, 12, 31), date(2024, 1, 1)
    examples["fechas-invertidas"] = e

    e = base()
    e.recursos[0][4] = date(2099, 12, 31)
    examples["fecha-futura"] = e

    e = base()
    del e.files["mercados.csv"]
    examples["archivo-faltante"] = e

    e = base()
    e.recursos[0][6] = "XLSX"
    examples["extension-incorrecta"] = e

    e = base()
    e.datasets.append([1, "Tianguis municipales", "Tianguis autorizados por el Ayuntamiento.", "tianguis",
                       12, "Economía y Empleo", "anual", "Pedro Juárez Soto", "pedro.juarez@pueblacapital.gob.mx"])
    examples["ids-duplicados"] = e

    e = base()
    e.dependencias[0][0] = "SISP"
    e.datasets[0][4] = "SISP"
    examples["id-no-numerico"] = e

    e = base()
    e.datasets[0][4] = 99
    e.recursos[0][5] = 77
    examples["referencias-rotas"] = e

    e = base()
    e.datasets[0][8] = "pedro.juarez@pueblacapital"
    examples["correo-invalido"] = e

    e = base()
    e.datasets[0][1] = None
    examples["celda-vacia"] = e

    e = base()
    e.datasets.append([2, "Tianguis municipales", "Tianguis autorizados por el Ayuntamiento.", "tianguis",
                       12, "Economía y Empleo", "anual", "Pedro Juárez Soto", "pedro.juarez@pueblacapital.gob.mx"])
    examples["dataset-sin-recursos"] = e

    e = base()
    e.files["logo.png"] = "Aquí va el logo de la Secretaría\n".encode()
    examples["logo-no-imagen"] = e

    # Warnings only: the submission can be published, but the enlace should fix them.
    e = base()
    e.datasets[0][8] = "pedro.juarez.soto@gmail.com"
    examples["correo-personal"] = e

    e = base()
    e.datasets[0][1] = ("Relación de los mercados municipales de la ciudad de Puebla con su colonia y el número "
                        "de locales comerciales")
    examples["titulo-largo"] = e

    return examples


def write_xls_example(folder: Path) -> None:
    """A workbook in the old Excel 97-2003 format: only its first bytes matter to the validator."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (folder / "FORM.317.xls").write_bytes(ole_header)


def write_template_copy(path: Path) -> None:
    """The empty template kept in dataset_forms/, as `pueblaabierto plantilla` writes it;
    left byte-identical when only the save time would change."""
    kept = path.read_bytes() if path.exists() else None
    write_template(path)
    if kept is not None:
        _keep_if_unchanged(path, kept)


def main() -> None:
    write_template_copy(TEMPLATE_COPY)
    for name, make in VALID.items():
        make().write(EJEMPLOS / name)
    for name, example in broken().items():
        example.write(ROTOS / name)
    write_xls_example(ROTOS / "formato-xls")
    print(f"Plantilla y ejemplos escritos en {TEMPLATE_COPY} y {EJEMPLOS}")


if __name__ == "__main__":
    main()
