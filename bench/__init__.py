"""Benchmarks of rf-client against inference-sdk 1.8.3 (``make bench``; not part of the tests).

Both clients run in the same invocation against the same loopback servers, each in fresh
processes pinned to one CPU while the server is pinned to the other. ``python -m bench``
writes ``bench/results.json`` and ``docs/benchmarks.md``; see :mod:`bench.suite` for what is
measured and :mod:`bench.targets` for the targets.
"""
