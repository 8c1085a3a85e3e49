"""Performance benchmark of diplosearch: ``python -m bench.run --size 100k``.

See ``bench/README.md``. Modules:

- ``corpus``: deterministic synthetic articles (JSON Lines) with pre-assigned tags;
- ``queries``: the fixed mixed query set;
- ``phases``: each measured phase, run in its own subprocess so peak memory is per phase;
- ``run``: the command line that runs every phase, prints the table and saves the JSON.
"""
