#include "pipeline/email_message.h"

#include "pipeline/mime_library.h"
#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return AsciiLower(a) == AsciiLower(b);
}

}  // namespace

Result<EmailMessage> ReadEmailMessage(std::string_view raw) {
  std::string why;
  const MimeApi* mime = MimeFunctions(&why);
  if (mime == nullptr) return Status::Internal("e-mail cannot be read: " + why);
  return mime->read_message(raw);
}

std::string HeaderValue(const EmailMessage& message, std::string_view name) {
  for (const auto& [key, value] : message.headers) {
    if (SameName(key, name)) return value;
  }
  return "";
}

std::vector<std::string> HeaderValues(const EmailMessage& message,
                                      std::string_view name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : message.headers) {
    if (SameName(key, name)) values.push_back(value);
  }
  return values;
}

}  // namespace leadrouter::pipeline
