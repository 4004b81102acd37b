#include "onnx/opset_upgrade.hpp"

#include <exception>

#include <fmt/format.h>
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include "zynqnn/core/error.hpp"

namespace zynqnn::onnx_import {

bool is_default_domain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

std::int64_t default_opset(const onnx::ModelProto& model) {
  std::int64_t opset = 0;
  for (const auto& entry : model.opset_import())
    if (is_default_domain(entry.domain())) opset = entry.version();
  return opset;
}

onnx::ModelProto upgrade_opset(const onnx::ModelProto& model, std::int64_t target, const std::string& where) {
  const std::int64_t from = default_opset(model);
  try {
    onnx::checker::check_model(model);  // the converter expects a well-formed model
    onnx::ModelProto shaped = model;
    onnx::shape_inference::InferShapes(shaped);  // its adapters read the shapes of broadcast inputs
    return onnx::version_conversion::ConvertVersion(shaped, static_cast<int>(target));
  } catch (const std::exception& e) {
    throw Error(ErrorCode::unsupported,
                fmt::format("unsupported: opset {}, and ONNX's version converter could not upgrade it to {}: {}", from,
                            target, e.what()),
                where);
  }
}

}  // namespace zynqnn::onnx_import
