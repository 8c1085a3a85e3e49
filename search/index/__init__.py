"""Stage 3, index: which sources a reindex reads, keeps and drops, and driving a backend's build.

Near-duplicates are listed under their original and every article gets a
unique id before the tagged articles are handed to the backend.
"""
