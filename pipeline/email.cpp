#include "pipeline/email.h"

#include <cstring>

#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

constexpr size_t kMaxAddress = 254;  // RFC 5321 path limit minus brackets
constexpr size_t kMaxLocal = 64;
constexpr size_t kMaxLabel = 63;

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

bool IsLocalChar(char c) {
  return IsAlnum(c) || (c != '\0' && std::strchr("!#$%&'*+/=?^_`{|}~-.", c));
}

bool ValidLocal(std::string_view local) {
  if (local.empty() || local.size() > kMaxLocal) return false;
  if (local.front() == '.' || local.back() == '.') return false;
  if (local.find("..") != std::string_view::npos) return false;
  for (char c : local) {
    if (!IsLocalChar(c)) return false;
  }
  return true;
}

bool ValidDomain(std::string_view domain) {
  if (domain.empty()) return false;
  size_t labels = 0;
  std::string_view tld;
  size_t pos = 0;
  while (pos <= domain.size()) {
    size_t dot = domain.find('.', pos);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(pos, dot - pos);
    if (label.empty() || label.size() > kMaxLabel) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!IsAlnum(c) && c != '-') return false;
    }
    ++labels;
    tld = label;
    pos = dot + 1;
  }
  if (labels < 2 || tld.size() < 2) return false;
  for (char c : tld) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

}  // namespace

EmailAddress NormalizeEmail(std::string_view raw) {
  EmailAddress out;
  std::string_view s = TrimView(raw);
  if (s.size() >= 7 && AsciiLower(s.substr(0, 7)) == "mailto:") {
    s = TrimView(s.substr(7));
  }
  // "Dana <dana@example.com>" is how mail clients paste an address.
  const size_t lt = s.rfind('<');
  if (lt != std::string_view::npos && !s.empty() && s.back() == '>') {
    s = TrimView(s.substr(lt + 1, s.size() - lt - 2));
  }
  out.address = AsciiLower(s);
  out.valid = IsValidEmail(out.address);
  return out;
}

bool IsValidEmail(std::string_view address) {
  if (address.size() > kMaxAddress) return false;
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return false;
  return ValidLocal(address.substr(0, at)) &&
         ValidDomain(address.substr(at + 1));
}

}  // namespace leadrouter::pipeline
