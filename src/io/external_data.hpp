#pragma once
// Reads the payload of a TensorProto whose data lives in a file next to the model
// (data_location = EXTERNAL, as torch.onnx.export and onnx.save_model write large models).
#include <onnx/onnx_pb.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace zynqnn::io {

// Resolves the tensor's `location` inside `model_folder` and returns exactly `expected_bytes`
// from it. Refuses an absolute location, one that leaves the folder (by `..` or a symlink), a
// missing file, an offset/length outside the file and a length other than `expected_bytes`;
// the caller computes `expected_bytes` from checked dims, so nothing is allocated from the file.
std::string read_external_data(const onnx::TensorProto& proto, const std::filesystem::path& model_folder,
                               std::size_t expected_bytes, std::string_view where);

}  // namespace zynqnn::io
