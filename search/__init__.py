"""diplosearch engine: ingest -> paragraphs -> tags -> index -> query. Never imports Flask."""
