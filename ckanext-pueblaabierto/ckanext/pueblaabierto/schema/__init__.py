"""FORM.317 metadata in CKAN: scheming validators, choices helpers and the licence list."""
