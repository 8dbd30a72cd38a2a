"""User code as a mypy ``--strict`` / pyright strict codebase writes it, type-checked, never run.

Every module here calls the public surface of rf-client (the documented API on
``InferenceHTTPClient`` and the typed API ``client.typed.<namespace>.<op>``) inside functions
nobody calls (there is no server) and pins the static type of each result with
``typing.assert_type``. ``make typecheck`` checks them with mypy (``mypy ... tests``) and
pyright (``pyrightconfig.json``); ``tests/unit/typing_surface`` checks that every public method
is covered, and runs the pinned cases of ``negative/`` (misuse mypy must reject) and
``reveal/`` (``reveal_type`` output) under ``mypy --strict``.
"""
