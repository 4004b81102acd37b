#pragma once
// Renders one of the embedded templates with kainjow mustache. Nothing is HTML-escaped:
// values reaching templates are validated identifiers, numbers, or text quoted for the
// target language before rendering (see quoting.hpp).
#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>

namespace zynqnn::codegen {

using TemplateData = kainjow::mustache::data;

std::string render(std::string_view template_name, const TemplateData& data);

}  // namespace zynqnn::codegen
