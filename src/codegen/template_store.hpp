#pragma once
// The generator's templates (the files under templates/), compiled into the binary so that
// `zynqnn generate` needs no installed data files.
#include <string_view>
#include <vector>

namespace zynqnn::codegen {

struct EmbeddedTemplate {
  std::string_view name;  // path under templates/, e.g. "hls/top.cpp.mustache"
  std::string_view text;
};

const std::vector<EmbeddedTemplate>& embedded_templates();

// The template called `name`; throws zynqnn::Error(not_found) for an unknown name.
std::string_view find_template(std::string_view name);

}  // namespace zynqnn::codegen
