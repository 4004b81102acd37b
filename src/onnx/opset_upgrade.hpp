#pragma once
// Models older than the importer's first opset are upgraded by ONNX's own version converter
// (its adapters carry each operator's changed semantics), then imported like any other.
#include <cstdint>
#include <string>

#include <onnx/onnx_pb.h>

namespace zynqnn::onnx_import {

// The default ONNX domain: "" or "ai.onnx".
bool is_default_domain(const std::string& domain);

// The default domain's opset the model imports; 0 when it imports none.
std::int64_t default_opset(const onnx::ModelProto& model);

// `model` converted to `target` opset. Throws Error(unsupported) naming the opsets and ONNX's
// reason when the checker or the converter refuses it.
onnx::ModelProto upgrade_opset(const onnx::ModelProto& model, std::int64_t target, const std::string& where);

}  // namespace zynqnn::onnx_import
