#include "pipeline/process.h"

#include <algorithm>
#include <exception>
#include <string>

#include "pipeline/date.h"
#include "pipeline/dedupe.h"
#include "pipeline/email.h"
#include "pipeline/intent.h"
#include "pipeline/json_body.h"
#include "pipeline/name.h"
#include "pipeline/parse.h"
#include "pipeline/phone.h"
#include "pipeline/price.h"
#include "pipeline/sanitize.h"
#include "pipeline/score.h"
#include "pipeline/segment.h"
#include "pipeline/text.h"
#include "pipeline/validate.h"

namespace leadrouter::pipeline {
namespace {

// Field length caps (bytes). Generous for real data, small enough that a
// hostile payload cannot bloat the database row or the Slack card.
constexpr size_t kMaxNameField = 128;
constexpr size_t kMaxShortField = 256;
constexpr size_t kMaxUrlField = 2048;

// Cleans a one-line field, noting in `cleaning` what changed.
std::string CleanField(const char* field, const std::string& input,
                       size_t max_length, std::vector<std::string>& cleaning) {
  SanitizedText s = SanitizeField(input, max_length);
  for (const std::string& change : s.changes) {
    cleaning.push_back(std::string(field) + ": " + change);
  }
  return std::move(s.text);
}

std::optional<int> DaysOnMarket(const nlohmann::json& value) {
  if (value.is_number_integer() || value.is_number_unsigned()) {
    const auto v = value.get<long long>();
    if (v >= 0 && v < 100000) return static_cast<int>(v);
  } else if (value.is_number_float()) {
    const double v = value.get<double>();
    if (v >= 0 && v < 100000) return static_cast<int>(v);
  } else if (value.is_string()) {
    const std::string s = Trim(value.get_ref<const std::string&>());
    if (s.empty() || s.size() > 5) return std::nullopt;
    int v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  }
  return std::nullopt;
}

// The US ZIP ending an address ("…, NY 10010" or "…, NY 10010-1234"), or "".
std::string TrailingZip(std::string_view address) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string_view s = TrimView(address);
  if (s.size() >= 10 && s[s.size() - 5] == '-') s.remove_suffix(5);
  if (s.size() < 6) return "";
  const std::string_view zip = s.substr(s.size() - 5);
  for (char c : zip) {
    if (!is_digit(c)) return "";
  }
  const char before = s[s.size() - 6];
  return before == ' ' || before == ',' ? std::string(zip) : "";
}

ProcessedLead Build(const nlohmann::json& payload, const ParsedPayload& p,
                    const Rules& rules, TimePoint now) {
  ProcessedLead lead;
  std::vector<std::string>& cleaning = lead.cleaning;
  lead.raw = payload;
  // A payload built in code (not parsed from bytes) may hold invalid UTF-8,
  // which json::dump() refuses; store a repaired copy instead.
  try {
    (void)payload.dump();
  } catch (const nlohmann::json::exception&) {
    lead.raw = nlohmann::json::parse(
        payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
        nullptr, /*allow_exceptions=*/false);
    cleaning.emplace_back("raw: replaced invalid UTF-8");
  }
  lead.source = CleanField("source", p.source, kMaxShortField, cleaning);
  if (lead.source.empty()) lead.source = "unknown";
  lead.submitted_at =
      CleanField("submitted_at", p.submitted_at, kMaxShortField, cleaning);
  lead.crm_id = CleanField("crm_id", p.crm_id, kMaxShortField, cleaning);

  const std::string first =
      CleanField("name", p.first_name, kMaxNameField, cleaning);
  const std::string last =
      CleanField("name", p.last_name, kMaxNameField, cleaning);
  const std::string full =
      CleanField("name", p.full_name, kMaxNameField, cleaning);
  lead.name = NormalizeName(first, last, full);
  const std::string as_typed =
      (first.empty() && last.empty()) ? full : Trim(first + " " + last);
  if (!lead.name.full.empty() && lead.name.full != as_typed) {
    cleaning.push_back("name: \"" + as_typed + "\" written as \"" +
                       lead.name.full + "\"");
  }

  const std::string email_in =
      CleanField("email", p.email, kMaxShortField, cleaning);
  const EmailAddress email = NormalizeEmail(email_in);
  lead.email = email.address;
  lead.email_valid = email.valid;
  if (!email_in.empty() && email.address != email_in) {
    cleaning.push_back("email: \"" + email_in + "\" normalized to \"" +
                       email.address + "\"");
  }

  const std::string phone_in =
      CleanField("phone", p.phone, kMaxShortField, cleaning);
  lead.phone = NormalizePhone(phone_in, rules.default_region);

  SanitizeOptions options;
  options.max_length = rules.max_text_length;
  options.boilerplate_phrases = rules.boilerplate_phrases;
  SanitizedText message = SanitizeText(p.message, options);
  for (const std::string& change : message.changes) {
    cleaning.push_back("message: " + change);
  }
  lead.message = std::move(message.text);

  Property& prop = lead.property;
  prop.mls_id = CleanField("mls_id", p.mls_id, kMaxShortField, cleaning);
  prop.address = CleanField("address", p.address, kMaxShortField, cleaning);
  prop.zip = CleanField("zip", p.zip, kMaxShortField, cleaning);
  if (prop.zip.empty()) prop.zip = TrailingZip(prop.address);
  prop.price = PriceFromJson(p.price);
  prop.days_on_market = DaysOnMarket(p.days_on_market);
  if (!prop.days_on_market && !p.listed_at.empty()) {
    prop.days_on_market = DaysSince(p.listed_at, now);
  }
  lead.budget = PriceFromJson(p.budget);
  if (!lead.budget) lead.budget = FindBudgetInText(lead.message);

  const Attribution& in = p.attribution;
  Attribution& a = lead.attribution;
  a.utm_source =
      CleanField("utm_source", in.utm_source, kMaxShortField, cleaning);
  a.utm_medium =
      CleanField("utm_medium", in.utm_medium, kMaxShortField, cleaning);
  a.utm_campaign =
      CleanField("utm_campaign", in.utm_campaign, kMaxShortField, cleaning);
  a.utm_term = CleanField("utm_term", in.utm_term, kMaxShortField, cleaning);
  a.utm_content =
      CleanField("utm_content", in.utm_content, kMaxShortField, cleaning);
  // URLs keep their %-escapes: decoding would change what they point at.
  a.landing_page = RepairUtf8(CutUtf8(Trim(in.landing_page), kMaxUrlField));
  a.referrer = RepairUtf8(CutUtf8(Trim(in.referrer), kMaxUrlField));
  a.gclid = CleanField("gclid", in.gclid, kMaxShortField, cleaning);
  a.fbclid = CleanField("fbclid", in.fbclid, kMaxShortField, cleaning);

  lead.consent = p.consent;
  lead.consent.policy_version =
      CleanField("consent", p.consent.policy_version, kMaxShortField, cleaning);
  lead.honeypot = !p.honeypot_field.empty();
  return lead;
}

void Mark(StepObserver* observer, std::string_view step) {
  if (observer) observer->StepDone(step);
}

// Intent comes before segment: how hot a lead is depends on what it says.
void Judge(ProcessedLead& lead, const Rules& rules, TimePoint now,
           StepObserver* observer) {
  lead.dedupe_keys = DedupeKeys(lead);
  ScoreResult score = ScoreLead(lead, rules);
  lead.score = score.total;
  lead.score_reasons = std::move(score.reasons);
  Mark(observer, "score");
  IntentResult intent = RuleIntentClassifier(rules).Classify(lead, now);
  lead.intent = intent.intent;
  lead.intent_reasons = std::move(intent.reasons);
  lead.lead_type = intent.lead_type;
  lead.lead_type_reasons = std::move(intent.lead_type_reasons);
  Mark(observer, "intent");
  SegmentResult segment = SegmentLead(lead, rules);
  lead.segment = segment.segment;
  lead.segment_reasons = std::move(segment.reasons);
  Mark(observer, "segment");
}

}  // namespace

