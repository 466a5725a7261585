"""The server's own validation of a dataset's data, whatever path the data came by.

``enviar_revision`` accepts a dataset only when this validation ran on the dataset exactly
as it is now (same files, same URLs, same dictionary) and found no errors.
"""
