"""Errors the engine reports to its callers (CLI and web) as clear messages."""


class DiploSearchError(Exception):
    """Base class: the message is meant for the user, not a traceback."""


class SourceError(DiploSearchError):
    """A source file that cannot be read (empty, binary, undecodable, malformed)."""


class QueryError(DiploSearchError):
    """A query or a parameter that cannot be searched, with what to do instead."""


class IndexMissing(DiploSearchError):
    """No index has been built at the given folder yet."""


class IndexDamaged(IndexMissing):
    """The live build's files are missing, truncated or changed; the message names the fix."""


class ReindexBusy(DiploSearchError):
    """Another reindex holds the lock on this index folder."""


class DiskFull(DiploSearchError):
    """A build ran out of disk space; it was thrown away and the live build kept."""
