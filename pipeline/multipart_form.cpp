#include "pipeline/multipart_form.h"

#include "pipeline/mime_library.h"

namespace leadrouter::pipeline {

Result<std::vector<FormField>> ReadMultipartForm(std::string_view content_type,
                                                 std::string_view body) {
  std::string why;
  const MimeApi* mime = MimeFunctions(&why);
  if (mime == nullptr) return Status::Internal("the form cannot be read: " + why);
  return mime->read_form(content_type, body);
}

const FormField* FindFormField(const std::vector<FormField>& fields,
                               std::string_view name) {
  for (const FormField& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

}  // namespace leadrouter::pipeline
