"""Search backends: where paragraphs are stored and searched (Whoosh embedded by default)."""
