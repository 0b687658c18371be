#include "bot/http/form_body.h"

#include "pipeline/sanitize.h"

namespace leadrouter {

FormParams ParseFormBody(std::string_view body) {
  FormParams params;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view()
                                         : body.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    params.emplace_back(pipeline::PercentDecode(name, true),
                        pipeline::PercentDecode(value, true));
  }
  return params;
}

std::string FormValue(const FormParams& params, std::string_view name) {
  for (const auto& [n, v] : params) {
    if (n == name) return v;
  }
  return "";
}

}  // namespace leadrouter
