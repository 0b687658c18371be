#include "pipeline/email_extract.h"

#include <array>
#include <utility>
#include <vector>

#include "pipeline/sanitize.h"
#include "pipeline/text.h"

namespace leadrouter::pipeline {
namespace {

// Bodies are cut here before the sanitizer: a portal's notification is a
// few kilobytes; the rest of a huge body cannot hold the contact block.
constexpr size_t kMaxBodyText = 512 * 1024;
// A label is followed by its colon within this many blanks ("Name :").
constexpr size_t kMaxLabelGap = 4;

size_t FindNoCase(std::string_view hay, std::string_view needle, size_t from = 0) {
  if (needle.empty() || hay.size() < needle.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() &&
           std::tolower(static_cast<unsigned char>(hay[i + k])) ==
               std::tolower(static_cast<unsigned char>(needle[k]))) {
      ++k;
    }
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && FindNoCase(s.substr(0, prefix.size()), prefix) == 0;
}

void Fill(std::string& field, std::string_view value) {
  if (!field.empty()) return;
  field = Trim(value);
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// The value of attribute `name` inside one tag's text ("meta name=… content=…").
std::string Attribute(std::string_view tag, std::string_view name) {
  size_t pos = 0;
  while ((pos = FindNoCase(tag, name, pos)) != std::string_view::npos) {
    const bool boundary = pos == 0 || std::isspace(static_cast<unsigned char>(tag[pos - 1]));
    size_t i = pos + name.size();
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    if (!boundary || i >= tag.size() || tag[i] != '=') {
      pos += name.size();
      continue;
    }
    ++i;
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    if (i >= tag.size()) return "";
    if (tag[i] == '"' || tag[i] == '\'') {
      const size_t close = tag.find(tag[i], i + 1);
      if (close == std::string_view::npos) return "";
      return DecodeEntities(tag.substr(i + 1, close - i - 1));
    }
    size_t end = i;
    while (end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[end])) &&
           tag[end] != '>' && tag[end] != '/') {
      ++end;
    }
    return DecodeEntities(tag.substr(i, end - i));
  }
  return "";
}

// One XML element: its opening tag's text and what lies inside.
struct Element {
  std::string_view open;   // between "<" and ">"
  std::string_view inner;  // empty for <x/>
  size_t end = 0;          // just past the element
};

bool IsNameEnd(char c) {
  return c == '>' || c == '/' || std::isspace(static_cast<unsigned char>(c));
}

// The next opening <tag …> at or after `from`: its text between '<' and
// '>', and the offset just past it.
std::optional<std::pair<std::string_view, size_t>> NextOpenTag(
    std::string_view xml, std::string_view tag, size_t from) {
  const std::string opener = "<" + std::string(tag);
  size_t pos = from;
  while ((pos = FindNoCase(xml, opener, pos)) != std::string_view::npos) {
    const size_t after = pos + opener.size();
    if (after < xml.size() && IsNameEnd(xml[after])) break;
    pos = after;
  }
  if (pos == std::string_view::npos) return std::nullopt;
  const size_t gt = xml.find('>', pos);
  if (gt == std::string_view::npos) return std::nullopt;
  return std::make_pair(xml.substr(pos + 1, gt - pos - 1), gt + 1);
}

// The next <tag …>…</tag> at or after `from` within `xml`.
std::optional<Element> NextElement(std::string_view xml, std::string_view tag,
                                   size_t from) {
  auto open = NextOpenTag(xml, tag, from);
  if (!open) return std::nullopt;
  Element e;
  e.open = open->first;
  const size_t body = open->second;
  if (!e.open.empty() && e.open.back() == '/') {
    e.end = body;
    return e;
  }
  const std::string closer = "</" + std::string(tag);
  const size_t close = FindNoCase(xml, closer, body);
  if (close == std::string_view::npos) {
    e.inner = xml.substr(body);
    e.end = xml.size();
    return e;
  }
  e.inner = xml.substr(body, close - body);
  const size_t close_gt = xml.find('>', close);
  e.end = close_gt == std::string_view::npos ? xml.size() : close_gt + 1;
  return e;
}

// Element text: a CDATA section as is, anything else with entities decoded
// and inner tags dropped.
std::string ElementText(std::string_view inner) {
  std::string_view t = TrimView(inner);
  constexpr std::string_view kCdata = "<![CDATA[";
  if (t.substr(0, kCdata.size()) == kCdata) {
    t.remove_prefix(kCdata.size());
    const size_t end = t.find("]]>");
    return Trim(t.substr(0, end));
  }
  return SanitizeText(inner, {kMaxBodyText, {}}).text;
}

// "Zillow <no-reply@zillow.com>", "no-reply@zillow.com", "\"A, B\" <a@b.c>".
MailAddress ParseAddressLine(std::string_view value) {
  MailAddress out;
  value = TrimView(value);
  const size_t lt = value.rfind('<');
  const size_t gt = value.rfind('>');
  if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) {
    out.address = AsciiLower(Trim(value.substr(lt + 1, gt - lt - 1)));
    std::string name = Trim(value.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    out.name = Trim(name);
  } else {
    // "a@b.c (Name)" or "Name a@b.c": the word with an '@' is the address.
    size_t start = 0;
    while (start < value.size()) {
      size_t end = value.find(' ', start);
      if (end == std::string_view::npos) end = value.size();
      std::string_view word = value.substr(start, end - start);
      if (word.find('@') != std::string_view::npos) {
        out.address = AsciiLower(Trim(word));
        break;
      }
      start = end + 1;
    }
  }
  if (out.address.find('@') == std::string::npos) out.address.clear();
  return out;
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  return SanitizeText(html.substr(0, kMaxBodyText), {kMaxBodyText, {}}).text;
}

bool ReadLeadMetadata(std::string_view html, EmailFields& out) {
  static constexpr std::array<std::pair<std::string_view, std::string EmailFields::*>, 10>
      kTags = {{{"lead_name", &EmailFields::full_name},
                {"lead_first_name", &EmailFields::first_name},
                {"lead_last_name", &EmailFields::last_name},
                {"lead_email", &EmailFields::email},
                {"lead_phone", &EmailFields::phone},
                {"lead_message", &EmailFields::message},
                {"lead_comments", &EmailFields::message},
                {"lead_property_address", &EmailFields::address},
                {"lead_property_price", &EmailFields::price},
                {"lead_price", &EmailFields::price}}};
  bool found = false;
  size_t pos = 0;
  // <meta> has no closing tag: only the opening tag's own text counts.
  while (auto meta = NextOpenTag(html, "meta", pos)) {
    pos = meta->second;
    const std::string name = AsciiLower(Trim(Attribute(meta->first, "name")));
    if (name.rfind("lead_", 0) != 0) continue;
    found = true;
    const std::string content = Attribute(meta->first, "content");
    for (const auto& [tag, field] : kTags) {
      if (name == tag) Fill(out.*field, content);
    }
  }
  return found;
}

bool ReadAdf(std::string_view body, EmailFields& out) {
  if (FindNoCase(body, "<?adf") == std::string_view::npos) return false;
  auto customer = NextElement(body, "customer", 0);
  if (!customer) return true;
  std::string_view scope = customer->inner;
  if (auto contact = NextElement(scope, "contact", 0)) {
    std::string_view c = contact->inner;
    size_t pos = 0;
    while (auto name = NextElement(c, "name", pos)) {
      pos = name->end;
      const std::string part = AsciiLower(Attribute(name->open, "part"));
      const std::string value = ElementText(name->inner);
      if (part == "first") Fill(out.first_name, value);
      else if (part == "last") Fill(out.last_name, value);
      else Fill(out.full_name, value);
    }
    if (auto email = NextElement(c, "email", 0)) {
      std::string value = ElementText(email->inner);
      if (StartsWithNoCase(value, "mailto:")) value = value.substr(7);
      Fill(out.email, value);
    }
    if (auto phone = NextElement(c, "phone", 0)) Fill(out.phone, ElementText(phone->inner));
  }
  if (auto comments = NextElement(scope, "comments", 0)) {
    Fill(out.message, ElementText(comments->inner));
  }
  return true;
}

void ReadLabels(std::string_view text, const EmailFieldLabels& labels,
                EmailFields& out) {
  const std::vector<std::string_view> lines = Lines(text.substr(0, kMaxBodyText));
  const std::array<std::pair<const std::vector<std::string>*, std::string*>, 8> fields = {{
      {&labels.full_name, &out.full_name},
      {&labels.first_name, &out.first_name},
      {&labels.last_name, &out.last_name},
      {&labels.email, &out.email},
      {&labels.phone, &out.phone},
      {&labels.address, &out.address},
      {&labels.price, &out.price},
      {&labels.message, &out.message},
  }};
  // The text after "Label:" when `line` starts with it, else nullopt.
  auto after_label = [](std::string_view line,
                        std::string_view label) -> std::optional<std::string_view> {
    line = TrimView(line);
    while (!line.empty() && (line.front() == '*' || line.front() == '-')) {
      line = TrimView(line.substr(1));
    }
    if (label.empty() || !StartsWithNoCase(line, label)) return std::nullopt;
    std::string_view rest = line.substr(label.size());
    size_t gap = 0;
    while (gap < rest.size() && gap <= kMaxLabelGap && (rest[gap] == ' ' || rest[gap] == '\t')) ++gap;
    if (gap >= rest.size() || rest[gap] != ':') return std::nullopt;
    return TrimView(rest.substr(gap + 1));
  };
  auto is_any_label = [&](std::string_view line) {
    for (const auto& [list, field] : fields) {
      for (const std::string& label : *list) {
        if (after_label(line, label)) return true;
      }
    }
    return false;
  };
  for (const auto& [list, field] : fields) {
    if (!field->empty()) continue;
    for (const std::string& label : *list) {
      for (size_t i = 0; i < lines.size() && field->empty(); ++i) {
        auto value = after_label(lines[i], label);
        if (!value) continue;
        if (!value->empty()) {
          Fill(*field, *value);
          continue;
        }
        for (size_t j = i + 1; j < lines.size(); ++j) {
          if (TrimView(lines[j]).empty()) continue;
          if (!is_any_label(lines[j])) Fill(*field, lines[j]);
          break;
        }
      }
      if (!field->empty()) break;
    }
  }
}

std::optional<ForwardedMessage> UnwrapForwarded(std::string_view text) {
  const std::vector<std::string_view> lines = Lines(text);
  size_t marker = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = TrimView(lines[i]);
    const bool gmail = FindNoCase(line, "forwarded message") != std::string_view::npos &&
                       line.find("---") != std::string_view::npos;
    const bool apple = StartsWithNoCase(line, "begin forwarded message");
    if (gmail || apple) {
      marker = i;
      break;
    }
  }
  if (marker == lines.size()) return std::nullopt;
  ForwardedMessage fwd;
  size_t i = marker + 1;
  while (i < lines.size() && TrimView(lines[i]).empty()) ++i;
  // The quoted header block: "From:", "Date:", "Subject:", "To:", … until
  // the first blank line.
  for (; i < lines.size(); ++i) {
    std::string_view line = TrimView(lines[i]);
    if (!line.empty() && line.front() == '>') line = TrimView(line.substr(1));
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) break;
    const std::string name = AsciiLower(Trim(line.substr(0, colon)));
    std::string_view value = TrimView(line.substr(colon + 1));
    if (name == "from") fwd.from = ParseAddressLine(value);
    else if (name == "subject") fwd.subject = Trim(value);
  }
  if (fwd.from.address.empty()) return std::nullopt;
  std::string body;
  for (; i < lines.size(); ++i) {
    body.append(lines[i]);
    body.push_back('\n');
  }
  fwd.body = std::move(body);
  return fwd;
}

}  // namespace leadrouter::pipeline
