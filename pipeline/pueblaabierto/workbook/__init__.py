"""The FORM.317 workbook: its layout, the blank template and a tolerant reader."""
