"""Which public resource an approved update's resource lands in (workflow/resource_move.py)."""

from __future__ import annotations

from ckanext.pueblaabierto.workflow import resource_move

PUBLIC = [
    {"id": "p1", "name": "Obras 2024", "url": "http://portal/dataset/d/resource/p1/download/obras.csv",
     "url_type": "upload", "size": 10, "position": 0, "datastore_active": True},
    {"id": "p2", "name": "Obras 2023", "url": "http://portal/dataset/d/resource/p2/download/obras23.csv",
     "url_type": "upload", "size": 20, "position": 1, "datastore_active": False},
    {"id": "p3", "name": "Retirado", "url": "http://otro.sitio/x.csv", "url_type": "", "position": 2},
]


def test_copies_pair_with_their_origin_new_files_by_name_and_the_rest_are_new_or_dropped():
    copy = [
        # Renamed in the copy, still its public file: pairs by URL.
        {"id": "c1", "name": "Obras 2024 (corregido)", "url": PUBLIC[0]["url"], "url_type": ""},
        # A new file for «Obras 2023»: pairs by name.
        {"id": "c2", "name": "Obras 2023", "url": "http://portal/dataset/s/resource/c2/download/v2.csv",
         "url_type": "upload", "size": 99},
        {"id": "c3", "name": "Obras 2025", "url": "http://portal/dataset/s/resource/c3/download/o25.csv",
         "url_type": "upload"},
    ]
    plan = resource_move.match(PUBLIC, copy)
    assert [(p.copy["id"], p.public and p.public["id"]) for p in plan.pairs] == [
        ("c1", "p1"), ("c2", "p2"), ("c3", None)]
    assert [r["id"] for r in plan.dropped] == ["p3"]

    kept, replaced, new = (resource_move.merged(p, "d") for p in plan.pairs)
    # Same data: the public file, table and identity stay; the reviewed metadata comes in.
    assert kept["id"] == "p1" and kept["name"] == "Obras 2024 (corregido)"
    assert kept["url_type"] == "upload" and kept["size"] == 10 and kept["datastore_active"] is True
    # New file: the public identity (id, position) with the copy's data.
    assert replaced["id"] == "p2" and replaced["position"] == 1
    assert replaced["url"].endswith("/v2.csv") and replaced["size"] == 99 and replaced["datastore_active"] is False
    assert new["id"] == "c3" and new["package_id"] == "d"
