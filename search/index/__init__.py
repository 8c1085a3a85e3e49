"""Stage 3, index: plan and run a reindex (which sources to read, keep or drop; near-duplicates;
unique ids) and hand the tagged articles to a search backend's build."""
