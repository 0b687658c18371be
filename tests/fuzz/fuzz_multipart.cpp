// Fuzzes the multipart/form-data reader the inbound e-mail webhooks use:
// the first line of the input is the Content-Type header's value, the rest
// the body. Traps when a result breaks what the webhook relies on.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/multipart_form.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t eol = input.find('\n');
  const std::string_view content_type = input.substr(0, eol);
  const std::string_view body =
      eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
  const auto fields = leadrouter::pipeline::ReadMultipartForm(content_type, body);
  if (!fields.ok()) {
    const std::string& field = fields.status().field();
    Check(field == "Content-Type" || field == "body");
    return 0;
  }
  Check(!fields.value().empty());
  for (const auto& f : fields.value()) Check(!f.name.empty());
  return 0;
}
