#include "bot/classifier/eval_set.h"

#include <cstdio>
#include <sstream>

#include "pipeline/date.h"
#include "pipeline/lead.h"
#include "pipeline/process.h"
#include "pipeline/text.h"

namespace leadrouter {
namespace {

using nlohmann::json;
using pipeline::Intent;
using pipeline::Segment;

// Long enough to recognise a message in a terminal line.
constexpr size_t kMessageExcerpt = 90;

const std::vector<std::string> kIntentLabels = {
    "URGENT_BUYER", "GENERAL_INQUIRY", "TIRE_KICKER", "SUPPORT_REQUEST",
    "SPAM"};
const std::vector<std::string> kSegmentLabels = {
    "HOT_BUYER", "WARM_BUYER", "NURTURE_LONGTERM", "LOW_QUALITY"};
const std::vector<std::string> kLeadTypeLabels = {"buyer", "seller",
                                                  "renter"};

bool Known(const std::vector<std::string>& labels, const std::string& s) {
  for (const std::string& l : labels) {
    if (l == s) return true;
  }
  return false;
}

// Reads expect.<field>: a known label, null (not judged) or an error.
std::optional<std::string> Label(const json& expect, const char* field,
                                 const std::vector<std::string>& labels,
                                 std::string& error) {
  const auto it = expect.find(field);
  if (it == expect.end()) {
    error = std::string("expect.") + field + ": missing (null if not judged)";
    return std::nullopt;
  }
  if (it->is_null()) return std::string();
  if (!it->is_string() || !Known(labels, it->get<std::string>())) {
    error = std::string("expect.") + field + ": unknown label " + it->dump();
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::string Excerpt(const std::string& message) {
  std::string one_line = message;
  for (char& c : one_line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (one_line.size() <= kMessageExcerpt) return one_line;
  return std::string(pipeline::CutUtf8(one_line, kMessageExcerpt)) + "…";
}

std::string FirstDetail(const std::vector<pipeline::Reason>& reasons) {
  return reasons.empty() ? std::string()
                         : reasons.front().rule + ": " + reasons.front().detail;
}

void Score(FieldScore& score, const std::string& expected,
           const std::string& got) {
  if (expected.empty()) return;
  ++score.judged;
  if (expected == got) ++score.right;
  ++score.confusion[{expected, got}];
}

// What makes a miss costly, in words; "" when it is not.
std::string CostlyError(const EvalCase& c, const pipeline::ProcessedLead& lead) {
  const std::string intent = pipeline::ToString(lead.intent);
  const std::string segment = pipeline::ToString(lead.segment);
  const bool hot_or_urgent =
      c.intent == "URGENT_BUYER" || c.segment == "HOT_BUYER";
  if (hot_or_urgent) {
    const char* who =
        c.segment == "HOT_BUYER" ? "hot buyer" : "urgent buyer";
    if (lead.intent == Intent::kSpam || lead.intent == Intent::kTireKicker) {
      return std::string(who) + " read as " + intent;
    }
    if (lead.segment == Segment::kNurtureLongterm ||
        (lead.segment == Segment::kLowQuality && c.segment != "LOW_QUALITY")) {
      return std::string(who) + " read as " + segment;
    }
  }
  if (c.intent == "SPAM" &&
      (lead.intent == Intent::kUrgentBuyer ||
       lead.segment == Segment::kHotBuyer)) {
    return "spam read as " + intent + " / " + segment;
  }
  return "";
}

std::string Percent(const FieldScore& s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%5.1f %%  (%d/%d)", 100.0 * s.Accuracy(),
                s.right, s.judged);
  return buf;
}

void PrintConfusion(std::ostringstream& out, const char* name,
                    const FieldScore& s,
                    const std::vector<std::string>& labels) {
  out << "\n" << name << " (rows: expected, columns: got)\n";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%-17s", "");
  out << buf;
  for (const std::string& l : labels) {
    std::snprintf(buf, sizeof buf, " %8.8s", l.c_str());
    out << buf;
  }
  out << "\n";
  for (const std::string& row : labels) {
    int total = 0;
    for (const std::string& col : labels) {
      const auto it = s.confusion.find({row, col});
      total += it == s.confusion.end() ? 0 : it->second;
    }
    if (total == 0) continue;
    std::snprintf(buf, sizeof buf, "%-17s", row.c_str());
    out << buf;
    for (const std::string& col : labels) {
      const auto it = s.confusion.find({row, col});
      std::snprintf(buf, sizeof buf, " %8d",
                    it == s.confusion.end() ? 0 : it->second);
      out << buf;
    }
    out << "\n";
  }
}

}  // namespace

EvalParse ParseEvalSet(std::string_view jsonl) {
  EvalParse out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < jsonl.size()) {
    size_t end = jsonl.find('\n', pos);
    if (end == std::string_view::npos) end = jsonl.size();
    const std::string_view line = pipeline::TrimView(jsonl.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(line_no) + ": ";
    const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      out.errors.push_back(where + "not a JSON object");
      continue;
    }
    EvalCase c;
    const auto id = j.find("id");
    if (id != j.end() && !id->is_string()) {
      out.errors.push_back(where + "id: must be a string");
      continue;
    }
    c.id = id != j.end() ? id->get<std::string>() : std::to_string(line_no);
    c.half = j.contains("half") && j["half"].is_string()
                 ? j["half"].get<std::string>()
                 : "";
    const auto payload = j.find("payload");
    if (payload == j.end() || !payload->is_object()) {
      out.errors.push_back(where + "payload: must be a JSON object");
      continue;
    }
    c.payload = *payload;
    if (j.contains("received_at")) {
      const json& at = j["received_at"];
      std::optional<std::chrono::system_clock::time_point> t;
      if (at.is_string()) t = pipeline::ParseTimestamp(at.get<std::string>());
      if (!t) {
        out.errors.push_back(where + "received_at: not an RFC 3339 timestamp");
        continue;
      }
      c.received_at = t;
    }
    const auto expect = j.find("expect");
    if (expect == j.end() || !expect->is_object()) {
      out.errors.push_back(where + "expect: must be a JSON object");
      continue;
    }
    std::string error;
    const auto intent = Label(*expect, "intent", kIntentLabels, error);
    const auto segment = intent ? Label(*expect, "segment", kSegmentLabels, error)
                                : std::nullopt;
    const auto lead_type =
        segment ? Label(*expect, "lead_type", kLeadTypeLabels, error)
                : std::nullopt;
    if (!lead_type) {
      out.errors.push_back(where + error);
      continue;
    }
    c.intent = *intent;
    c.segment = *segment;
    c.lead_type = *lead_type;
    out.cases.push_back(std::move(c));
  }
  return out;
}

EvalReport RunEval(const std::vector<EvalCase>& cases,
                   const pipeline::Rules& rules,
                   std::chrono::system_clock::time_point now,
                   std::string_view half) {
  EvalReport report;
  for (const EvalCase& c : cases) {
    if (!half.empty() && c.half != half) continue;
    ++report.cases;
    auto result = pipeline::Process(c.payload, rules, c.received_at.value_or(now));
    if (!result.ok()) {
      report.rejected.push_back(c.id + ": " + result.status().field() + ": " +
                                result.status().message());
      continue;
    }
    const pipeline::ProcessedLead& lead = result.value();
    const struct {
      const char* field;
      FieldScore* score;
      const std::string& expected;
      std::string got;
      const std::vector<pipeline::Reason>& reasons;
    } fields[] = {
        {"intent", &report.intent, c.intent, pipeline::ToString(lead.intent),
         lead.intent_reasons},
        {"segment", &report.segment, c.segment,
         pipeline::ToString(lead.segment), lead.segment_reasons},
        {"lead_type", &report.lead_type, c.lead_type,
         pipeline::ToString(lead.lead_type), lead.lead_type_reasons},
    };
    for (const auto& f : fields) {
      Score(*f.score, f.expected, f.got);
      if (!f.expected.empty() && f.expected != f.got) {
        report.misses.push_back({c.id, f.field, f.expected, f.got,
                                 Excerpt(lead.message), FirstDetail(f.reasons)});
      }
    }
    const std::string costly = CostlyError(c, lead);
    if (!costly.empty()) {
      report.costly.push_back({c.id, "costly", c.intent + " / " + c.segment,
                               costly, Excerpt(lead.message),
                               FirstDetail(lead.intent_reasons)});
    }
  }
  return report;
}

std::string FormatReport(const EvalReport& report, bool list_misses) {
  std::ostringstream out;
  out << report.cases << " leads\n"
      << "intent     " << Percent(report.intent) << "\n"
      << "segment    " << Percent(report.segment) << "\n"
      << "lead_type  " << Percent(report.lead_type) << "\n"
      << "costly errors: " << report.costly.size() << "\n";
  PrintConfusion(out, "intent", report.intent, kIntentLabels);
  PrintConfusion(out, "segment", report.segment, kSegmentLabels);
  PrintConfusion(out, "lead_type", report.lead_type, kLeadTypeLabels);
  out << "\ncostly errors (" << report.costly.size() << ")\n";
  for (const EvalMiss& m : report.costly) {
    out << "  " << m.id << "  " << m.got << " (expected " << m.expected
        << "): \"" << m.message << "\"\n      " << m.why << "\n";
  }
  if (!report.rejected.empty()) {
    out << "\nrejected by validation (" << report.rejected.size() << ")\n";
    for (const std::string& r : report.rejected) out << "  " << r << "\n";
  }
  if (list_misses) {
    out << "\nmisses (" << report.misses.size() << ")\n";
    for (const EvalMiss& m : report.misses) {
      out << "  " << m.id << "  " << m.field << ": expected " << m.expected
          << ", got " << m.got << ": \"" << m.message << "\"\n      " << m.why
          << "\n";
    }
  }
  return out.str();
}

}  // namespace leadrouter
