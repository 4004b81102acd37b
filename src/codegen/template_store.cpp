#include "codegen/template_store.hpp"

#include <string>

#include "zynqnn/core/error.hpp"

namespace zynqnn::codegen {

std::string_view find_template(std::string_view name) {
  for (const auto& t : embedded_templates()) {
    if (t.name == name) return t.text;
  }
  throw Error(ErrorCode::internal, "no template named " + std::string(name), "templates/");
}

}  // namespace zynqnn::codegen
