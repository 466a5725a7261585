"""Machine-readable exports of the published catalogue besides RDF: the national /data.json,
ckanext-dcat's /dcat.json, /catalog.json and Frictionless Data Packages per dataset."""
