"""Whoosh's SegmentWriter, with two per-posting costs of writing a segment removed.

Writing a segment's postings was about 40% of indexing time, and two parts
of it did per-posting work that need not be per posting:

- the posting pool spills sorted runs to temporary files when it fills (about
  every 10,000 paragraphs) and reads them back for the final merge, with one
  ``pickle`` call per posting each way; here runs are pickled in chunks;
- each posting's document length was read back from the segment's length
  column on disk (a seek and a read per posting); here each field's lengths
  are read once into a list.

The postings, lengths and stored fields written are the same as Whoosh's own
writer writes (``tests/test_index_writer.py`` compares them); the postings
file can be smaller, as pickle writes a repeated value once.
"""

from __future__ import annotations

import pickle
from itertools import islice

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

RUN_CHUNK = 10_000  # postings per pickle call in a spilled run


class ChunkedPostingPool(PostingPool):
    def _write_run(self, f, items) -> None:
        items = iter(items)
        while chunk := list(islice(items, RUN_CHUNK)):
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


class InMemoryLengths:
    """The length source ``add_postings`` asks for each posting, answered from
    lists read once per field from the segment's per-document reader."""

    def __init__(self, reader, doc_count: int):
        self.reader = reader
        self.doc_count = doc_count

    def doc_field_length_reader(self, fieldname, default=0):
        column = self.reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return lambda docnum: default
        lengths = [byte_to_length(b) if b else None for b in islice(column, self.doc_count)]
        return lengths.__getitem__


class FastSegmentWriter(SegmentWriter):
    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = ChunkedPostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = InMemoryLengths(pdr, self.docnum - self.docbase) if pdr else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr:
            pdr.close()
