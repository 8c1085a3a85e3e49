"""Stage 4, query: what a search asks for (parameters, query language, names, dates).

Independent of the backend that answers it.
"""
