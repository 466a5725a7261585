"""Hardening of the portal against a hostile visitor or logged-in user (issue 11).

- config.py:        cookie flags every deployment gets (SameSite, Secure under https)
- headers.py:       nosniff, frame protection, CSP; uploaded files served as attachments
- uploads.py:       an upload whose content does not match its declared format is refused
- traces.py:        no trace of unpublished datasets or of accounts for those who may not see them
- datastore_sql.py: DataStore SQL searches time out quickly and fail in Spanish
- csv_safe.py:      CSV cells cannot become spreadsheet formulas
- datastore_dump.py: the DataStore's CSV/TSV dumps neither (text columns, by field type)
"""
