#include "pipeline/template.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "pipeline/text.h"
#include "pipeline/us_place.h"

namespace leadrouter::pipeline {
namespace {

struct Piece {
  bool is_field = false;
  std::string text;                     // literal text, or the field name
  std::optional<std::string> fallback;  // fields only
};

struct Parsed {
  std::vector<Piece> pieces;
  std::vector<std::string> problems;  // syntax only; names are checked later
};

Parsed Parse(std::string_view text) {
  Parsed out;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out.pieces.push_back({false, std::move(literal), {}});
    literal.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal += '}';
        i += 2;
      } else {
        out.problems.push_back("unbalanced '}' at offset " + std::to_string(i));
        ++i;
      }
      continue;
    }
    if (c != '{') {
      literal += c;
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      i += 2;
      continue;
    }
    // A field: up to its matching '}' (a fallback may hold fields itself).
    size_t close = std::string_view::npos;
    int depth = 0;
    for (size_t j = i; j < text.size(); ++j) {
      if (text[j] == '{') ++depth;
      if (text[j] == '}' && --depth == 0) {
        close = j;
        break;
      }
    }
    if (close == std::string_view::npos) {
      out.problems.push_back("unbalanced '{' at offset " + std::to_string(i));
      ++i;
      continue;
    }
    std::string_view inner = text.substr(i + 1, close - i - 1);
    Piece piece;
    piece.is_field = true;
    const size_t bar = inner.find('|');
    piece.text = Trim(inner.substr(0, bar));
    if (bar != std::string_view::npos) {
      piece.fallback = std::string(inner.substr(bar + 1));
    }
    if (piece.text.find_first_of("{}") != std::string::npos) {
      out.problems.push_back("a brace inside the field name at offset " +
                             std::to_string(i) + " (a fallback goes after '|')");
    } else if (piece.text.empty()) {
      out.problems.push_back("empty field name at offset " + std::to_string(i));
    } else {
      flush();
      out.pieces.push_back(std::move(piece));
    }
    i = close + 1;
  }
  flush();
  return out;
}

bool IsKnown(const std::string& name) {
  const auto& names = TemplateFieldNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Edit distance, for "did you mean"; names are short.
size_t Distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string Suggestion(const std::string& name) {
  // Two edits catch transpositions ("frist") and a dropped letter or two.
  constexpr size_t kMaxEdits = 2;
  std::string best;
  size_t best_distance = kMaxEdits + 1;
  for (const std::string& known : TemplateFieldNames()) {
    const size_t d = Distance(name, known);
    if (d < best_distance) {
      best = known;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace

const std::vector<std::string>& TemplateFieldNames() {
  static const std::vector<std::string> kNames = {
      "first_name",  "last_name",   "full_name",  "email",
      "phone",       "address",     "city",       "state",
      "zip",         "mls_id",      "price",      "budget",
      "source",      "segment",     "agent_name", "agent_first_name",
      "agent_email", "agent_phone", "company"};
  return kNames;
}

std::vector<std::string> ValidateTemplate(std::string_view text) {
  Parsed parsed = Parse(text);
  std::vector<std::string> problems = std::move(parsed.problems);
  std::set<std::string> reported;
  for (const Piece& p : parsed.pieces) {
    if (p.is_field && p.fallback) {
      for (std::string& inner : ValidateTemplate(*p.fallback)) {
        if (std::find(problems.begin(), problems.end(), inner) ==
            problems.end()) {
          problems.push_back("in the fallback of {" + p.text + "}: " + inner);
        }
      }
    }
    if (!p.is_field || IsKnown(p.text) || !reported.insert(p.text).second) {
      continue;
    }
    std::string problem = "unknown field {" + p.text + "}";
    const std::string suggestion = Suggestion(p.text);
    if (!suggestion.empty()) problem += " (did you mean {" + suggestion + "}?)";
    problems.push_back(std::move(problem));
  }
  return problems;
}

std::vector<std::string> FieldsRequiredBy(std::string_view text) {
  std::vector<std::string> out;
  for (const Piece& p : Parse(text).pieces) {
    if (p.is_field && !p.fallback &&
        std::find(out.begin(), out.end(), p.text) == out.end()) {
      out.push_back(p.text);
    }
  }
  return out;
}

TemplateFields FieldsFor(const ProcessedLead& lead, const TemplateOwner& owner,
                         const std::string& company) {
  TemplateFields f;
  f["first_name"] = lead.name.first;
  f["last_name"] = lead.name.last;
  f["full_name"] = lead.name.full;
  if (f["full_name"].empty()) {
    f["full_name"] = Trim(lead.name.first + " " + lead.name.last);
  }
  f["email"] = lead.email;
  f["phone"] = lead.phone.e164.empty() ? lead.phone.raw : lead.phone.e164;
  f["address"] = lead.property.address;
  const UsPlace place = PlaceFromAddress(lead.property.address);
  f["city"] = place.city;
  f["state"] = place.state;
  f["zip"] = lead.property.zip;
  f["mls_id"] = lead.property.mls_id;
  f["price"] = lead.property.price ? FormatDollars(*lead.property.price) : "";
  f["budget"] = lead.budget ? FormatDollars(*lead.budget) : "";
  // "unknown" is the pipeline's placeholder, not something to tell a lead.
  f["source"] = lead.source == "unknown" ? "" : lead.source;
  f["segment"] = ToString(lead.segment);
  f["agent_name"] = owner.name;
  const std::string agent = Trim(owner.name);
  f["agent_first_name"] = agent.substr(0, agent.find(' '));
  f["agent_email"] = owner.email;
  f["agent_phone"] = owner.phone;
  f["company"] = company;
  return f;
}

RenderResult RenderTemplate(std::string_view text,
                            const TemplateFields& fields) {
  RenderResult out;
  Parsed parsed = Parse(text);
  if (!parsed.problems.empty()) {
    out.missing.push_back("invalid template: " + parsed.problems.front());
    return out;
  }
  for (const Piece& p : parsed.pieces) {
    if (!p.is_field) {
      out.text += p.text;
      continue;
    }
    const auto it = fields.find(p.text);
    const std::string value =
        it == fields.end() ? std::string() : Trim(it->second);
    if (!value.empty()) {
      out.text += value;
    } else if (p.fallback) {
      RenderResult inner = RenderTemplate(*p.fallback, fields);
      out.text += inner.text;
      for (std::string& name : inner.missing) {
        if (std::find(out.missing.begin(), out.missing.end(), name) ==
            out.missing.end()) {
          out.missing.push_back(std::move(name));
        }
      }
    } else if (std::find(out.missing.begin(), out.missing.end(), p.text) ==
               out.missing.end()) {
      out.missing.push_back(p.text);
    }
  }
  if (!out.ok()) out.text.clear();
  return out;
}

std::string FormatDollars(double amount) {
  const long long whole = std::llround(std::fabs(amount));
  std::string digits = std::to_string(whole);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (amount < 0 ? "-$" : "$") + out;
}

TemplateFields HtmlEscaped(const TemplateFields& fields) {
  TemplateFields out;
  for (const auto& [name, value] : fields) {
    std::string escaped;
    escaped.reserve(value.size());
    for (char c : value) {
      switch (c) {
        case '&': escaped += "&amp;"; break;
        case '<': escaped += "&lt;"; break;
        case '>': escaped += "&gt;"; break;
        case '"': escaped += "&quot;"; break;
        case '\'': escaped += "&#39;"; break;
        default: escaped += c;
      }
    }
    out.emplace(name, std::move(escaped));
  }
  return out;
}

}  // namespace leadrouter::pipeline
