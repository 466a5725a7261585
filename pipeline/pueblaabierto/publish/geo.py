"""Offer geospatial data as GeoJSON next to the original (SHP in a .zip, KML/KMZ).

Web maps (ckanext-geoview's GeoJSON view, and most re-users) read GeoJSON in WGS 84, not
shapefiles or KML, so the pipeline converts with geopandas and publishes both.
"""

from __future__ import annotations

from pathlib import Path


def to_geojson(source: Path, target_dir: Path, name: str) -> Path:
    """Write ``source`` as GeoJSON (EPSG:4326) into ``target_dir``/``name`` and return the path."""
    import geopandas as gpd

    target = target_dir / name
    frame = gpd.read_file(source)
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(epsg=4326)
    frame.to_file(target, driver="GeoJSON")
    return target
