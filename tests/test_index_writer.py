"""The index writer's shortcuts write exactly what Whoosh's own writer writes."""

import pickle

import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import TEXT
from whoosh.writing import SegmentWriter

from search.backends.whoosh.schema import make_schema, to_document
from search.backends.whoosh.segmentwriter import FastSegmentWriter
from search.backends.whoosh.textfield import TextField
from search.ingest.sources import discover, read_file
from search.models import Article
from search.tagging.paragraphs import paragraphs_of

from conftest import SEEDS

EDGE_CASES = [
    "",
    "the of and a",
    "The al-Tanf base",
    "a I x U.S. 3.5 e.g. foo_bar",
    "İstanbul naïve façade STRASSE Straße ﬁnance",
    "energy Energy ENERGY energies energy.",
]


@pytest.fixture(scope="module")
def articles():
    files, _ = discover([SEEDS])
    return [item for path in files for item in read_file(path) if isinstance(item, Article)]


def _texts(articles):
    return [t for a in articles for t in [a.title, *a.paragraphs]] + EDGE_CASES


@pytest.mark.parametrize("boost", [1.0, 1.5])
def test_text_field_indexes_as_whoosh_does(articles, boost):
    ours = TextField(analyzer=StemmingAnalyzer(), stored=True, field_boost=boost)
    theirs = TEXT(analyzer=StemmingAnalyzer(), stored=True, field_boost=boost)
    for text in _texts(articles):
        assert sorted(ours.index(text)) == sorted(theirs.index(text)), text[:80]


def test_text_field_with_other_analyzers_falls_back_to_whoosh():
    field = TextField(analyzer=StandardAnalyzer(), phrase=False)
    assert field._fast() is None
    assert sorted(field.index("Energy energy trade")) == sorted(
        TEXT(analyzer=StandardAnalyzer(), phrase=False).index("Energy energy trade")
    )


def test_text_field_caches_are_not_pickled_with_the_schema():
    schema = make_schema()
    list(schema["text"].index("Energy cooperation"))
    copy = pickle.loads(pickle.dumps(schema))
    assert "_last" not in copy["text"].__dict__ and "_fast_parts" not in copy["text"].__dict__
    assert sorted(copy["text"].index("Energy cooperation")) == sorted(schema["text"].index("Energy cooperation"))


@pytest.fixture(scope="module")
def documents(articles):
    return [to_document(paragraph, "seed") for article in articles for paragraph in paragraphs_of(article)]


def _write(folder, writer_class, documents, limitmb):
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    writer = writer_class(ix, compound=False, limitmb=limitmb)
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    return whoosh_index.open_dir(str(folder)).reader()


def _postings(reader, field, term):
    matcher = reader.postings(field, term)
    out = []
    while matcher.is_active():
        out.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return out


@pytest.mark.slow
@pytest.mark.parametrize("limitmb", [128, 1])  # 1 MB: the pool spills dozens of runs to disk
def test_segment_writer_writes_what_whoosh_writes(tmp_path, documents, limitmb):
    with (
        _write(tmp_path / "ours", FastSegmentWriter, documents, limitmb) as ours,
        _write(tmp_path / "theirs", SegmentWriter, documents, limitmb) as theirs,
    ):
        _assert_same_index(ours, theirs)


def _assert_same_index(ours, theirs) -> None:
    assert ours.doc_count() == theirs.doc_count() > 2000
    terms = list(theirs.all_terms())
    assert list(ours.all_terms()) == terms
    for field, term in terms:
        assert _postings(ours, field, term) == _postings(theirs, field, term), (field, term)
    for field in ("text", "title"):
        assert ours.field_length(field) == theirs.field_length(field)
        assert [ours.doc_field_length(d, field) for d in range(ours.doc_count())] == [
            theirs.doc_field_length(d, field) for d in range(theirs.doc_count())
        ]
    assert list(ours.all_stored_fields()) == list(theirs.all_stored_fields())
