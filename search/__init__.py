"""The engine, one folder a stage: ingest → tagging → index → query, over a search backend.

It never imports Flask: ``web/`` and the CLI are thin layers over it.
"""
