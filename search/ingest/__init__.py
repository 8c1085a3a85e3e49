"""Stage 1, ingest: sources (files, folders, fetched pages and feeds) into articles."""
