#include "codegen/render.hpp"

#include "codegen/template_store.hpp"
#include "zynqnn/core/error.hpp"

namespace zynqnn::codegen {

std::string render(std::string_view template_name, const TemplateData& data) {
  kainjow::mustache::mustache tmpl{std::string(find_template(template_name))};
  if (!tmpl.is_valid()) {
    throw Error(ErrorCode::internal, "invalid template: " + tmpl.error_message(), "templates/" + std::string(template_name));
  }
  tmpl.set_custom_escape([](const std::string& text) { return text; });
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) {
    throw Error(ErrorCode::internal, "template failed to render: " + tmpl.error_message(),
                "templates/" + std::string(template_name));
  }
  return out;
}

}  // namespace zynqnn::codegen
