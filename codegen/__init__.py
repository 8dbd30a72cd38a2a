"""rf-client code generation: pull the server's OpenAPI description, patch it, generate bindings.

Entry point: ``python -m codegen <command>`` (see ``codegen/__main__.py``); the Makefile
targets ``spec-pull``, ``regen`` and ``check-generated`` call it.
"""
