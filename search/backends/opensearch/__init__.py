"""The OpenSearch backend: the same search and reindex on an OpenSearch cluster (see README.md here).

Chosen with ``--backend opensearch --opensearch-url URL`` (or
``$DIPLOSEARCH_OPENSEARCH_URL``); needs ``pip install 'diplosearch[opensearch]'``.
"""

from .backend import GroupedResult, OpenSearchBackend
from .build import IndexingFailed, OpenSearchBuild
from .client import DEFAULT_NAME, ClusterUnavailable, connect
from .translate import Unsupported

__all__ = [
    "OpenSearchBackend",
    "OpenSearchBuild",
    "GroupedResult",
    "IndexingFailed",
    "ClusterUnavailable",
    "Unsupported",
    "connect",
    "DEFAULT_NAME",
]
