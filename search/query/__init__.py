"""Stage 4, query: what a search asks for (parameters, the query language, names, dates),
independent of the backend that answers it."""
