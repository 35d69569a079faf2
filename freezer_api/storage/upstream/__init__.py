"""Reading the original freezer-api's SQL database, to import it (freezer-manage db import-upstream).

source.py reads the original's tables, whatever revision of its schema they
are at, and turns each live row into the document this server stores (or a
reason it cannot be imported); importer.py writes those documents through
the repositories, in resumable batches, under a lock.
"""
