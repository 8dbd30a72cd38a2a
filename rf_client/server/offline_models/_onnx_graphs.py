"""Write constant-output YOLOv8-shaped ONNX graphs (runs inside the server's virtualenv).

Executed by path with the server venv's interpreter, which has ``onnx`` and ``numpy`` but
not rf_client: it imports only those and the standard library. It reads a job from stdin::

    {"opset": 17, "ir_version": 8, "input_size": 640,
     "graphs": [{"path": ".../weights.onnx",
                 "outputs": [{"name": "output0", "values": [[...], ...]},
                             {"name": "output1", "prototypes": {"channels": 32, "size": 160,
                              "disc_centre": [80, 80], "disc_radius": 20, "level": 4.0}}]}]}

Each graph takes ``images`` ``[batch, 3, S, S]`` float32 and ignores the pixels: every output
is its constant expanded to ``[batch, *shape]`` (Shape -> Slice -> Concat -> Expand), so
every image of a batch gets the same raw tensor.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _prototypes(spec: dict[str, Any]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Prototype 0 is +level in a disc and -level outside, prototype 1 is +level, rest 0."""
    size, level = int(spec["size"]), float(spec["level"])
    centre_x, centre_y = (float(value) for value in spec["disc_centre"])
    rows, columns = np.mgrid[0:size, 0:size].astype(np.float32)
    # Pixel i covers [i, i + 1): testing its centre keeps the disc symmetric about the box.
    inside = (columns + 0.5 - centre_x) ** 2 + (rows + 0.5 - centre_y) ** 2 <= float(
        spec["disc_radius"]
    ) ** 2
    prototypes = np.zeros((int(spec["channels"]), size, size), dtype=np.float32)
    prototypes[0] = np.where(inside, level, -level)
    prototypes[1] = level
    return prototypes


def _constant(output: dict[str, Any]) -> np.ndarray[Any, np.dtype[np.float32]]:
    if "prototypes" in output:
        return _prototypes(output["prototypes"])
    return np.asarray(output["values"], dtype=np.float32)


def _graph(outputs: list[dict[str, Any]], input_size: int) -> Any:
    nodes = [
        helper.make_node("Shape", ["images"], ["input_shape"]),
        helper.make_node("Slice", ["input_shape", "zero", "one"], ["batch"]),
    ]
    initializers = [
        numpy_helper.from_array(np.array([0], dtype=np.int64), "zero"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "one"),
    ]
    graph_outputs = []
    for output in outputs:
        name = output["name"]
        value = _constant(output)
        initializers.append(numpy_helper.from_array(value[np.newaxis], f"{name}_value"))
        initializers.append(
            numpy_helper.from_array(np.array(value.shape, dtype=np.int64), f"{name}_dims")
        )
        nodes.append(
            helper.make_node("Concat", ["batch", f"{name}_dims"], [f"{name}_shape"], axis=0)
        )
        nodes.append(helper.make_node("Expand", [f"{name}_value", f"{name}_shape"], [name]))
        graph_outputs.append(
            helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", *value.shape])
        )
    images = helper.make_tensor_value_info(
        "images", TensorProto.FLOAT, ["batch", 3, input_size, input_size]
    )
    return helper.make_graph(
        nodes, "rf_client_offline_model", [images], graph_outputs, initializers
    )


def main() -> None:
    """Read the job from stdin and write every graph it lists."""
    job = json.load(sys.stdin)
    for entry in job["graphs"]:
        model = helper.make_model(
            _graph(entry["outputs"], int(job["input_size"])),
            opset_imports=[helper.make_opsetid("", int(job["opset"]))],
            producer_name="rf-client",
        )
        model.ir_version = int(job["ir_version"])
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, entry["path"])
        sys.stdout.write(f"wrote {entry['path']}\n")


if __name__ == "__main__":
    main()
