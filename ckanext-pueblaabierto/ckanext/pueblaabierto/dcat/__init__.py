"""DCAT output of the FORM.317 fields (ckanext-dcat RDF profile)."""
