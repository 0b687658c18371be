// Reading a multipart/form-data body (RFC 7578), as e-mail providers post
// their inbound webhooks (Mailgun's raw-MIME route sends the message as the
// `body-mime` field). GMime parses it like any MIME entity, so no
// hand-written boundary scanner reads outside input. Pure: bytes in, values
// out; safe on arbitrary bytes from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/status.h"

namespace leadrouter::pipeline {

struct FormField {
  std::string name;      // Content-Disposition's name parameter
  std::string filename;  // its filename parameter; empty for a plain field
  std::string value;     // the bytes, with any Content-Transfer-Encoding undone
};

// Every field of `body` in the order sent, given the request's Content-Type
// header value (which carries the boundary). Returns
// InvalidField("Content-Type", …) when that is not multipart/form-data with a
// boundary, InvalidField("body", …) when no field can be read. A part
// without a name, and a nested multipart, are skipped.
Result<std::vector<FormField>> ReadMultipartForm(std::string_view content_type,
                                                 std::string_view body);

// The value of the first field called `name`, or nullptr when none is.
const FormField* FindFormField(const std::vector<FormField>& fields,
                               std::string_view name);

}  // namespace leadrouter::pipeline