Result<ProcessedLead> Process(const nlohmann::json& payload, const Rules& rules,
                              TimePoint now, StepObserver* observer) {
  if (!payload.is_object()) {
    return Status::InvalidField("body", "must be a JSON object");
  }
  try {
    const ParsedPayload parsed = ParsePayload(payload, rules);
    Mark(observer, "parse");
    ProcessedLead lead = Build(payload, parsed, rules, now);
    Mark(observer, "normalize");
    // A bot is accepted like anyone else so that it learns nothing; it is
    // stored as spam and never reaches an agent.
    if (!lead.honeypot) {
      Status valid = ValidateLead(lead);
      if (!valid.ok()) return valid;
    }
    Mark(observer, "validate");
    Judge(lead, rules, now, observer);
    return lead;
  } catch (const std::exception& e) {
    // Only allocation failure is expected here; callers get a value anyway.
    return Status::Internal(std::string("processing failed: ") + e.what());
  }
}

Result<ProcessedLead> ProcessBody(std::string_view body, const Rules& rules,
                                  TimePoint now, StepObserver* observer) {
  Result<nlohmann::json> payload = ParseJsonObject(body);
  if (!payload.ok()) return payload.status();
  return Process(payload.value(), rules, now, observer);
}

nlohmann::json ProcessOutput(const Result<ProcessedLead>& result) {
  if (!result.ok()) {
    return {{"error", result.status().message()}, {"field", result.status().field()}};
  }
  return ToJson(result.value());
}

}  // namespace leadrouter::pipeline
