"""``rf-client generate workflow``: typed Python modules made from a workflow's definition.

``interface`` reads the inputs and outputs (kinds from the server), ``kinds`` maps kinds to
Python types, ``render`` writes the module, ``generate`` ties them together and tells stale
modules apart; ``runtime`` (public as :mod:`rf_client.workflow_runtime`) is what the modules
import.
"""

from rf_client._workflow_codegen.generate import (
    Target,
    definition_sha256,
    expected_record,
    generate,
    read_specification,
    recorded,
    staleness,
)

__all__ = [
    "Target",
    "definition_sha256",
    "expected_record",
    "generate",
    "read_specification",
    "recorded",
    "staleness",
]
