"""Saves mnist-8 as torch.onnx.export and onnx.save_model write large models: every tensor in
one file next to the model (data_location = EXTERNAL, location/offset/length entries).

usage: make_external_mnist.py MNIST8_MODEL.onnx OUT_DIR
writes OUT_DIR/model.onnx and OUT_DIR/model.onnx.data
"""
import os
import sys

import onnx
from onnx import numpy_helper


def main() -> int:
    source, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    model = onnx.load_model(source)
    # onnx moves only raw_data outside; mnist-8 keeps its weights in float_data.
    for tensor in model.graph.initializer:
        tensor.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor), tensor.name))
    out = os.path.join(out_dir, "model.onnx")
    data = os.path.join(out_dir, "model.onnx.data")
    if os.path.exists(data):
        os.remove(data)  # save_model appends to an existing data file
    onnx.save_model(model, out, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.onnx.data", size_threshold=0)
    # The file must really hold its tensors outside: check what was written.
    written = onnx.load_model(out, load_external_data=False)
    external = [t.name for t in written.graph.initializer
                if t.data_location == onnx.TensorProto.EXTERNAL]
    if not external or len(external) != len(written.graph.initializer):
        print(f"FAILED: {len(external)} of {len(written.graph.initializer)} initializers external")
        return 1
    onnx.checker.check_model(out)
    print(f"{out}: {len(external)} initializers in {data} ({os.path.getsize(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
