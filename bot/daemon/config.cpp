#include "bot/daemon/config.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "bot/daemon/config_reader.h"
#include "bot/daemon/routing_config_reader.h"
#include "bot/enrichment/enrichment_config_reader.h"
#include "bot/classifier/llm_config_reader.h"
#include "bot/daemon/duration.h"
#include "bot/runtime/time_zone.h"
#include "bot/http/listen_address.h"
#include "pipeline/lead.h"
#include "pipeline/rotation.h"
#include "pipeline/template.h"
#include "pipeline/us_place.h"
#include "pipeline/zip_medians.h"

namespace leadrouter {
namespace {

void CheckChannel(TableReader& r, const std::string& key, const std::string& value) {
  if (!value.empty() && !LooksLikeChannelId(value)) {
    r.Error(key, "\"" + value + "\" cannot be a Slack channel id (expected "
                 "something like C0123ABCD)");
  }
}

void ReadServer(TableReader& r, Config::Server& s) {
  r.String("listen", s.listen);
  if (auto address = ParseListenAddress(s.listen); !address.ok()) {
    r.Error("listen", address.status().message());
  }
  r.Integer("body_limit", s.body_limit, 1024, 16 * 1024 * 1024);
  r.Integer("rate_limit_burst", s.rate_limit_burst, 1, 1000000);
  r.Number("rate_limit_per_second", s.rate_limit_per_second, 0.001);
  r.Bool("trust_forwarded_for", s.trust_forwarded_for);
  r.Duration("idempotency_ttl", s.idempotency_ttl);
  r.Duration("header_timeout", s.header_timeout);
  r.Duration("body_timeout", s.body_timeout);
  r.Duration("idle_timeout", s.idle_timeout);
}

void ReadSlack(TableReader& r, Config::Slack& s) {
  r.String("api_url", s.api_url);
  if (s.api_url.rfind("https://", 0) != 0 && s.api_url.rfind("http://", 0) != 0) {
    r.Error("api_url", "must start with https:// (or http:// for a local stand-in)");
  } else if (s.api_url.back() != '/') {
    s.api_url += '/';
  }
  r.String("ca_file", s.ca_file);
  r.String("shark_tank_channel", s.shark_tank_channel);
  CheckChannel(r, "shark_tank_channel", s.shark_tank_channel);
  r.String("ops_channel", s.ops_channel);
  CheckChannel(r, "ops_channel", s.ops_channel);
  r.String("triage_channel", s.triage_channel);
  CheckChannel(r, "triage_channel", s.triage_channel);
  r.StringList("managers", s.managers);
  for (size_t i = 0; i < s.managers.size(); ++i) {
    if (!LooksLikeUserId(s.managers[i])) {
      r.Error("managers[" + std::to_string(i) + "]",
              "\"" + s.managers[i] + "\" cannot be a Slack user id (expected "
              "something like U0123ABCD)");
    }
  }
  r.Duration("claim_timeout", s.claim_timeout);
  r.Bool("hide_identity_until_claimed", s.hide_identity_until_claimed);
  r.Duration("socket_ping_interval", s.socket_ping_interval);
  r.Duration("socket_silence_limit", s.socket_silence_limit);
  r.Duration("post_interval", s.post_interval);
  if (s.post_interval.count() <= 0) r.Error("post_interval", "must be longer than zero");
  r.Integer("post_burst", s.post_burst, 1, 100000);
  r.Integer("rate_limited_retries", s.rate_limited_retries, 0, 100);
  if (s.socket_ping_interval <= milliseconds(0)) {
    r.Error("socket_ping_interval", "must be longer than zero");
  } else if (s.socket_silence_limit <= s.socket_ping_interval) {
    r.Error("socket_silence_limit", "must be longer than socket_ping_interval");
  }
}

void CheckTimeZone(TableReader& r, const std::string& key,
                   const std::string& zone) {
  if (!zone.empty() && !IsKnownTimeZone(zone)) {
    r.Error(key, "\"" + zone + "\" is not a time zone in the tz database "
                 "(expected an IANA name like \"America/New_York\")");
  }
}

void ReadRotation(TableReader& r, Config::Rotation& rot) {
  r.String("timezone", rot.timezone);
  if (rot.timezone.empty()) r.Error("timezone", "must not be empty");
  CheckTimeZone(r, "timezone", rot.timezone);
  std::string rejoin = rot.rejoin == RejoinPolicy::kBack ? "back" : "old_place";
  r.String("rejoin", rejoin);
  if (rejoin == "old_place") rot.rejoin = RejoinPolicy::kOldPlace;
  else if (rejoin == "back") rot.rejoin = RejoinPolicy::kBack;
  else r.Error("rejoin", "must be \"old_place\" or \"back\"");
  r.Bool("claim_requires_rotation", rot.claim_requires_rotation);
}

// "mon" … "sun" into a bit mask with bit 0 = Sunday.
void ReadWorkDays(TableReader& r, int& mask, const std::string& key = "work_days") {
  const toml::node* n = r.Get(key);
  if (!n) return;
  std::vector<std::string> days;
  r.StringList(key, days);  // reports a non-array or non-string
  if (!n->is_array()) return;
  if (n->as_array()->empty()) {
    return r.Error(key, "must list at least one day", n);
  }
  if (days.empty()) return;
  static const char* const kDays[] = {"sun", "mon", "tue", "wed",
                                      "thu", "fri", "sat"};
  int out = 0;
  bool bad = false;
  for (size_t i = 0; i < days.size(); ++i) {
    int bit = -1;
    for (int d = 0; d < 7; ++d) {
      if (days[i] == kDays[d]) bit = d;
    }
    if (bit >= 0) {
      out |= 1 << bit;
      continue;
    }
    bad = true;
    r.Error(key + "[" + std::to_string(i) + "]",
            "\"" + days[i] + "\" is not a day (use mon, tue, wed, thu, fri, "
            "sat, sun)");
  }
  if (!bad) mask = out;
}

// A duration, or "off" for no such step.
void ReadSlaStep(TableReader& r, const std::string& key,
                 std::optional<milliseconds>& out) {
  const toml::node* n = r.Get(key);
  if (!n) return;
  auto s = n->value_exact<std::string>();
  if (!s) return r.Error(key, "must be a duration string like \"5m\", or \"off\"", n);
  if (*s == "off") {
    out.reset();
    return;
  }
  auto d = ParseDuration(*s);
  if (!d) {
    return r.Error(key, "\"" + *s + "\" is not a duration (use ms, s, m, h, d, "
                        "e.g. \"15m\"), or \"off\"", n);
  }
  if (d->count() <= 0) return r.Error(key, "must be longer than 0 (or \"off\")", n);
  out = *d;
}

// [sla.SEGMENT] tables. A table changes only the keys it sets, so
// [sla.HOT_BUYER] remind_after = "10m" keeps the default escalation.
void ReadSla(TableReader& root, std::map<std::string, SlaPolicy>& sla) {
  root.NamedTables("sla", [&](TableReader& parent, TableReader& r,
                              const std::string& segment) {
    if (!pipeline::SegmentFromString(segment)) {
      parent.Error(segment, "is not a segment (use HOT_BUYER, WARM_BUYER, "
                            "NURTURE_LONGTERM or LOW_QUALITY)");
      return;
    }
    SlaPolicy& policy = sla[segment];
    ReadSlaStep(r, "remind_after", policy.remind_after);
    ReadSlaStep(r, "escalate_after", policy.escalate_after);
    r.Bool("reassign_on_escalation", policy.reassign_on_escalation);
    if (policy.remind_after && policy.escalate_after &&
        *policy.escalate_after <= *policy.remind_after) {
      r.Error("escalate_after", "must be later than remind_after (" +
                                    FormatDuration(*policy.remind_after) + ")");
    }
  });
}

void ReadRules(TableReader& root, pipeline::Rules& rules) {
  root.Table("phone", [&](TableReader& r) {
    r.String("default_region", rules.default_region);
    if (rules.default_region.size() != 2 ||
        !std::isupper(static_cast<unsigned char>(rules.default_region[0])) ||
        !std::isupper(static_cast<unsigned char>(rules.default_region[1]))) {
      r.Error("default_region", "must be a two-letter region code like \"US\"");
    }
  });
  root.Table("intake", [&](TableReader& r) {
    r.Integer("max_text_length", rules.max_text_length, 100, 100000);
    r.StringList("honeypot_fields", rules.honeypot_fields);
    r.TableArray("mappings", [&](TableReader& m, size_t) {
      pipeline::FieldMapping mapping;
      m.String("name", mapping.name);
      m.StringMap("when", mapping.when);
      m.StringMap("fields", mapping.fields);
      if (mapping.fields.empty()) m.Error("fields", "must map at least one field");
      for (const auto& [field, pointer] : mapping.fields) {
        if (pointer.empty() || pointer[0] != '/') {
          m.Error("fields." + field, "must be a JSON pointer starting with '/'");
        }
      }
      rules.field_mappings.push_back(std::move(mapping));
    });
  });
  root.Table("scoring", [&](TableReader& r) {
    r.Integer("hot_threshold", rules.hot_threshold, -1000, 1000);
    r.Table("weights", [&](TableReader& w) {
      pipeline::ScoreWeights& sw = rules.weights;
      w.Integer("valid_phone", sw.valid_phone, -1000, 1000);
      w.Integer("verified_address", sw.verified_address, -1000, 1000);
      w.Integer("budget_over_threshold", sw.budget_over_threshold, -1000, 1000);
      w.Number("budget_threshold", sw.budget_threshold, 0);
      w.Integer("invalid_contact", sw.invalid_contact, -1000, 1000);
      w.Integer("spam_signal", sw.spam_signal, -1000, 1000);
    });
    if (r.Get("keywords")) {
      rules.keyword_rules.clear();
      r.TableArray("keywords", [&](TableReader& k, size_t) {
        pipeline::KeywordRule rule;
        k.String("name", rule.name);
        k.Integer("points", rule.points, -1000, 1000);
        k.StringList("any_of", rule.any_of);
        if (rule.name.empty()) k.Error("name", "is required");
        if (rule.any_of.empty()) k.Error("any_of", "must list at least one phrase");
        rules.keyword_rules.push_back(std::move(rule));
      });
    }
  });
  root.Table("segments", [&](TableReader& r) {
    r.Integer("hot_listing_max_days", rules.hot_listing_max_days, 0, 3650);
    r.Number("area_median_price", rules.area_median_price, 1);
    r.Number("far_above_median_factor", rules.far_above_median_factor, 1);
    r.Number("near_median_band", rules.near_median_band, 0);
    r.StringList("nurture_phrases", rules.nurture_phrases);
  });
  root.Table("phrases", [&](TableReader& r) {
    r.StringList("boilerplate", rules.boilerplate_phrases);
    r.StringList("spam", rules.spam_phrases);
    r.Integer("spam_min_links", rules.spam_min_links, 1, 100);
    r.Integer("spam_min_signals", rules.spam_min_signals, 1, 100);
    r.StringList("support", rules.support_phrases);
    r.StringList("urgent", rules.urgent_phrases);
    r.StringList("tire_kicker", rules.tire_kicker_phrases);
  });
}

void CheckTemplate(TableReader& r, const std::string& key,
                   const std::string& text) {
  for (const std::string& problem : pipeline::ValidateTemplate(text)) {
    r.Error(key, problem, r.Get(key));
  }
}

void ReadStep(TableReader& r, pipeline::SequenceStep& step) {
  r.Duration("delay", step.delay);
  if (step.delay.count() < 0) r.Error("delay", "must not be negative");
  std::string channel;
  r.String("channel", channel);
  if (auto c = pipeline::ChannelFromString(channel)) {
    step.channel = *c;
  } else {
    r.Error("channel", channel.empty() ? "is required (sms, email or webhook)"
                                       : "\"" + channel + "\" is not sms, email or webhook",
            r.Get("channel"));
    return;
  }
  r.String("template", step.body);
  r.String("subject", step.subject);
  r.String("html", step.html);
  if (step.channel != pipeline::Channel::kEmail && r.Get("html")) {
    r.Error("html", "only email steps have an HTML part", r.Get("html"));
  }
  CheckTemplate(r, "html", step.html);
  if (step.body.empty() && step.channel != pipeline::Channel::kWebhook) {
    r.Error("template", "is required for " + channel + " steps");
  }
  if (step.channel == pipeline::Channel::kEmail && step.subject.empty()) {
    r.Error("subject", "is required for email steps");
  }
  if (step.channel != pipeline::Channel::kEmail && r.Get("subject")) {
    r.Error("subject", "only email steps have a subject", r.Get("subject"));
  }
  CheckTemplate(r, "template", step.body);
  CheckTemplate(r, "subject", step.subject);
  if (step.subject.find_first_of("\r\n") != std::string::npos) {
    r.Error("subject", "must be one line", r.Get("subject"));
  }
  // Twilio refuses a body over 1600 characters (ten concatenated parts).
  constexpr size_t kMaxSmsTemplate = 1600;
  if (step.channel == pipeline::Channel::kSms && step.body.size() > kMaxSmsTemplate) {
    r.Error("template", "is longer than one SMS may be (1600 characters)",
            r.Get("template"));
  }
}

// [sequences]: one array of step tables per segment; a segment the file
// names replaces its default, `SEGMENT = []` turns its follow-up off.
void ReadSequences(TableReader& r, pipeline::Sequences& sequences) {
  r.EachKey([&](const std::string& name) {
    const auto segment = pipeline::SegmentFromString(name);
    if (!segment) {
      r.Get(name);
      r.Error(name,
              name == "SPAM" ? "spam leads are never followed up; there is no "
                               "SPAM sequence"
                             : "is not a segment (HOT_BUYER, WARM_BUYER, "
                               "NURTURE_LONGTERM, LOW_QUALITY)",
              r.Get(name));
      return;
    }
    pipeline::Sequence sequence;
    r.TableArray(name, [&](TableReader& step_reader, size_t) {
      pipeline::SequenceStep step;
      ReadStep(step_reader, step);
      sequence.push_back(std::move(step));
    });
    sequences.by_segment[*segment] = std::move(sequence);
  });
}

void ReadHours(TableReader& r, const std::string& key,
               std::optional<pipeline::DayHours>& out) {
  const toml::node* n = r.Get(key);
  if (!n) return;
  const auto text = n->value_exact<std::string>();
  if (auto hours = text ? pipeline::ParseDayHours(*text) : std::nullopt) {
    out = *hours;
  } else {
    r.Error(key, "must be hours like \"08:00-21:00\" (24:00 may end a day) or "
                 "\"closed\"", n);
  }
}

void ReadHours(TableReader& r, const std::string& key, pipeline::DayHours& out) {
  std::optional<pipeline::DayHours> hours;
  ReadHours(r, key, hours);
  if (hours) out = *hours;
}

constexpr std::array<const char*, 7> kWeekdayKeys = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

void ReadHolidays(TableReader& r, std::vector<std::chrono::year_month_day>& out) {
  const toml::node* n = r.Get("holidays");
  if (!n) return;
  const toml::array* arr = n->as_array();
  if (!arr) return r.Error("holidays", "must be an array of dates", n);
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& item = (*arr)[i];
    std::optional<std::chrono::year_month_day> date;
    if (auto d = item.value_exact<toml::date>()) {
      date = std::chrono::year(d->year) / d->month / d->day;
    } else if (auto s = item.value_exact<std::string>()) {
      int y = 0;
      unsigned month = 0, day = 0;
      char tail = 0;
      if (std::sscanf(s->c_str(), "%4d-%2u-%2u%c", &y, &month, &day, &tail) == 3 &&
          s->size() == 10) {
        date = std::chrono::year(y) / month / day;
      }
    }
    if (!date || !date->ok()) {
      r.Error("holidays[" + std::to_string(i) + "]",
              "must be a date like 2026-12-25", &item);
      continue;
    }
    out.push_back(*date);
  }
}

void ReadSendWindow(TableReader& r, Config::SendWindow& w) {
  r.String("timezone", w.timezone);
  if (w.timezone.empty()) r.Error("timezone", "must name a zone like \"America/New_York\"");
  CheckTimeZone(r, "timezone", w.timezone);
  ReadHours(r, "hours", w.rules.every_day);
  for (size_t day = 0; day < kWeekdayKeys.size(); ++day) {
    ReadHours(r, kWeekdayKeys[day], w.rules.weekdays[day]);
  }
  ReadHolidays(r, w.rules.holidays);
  ReadHours(r, "holiday_hours", w.rules.holiday_hours);
  r.Table("states", [&](TableReader& states) {
    states.EachKey([&](const std::string& code) {
      if (pipeline::TimeZoneForState(code).empty()) {
        states.Get(code);
        states.Error(code, "is not a US state code like \"TX\"", states.Get(code));
        return;
      }
      states.Table(code, [&](TableReader& sr) {
        pipeline::StateWindow& state = w.rules.states[code];
        ReadHours(sr, "hours", state.every_day);
        for (size_t day = 0; day < kWeekdayKeys.size(); ++day) {
          ReadHours(sr, kWeekdayKeys[day], state.weekdays[day]);
        }
        ReadHolidays(sr, state.holidays);
        ReadHours(sr, "holiday_hours", state.holiday_hours);
      });
    });
  });
}

void ReadAlerts(TableReader& r, Config::Alerts& a) {
  r.Duration("quiet_period", a.quiet_period);
  if (a.quiet_period.count() <= 0) r.Error("quiet_period", "must be longer than zero");
  r.Duration("slack_down_after", a.slack_down_after);
  if (a.slack_down_after.count() <= 0) {
    r.Error("slack_down_after", "must be longer than zero");
  }
}

// [[volume_watch]]: hours and days are read like an agent's work_hours and
// work_days.
void ReadVolumeWatch(TableReader& root, std::vector<VolumeWatchConfig>& out) {
  std::set<std::string> sources;
  root.TableArray("volume_watch", [&](TableReader& r, size_t) {
    VolumeWatchConfig w;
    r.String("source", w.source);
    r.Duration("silence", w.silence);
    if (w.silence.count() <= 0) r.Error("silence", "must be longer than zero");
    std::string hours;
    r.String("hours", hours);
    if (!hours.empty()) {
      if (auto window = pipeline::ParseWorkHours(hours)) {
        w.start_minute = window->first;
        w.end_minute = window->second;
      } else {
        r.Error("hours", "\"" + hours + "\" is not a window like "
                         "\"08:00-20:00\" (24-hour, start != end)");
      }
    }
    ReadWorkDays(r, w.days, "days");
    std::string lower = w.source;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (w.source.empty()) {
      r.Error("source", "is required (a lead source, as leads name it)");
    } else if (!sources.insert(lower).second) {
      r.Error("source", "\"" + w.source + "\" is watched twice");
    }
    out.push_back(std::move(w));
  });
}

bool HasScheme(const std::string& url, std::initializer_list<const char*> schemes) {
  for (const char* scheme : schemes) {
    if (url.rfind(scheme, 0) == 0 && url.size() > std::strlen(scheme)) return true;
  }
  return false;
}

// "imaps://mail.example.com:993" -> "mail.example.com"; "" when the URL has
// no host.
std::string UrlHost(const std::string& url) {
  const auto start = url.find("://");
  if (start == std::string::npos) return "";
  std::string rest = url.substr(start + 3);
  rest = rest.substr(0, rest.find('/'));
  if (!rest.empty() && rest[0] == '[') {
    const auto close = rest.find(']');
    return close == std::string::npos ? "" : rest.substr(1, close - 1);
  }
  return rest.substr(0, rest.find(':'));
}

// localhost, 127.0.0.0/8 or ::1: where an unencrypted password never
// leaves the machine.
bool IsLoopbackName(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  return std::sscanf(host.c_str(), "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &tail) == 4 &&
         a == 127 && b < 256 && c < 256 && d < 256;
}

// A mailbox name we put in a URL and in a quoted IMAP string.
bool IsPlainMailboxName(const std::string& name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

// "\\Seen", "\\Flagged" or a keyword atom ("$Leadrouter"): what STORE +FLAGS
// may set without quoting.
bool IsStorableFlag(const std::string& flag) {
  if (flag == "\\Seen" || flag == "\\Flagged") return true;
  if (flag.empty() || flag.size() > 64) return false;
  for (unsigned char c : flag) {
    if (c <= 0x20 || c >= 0x7f) return false;
    if (std::strchr("(){%*\"\\]", c)) return false;
  }
  return true;
}

// [inbound_email.imap]: the mailbox, its account and what to do with a
// message once it is stored. The secrets stay in the environment.
void ReadImap(TableReader& r, Config::InboundEmail::Imap& m) {
  m.enabled = true;
  r.String("url", m.url);
  const bool tls = HasScheme(m.url, {"imaps://"});
  if (m.url.empty()) {
    r.Error("url", "is required, e.g. \"imaps://imap.gmail.com\"");
  } else if (!tls && !HasScheme(m.url, {"imap://"})) {
    r.Error("url", "must start with imaps:// (imap:// only to a loopback host)");
  } else if (m.url.find('@') != std::string::npos) {
    r.Error("url", "must not carry a user or password: set username, and the "
                   "password in the environment (password_env)");
  } else if (UrlHost(m.url).empty()) {
    r.Error("url", "names no host");
  } else if (!tls && !IsLoopbackName(UrlHost(m.url))) {
    r.Error("url", "imap:// would send the password unencrypted; use imaps:// "
                   "(imap:// is allowed only to a loopback host)");
  } else {
    const std::string after_host = m.url.substr(m.url.find("://") + 3);
    const auto slash = after_host.find('/');
    if (slash != std::string::npos && slash + 1 < after_host.size()) {
      r.Error("url", "must be the server only; name the mailbox in folder");
    }
  }
  r.String("username", m.username);
  if (m.username.empty()) r.Error("username", "is required");
  r.String("password_env", m.password_env);
  r.String("bearer_env", m.bearer_env);
  if (m.password_env.empty() && m.bearer_env.empty()) {
    r.Error("password_env", "password_env or bearer_env must name an environment variable");
  }
  constexpr char kPlainMailbox[] =
      "must be a mailbox name without quotes, backslashes or control characters";
  r.String("folder", m.folder);
  if (!IsPlainMailboxName(m.folder)) r.Error("folder", kPlainMailbox);
  r.Duration("poll_interval", m.poll_interval);
  if (m.poll_interval < std::chrono::seconds(1)) {
    r.Error("poll_interval", "must be at least 1s");
  }
  r.String("flag", m.flag);
  if (!IsStorableFlag(m.flag)) {
    r.Error("flag", "must be \"\\\\Seen\", \"\\\\Flagged\" or a keyword such as "
                    "\"$Leadrouter\"");
  }
  r.String("move_to", m.move_to);
  if (!m.move_to.empty() && !IsPlainMailboxName(m.move_to)) {
    r.Error("move_to", kPlainMailbox);
  } else if (!m.move_to.empty() && m.move_to == m.folder) {
    r.Error("move_to", "must differ from folder");
  }
  r.String("ca_file", m.ca_file);
  r.Duration("timeout", m.timeout);
  if (m.timeout < std::chrono::seconds(1)) r.Error("timeout", "must be at least 1s");
  m.alert_after = 5 * m.poll_interval;
  r.Duration("alert_after", m.alert_after);
  if (m.alert_after < m.poll_interval) {
    r.Error("alert_after", "must not be shorter than poll_interval");
  }
  r.Integer("max_per_poll", m.max_per_poll, 1, 10000);
}

// [inbound_email] and its [[inbound_email.sources]]: a source needs a
// name and sender globs; a label list given replaces that field's default.
void ReadInboundEmail(TableReader& r, Config::InboundEmail& in) {
  int64_t max_size = static_cast<int64_t>(in.max_size);
  r.Integer("max_size", max_size, 1024, int64_t{1} << 30);
  in.max_size = static_cast<size_t>(max_size);
  r.Duration("keep_not_leads", in.keep_not_leads);
  r.Table("webhooks", [&](TableReader& w) {
    w.Duration("mailgun_max_age", in.webhooks.mailgun_max_age);
    if (in.webhooks.mailgun_max_age < std::chrono::seconds(30)) {
      w.Error("mailgun_max_age", "must be at least 30s (Mailgun's delivery can lag)");
    }
    w.String("postmark_username", in.webhooks.postmark_username);
    if (in.webhooks.postmark_username.empty() ||
        in.webhooks.postmark_username.find(':') != std::string::npos) {
      w.Error("postmark_username", "must be a user name without ':'");
    }
  });
  std::set<std::string> names;
  r.TableArray("sources", [&](TableReader& s, size_t) {
    pipeline::EmailSource source;
    s.String("name", source.name);
    s.StringList("from", source.from);
    s.String("subject", source.subject);
    s.String("body_contains", source.body_contains);
    s.StringList("required", source.required);
    s.StringList("not_a_lead_subjects", source.not_a_lead_subjects);
    s.Bool("require_auth", source.require_auth);
    s.Table("fields", [&](TableReader& f) {
      pipeline::EmailFieldLabels& l = source.fields;
      f.StringList("full_name", l.full_name);
      f.StringList("first_name", l.first_name);
      f.StringList("last_name", l.last_name);
      f.StringList("email", l.email);
      f.StringList("phone", l.phone);
      f.StringList("address", l.address);
      f.StringList("price", l.price);
      f.StringList("message", l.message);
    });
    if (source.name.empty()) {
      s.Error("name", "is required (it becomes the lead's source)");
    } else if (!names.insert(source.name).second) {
      s.Error("name", "\"" + source.name + "\" is listed twice");
    }
    if (source.from.empty()) {
      s.Error("from", "needs at least one sender glob, e.g. [\"*@email.realtor.com\"]");
    }
    for (size_t i = 0; i < source.from.size(); ++i) {
      if (source.from[i].empty()) s.Error("from[" + std::to_string(i) + "]", "must not be empty");
    }
    for (size_t i = 0; i < source.required.size(); ++i) {
      if (!pipeline::IsKnownRequirement(source.required[i])) {
        s.Error("required[" + std::to_string(i) + "]",
                "\"" + source.required[i] + "\" is not one of name, email, phone, "
                "email_or_phone, address, price, message");
      }
    }
    in.rules.sources.push_back(std::move(source));
  });
  r.Table("imap", [&](TableReader& m) { ReadImap(m, in.imap); });
}

void ReadEmail(TableReader& r, Config::Email& e) {
  r.String("from", e.from);
  if (!e.from.empty() && e.from.find('@') == std::string::npos) {
    r.Error("from", "must be an address, e.g. \"Elm Realty <homes@elmrealty.example>\"");
  }
  r.String("smtp_url", e.smtp_url);
  if (!HasScheme(e.smtp_url, {"smtp://", "smtps://"})) {
    r.Error("smtp_url", "must start with smtp:// (STARTTLS) or smtps:// (TLS)");
  }
  r.String("username", e.username);
  r.Bool("require_tls", e.require_tls);
  r.String("ca_file", e.ca_file);
  r.Duration("timeout", e.timeout);
}

void ReadSms(TableReader& r, Config::Sms& s) {
  r.String("twilio_base_url", s.twilio_base_url);
  if (!HasScheme(s.twilio_base_url, {"https://", "http://"})) {
    r.Error("twilio_base_url", "must start with https:// (or http:// for a local stand-in)");
  }
  while (!s.twilio_base_url.empty() && s.twilio_base_url.back() == '/') {
    s.twilio_base_url.pop_back();
  }
  r.String("account_sid", s.account_sid);
  if (!s.account_sid.empty() &&
      (s.account_sid.size() != 34 || s.account_sid.rfind("AC", 0) != 0)) {
    r.Error("account_sid", "must be a Twilio account SID (AC and 32 characters)");
  }
  r.String("from", s.from);
  const bool number = s.from.size() > 8 && s.from[0] == '+' &&
                      s.from.find_first_not_of("0123456789", 1) == std::string::npos;
  if (!s.from.empty() && !number && s.from.rfind("MG", 0) != 0) {
    r.Error("from", "must be an E.164 number like \"+13125550100\" or a "
                    "messaging service SID (MG…)");
  }
  r.String("inbound_url", s.inbound_url);
  if (!s.inbound_url.empty() && !HasScheme(s.inbound_url, {"https://", "http://"})) {
    r.Error("inbound_url", "must be the full URL Twilio calls, https://…");
  }
}

// Steps that cannot go out as configured: an error where the file asked
// for it (a webhook step without a URL), a warning where the defaults would
// silently skip (no [company] name, no sender address).
void CheckFollowUp(const Config& c, std::vector<ConfigError>& errors,
                   std::vector<ConfigError>& warnings) {
  size_t need_company = 0, email_steps = 0, sms_steps = 0;
  for (const auto& [segment, sequence] : c.sequences.by_segment) {
    for (size_t i = 0; i < sequence.size(); ++i) {
      const pipeline::SequenceStep& step = sequence[i];
      for (const std::string& f :
           pipeline::FieldsRequiredBy(step.subject + "\n" + step.body + "\n" + step.html)) {
        if (f == "company") ++need_company;
      }
      if (step.channel == pipeline::Channel::kEmail) ++email_steps;
      if (step.channel == pipeline::Channel::kSms) ++sms_steps;
      if (step.channel == pipeline::Channel::kWebhook && c.webhook.url.empty()) {
        errors.push_back({"sequences." + pipeline::ToString(segment) + "[" +
                              std::to_string(i) + "].channel",
                          "webhook steps need webhook.url", 0});
      }
    }
  }
  if (c.company.name.empty() && need_company > 0) {
    warnings.push_back({"company.name", "is not set; " + std::to_string(need_company) +
                                            " follow-up steps that use {company} "
                                            "will be skipped", 0});
  }
  if (c.email.from.empty() && email_steps > 0) {
    warnings.push_back({"email.from", "is not set; " + std::to_string(email_steps) +
                                          " e-mail steps will not be sent", 0});
  }
  if (!c.email.username.empty() && !c.email.require_tls &&
      c.email.smtp_url.rfind("smtp://", 0) == 0) {
    warnings.push_back({"email.require_tls",
                        "is false while email.username is set: without "
                        "STARTTLS from the server the password would travel "
                        "unencrypted", 0});
  }
  if ((c.sms.account_sid.empty() || c.sms.from.empty()) && sms_steps > 0) {
    warnings.push_back({"sms", "account_sid and from are not both set; " +
                                   std::to_string(sms_steps) +
                                   " SMS steps will not be sent", 0});
  }
}

// [market] medians_file: a relative path is read beside the config file.
void ReadMarket(TableReader& r, const std::string& config_dir,
                pipeline::Rules& rules) {
  std::string file;
  r.String("medians_file", file);
  if (file.empty()) return;
  const std::filesystem::path path =
      std::filesystem::path(file).is_absolute() || config_dir.empty()
          ? std::filesystem::path(file)
          : std::filesystem::path(config_dir) / file;
  std::ifstream in(path, std::ios::binary);
  if (!in) return r.Error("medians_file", "cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  pipeline::ZipMediansParse parsed = pipeline::ParseZipMedians(text.str());
  for (const std::string& error : parsed.errors) {
    r.Error("medians_file", path.filename().string() + " " + error);
  }
  rules.zip_medians->Replace(std::move(parsed.medians));
}

ConfigLoad LoadFromTable(const toml::table& table, const std::string& config_dir) {
  ConfigLoad load;
  {
    TableReader root(table, "", load.errors);
    Config& c = load.config;
    root.Table("server", [&](TableReader& r) { ReadServer(r, c.server); });
    root.Table("storage", [&](TableReader& r) {
      r.String("path", c.storage.path);
      if (c.storage.path.empty()) r.Error("path", "must not be empty");
      r.Duration("dedupe_window", c.storage.dedupe_window);
    });
    root.Table("slack", [&](TableReader& r) { ReadSlack(r, c.slack); });
    root.Table("jobs", [&](TableReader& r) {
      r.Integer("max_attempts", c.jobs.max_attempts, 1, 100);
      r.Duration("backoff_base", c.jobs.backoff_base);
      r.Duration("backoff_cap", c.jobs.backoff_cap);
      if (c.jobs.backoff_cap < c.jobs.backoff_base) {
        r.Error("backoff_cap", "must not be shorter than jobs.backoff_base");
      }
      r.Duration("unavailable_patience", c.jobs.unavailable_patience);
      if (c.jobs.unavailable_patience <= milliseconds(0)) {
        r.Error("unavailable_patience", "must be longer than 0s");
      }
      r.Integer("max_in_flight", c.jobs.max_in_flight, 1, 4096);
      r.Integer("max_parked", c.jobs.max_parked, 0, 100000);
    });
    root.Table("rotation", [&](TableReader& r) { ReadRotation(r, c.rotation); });
    root.Table("log", [&](TableReader& r) {
      r.String("level", c.log.level);
      static const std::set<std::string> kLevels = {"trace", "debug", "info",
                                                    "warn", "error", "off"};
      if (!kLevels.count(c.log.level)) {
        r.Error("level", "must be one of trace, debug, info, warn, error, off");
      }
    });
    root.Table("testing", [&](TableReader& r) {
      r.Bool("movable_clock", c.testing.movable_clock);
      r.Bool("stage_trace", c.testing.stage_trace);
    });
    ReadRules(root, c.rules);
    root.Table("market", [&](TableReader& r) { ReadMarket(r, config_dir, c.rules); });
    ReadSla(root, c.sla);
    std::set<std::string> agent_ids;
    root.TableArray("agents", [&](TableReader& r, size_t) {
      AgentConfig a;
      r.String("slack_id", a.slack_id);
      r.String("name", a.name);
      r.Integer("weight", a.weight, 1, 100);
      r.Integer("daily_cap", a.daily_cap, 0, 100000);
      r.String("timezone", a.timezone);
      r.String("email", a.email);
      CheckTimeZone(r, "timezone", a.timezone);
      std::string hours;
      r.String("work_hours", hours);
      if (!hours.empty()) {
        if (auto window = pipeline::ParseWorkHours(hours)) {
          a.work_start_minute = window->first;
          a.work_end_minute = window->second;
        } else {
          r.Error("work_hours", "\"" + hours + "\" is not a window like "
                                "\"09:00-17:00\" (24-hour, start != end)");
        }
      }
      ReadWorkDays(r, a.work_days);
      r.String("phone", a.phone);
      if (!LooksLikeUserId(a.slack_id)) {
        r.Error("slack_id", a.slack_id.empty()
                                ? "is required"
                                : "\"" + a.slack_id + "\" cannot be a Slack user id");
      } else if (!agent_ids.insert(a.slack_id).second) {
        r.Error("slack_id", "\"" + a.slack_id + "\" is listed twice");
      }
      if (a.name.empty()) r.Error("name", "is required");
      c.agents.push_back(std::move(a));
    });
    root.Table("company", [&](TableReader& r) { r.String("name", c.company.name); });
    root.Table("sequences", [&](TableReader& r) { ReadSequences(r, c.sequences); });
    root.Table("send_window", [&](TableReader& r) { ReadSendWindow(r, c.send_window); });
    root.Table("email", [&](TableReader& r) { ReadEmail(r, c.email); });
    root.Table("sms", [&](TableReader& r) { ReadSms(r, c.sms); });
    root.Table("consent", [&](TableReader& r) {
      auto rule = [&](const char* key, pipeline::ConsentRule& out) {
        std::string name = pipeline::ToString(out);
        r.String(key, name);
        if (auto parsed = pipeline::ConsentRuleFromString(name)) {
          out = *parsed;
        } else {
          r.Error(key, "\"" + name + "\" is not explicit, marketing or none");
        }
      };
      rule("sms", c.consent.sms);
      rule("email", c.consent.email);
      rule("webhook", c.consent.webhook);
    });
    root.Table("webhook", [&](TableReader& r) {
      r.String("url", c.webhook.url);
      if (!c.webhook.url.empty() && !HasScheme(c.webhook.url, {"https://", "http://"})) {
        r.Error("url", "must start with https:// (or http://)");
      }
    });
    root.Table("alerts", [&](TableReader& r) { ReadAlerts(r, c.alerts); });
    ReadVolumeWatch(root, c.volume_watch);
    ReadRouting(root, c.routing);
    ReadEnrichment(root, c.enrichment, load.warnings);
    ReadLlm(root, c.llm, load.warnings);
    root.Table("inbound_email", [&](TableReader& r) { ReadInboundEmail(r, c.inbound_email); });
  }
  CheckFollowUp(load.config, load.errors, load.warnings);
  CheckRouting(load.config, load.errors, load.warnings);
  return load;
}

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool LooksLikeSlackId(const std::string& id, std::string_view prefixes) {
  if (id.size() < 7 || id.size() > 24) return false;
  if (prefixes.find(id[0]) == std::string_view::npos) return false;
  for (char c : id) {
    if (!IsIdChar(c)) return false;
  }
  return true;
}

}  // namespace

pipeline::ConsentRule ConsentRuleFor(const Config& config, pipeline::Channel channel) {
  switch (channel) {
    case pipeline::Channel::kSms:
      return config.consent.sms;
    case pipeline::Channel::kEmail:
      return config.consent.email;
    case pipeline::Channel::kWebhook:
      return config.consent.webhook;
  }
  return pipeline::ConsentRule::kExplicit;
}

std::map<std::string, SlaPolicy> DefaultSlaPolicies() {
  using std::chrono::hours;
  using std::chrono::minutes;
  // A hot lead goes cold in minutes: a second agent is better than a late
  // first one. A warm lead can wait an hour; a manager decides what to do.
  return {{"HOT_BUYER", {minutes(5), minutes(15), true}},
          {"WARM_BUYER", {hours(1), hours(4), false}}};
}

const SlaPolicy* SlaFor(const Config& config, const std::string& segment) {
  auto it = config.sla.find(segment);
  if (it == config.sla.end()) return nullptr;
  const SlaPolicy& p = it->second;
  return p.remind_after || p.escalate_after ? &p : nullptr;
}

std::string ConfigError::ToString() const {
  std::string out = key.empty() ? "config" : key;
  if (line > 0) out += " (line " + std::to_string(line) + ")";
  return out + ": " + message;
}

bool LooksLikeChannelId(const std::string& id) {
  return LooksLikeSlackId(id, "CGD");
}

bool LooksLikeUserId(const std::string& id) {
  return LooksLikeSlackId(id, "UW");
}

ConfigLoad LoadConfigString(const std::string& toml_text,
                            const std::string& source_name) {
  try {
    toml::table table = toml::parse(toml_text, source_name);
    return LoadFromTable(
        table, std::filesystem::path(source_name).parent_path().string());
  } catch (const toml::parse_error& e) {
    ConfigLoad load;
    load.errors.push_back({"", std::string(e.description()),
                           static_cast<int>(e.source().begin.line)});
    return load;
  }
}

ConfigLoad LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigLoad load;
    load.errors.push_back({"", "cannot read config file " + path, 0});
    return load;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return LoadConfigString(buffer.str(), path);
}

std::string SummarizeConfig(const Config& c) {
  std::ostringstream out;
  auto or_unset = [](const std::string& s) { return s.empty() ? "(unset)" : s; };
  out << "listen            " << c.server.listen << "  (body limit "
      << c.server.body_limit << " B, " << c.server.rate_limit_per_second
      << " req/s per client, burst " << c.server.rate_limit_burst << ")\n"
      << "storage           " << c.storage.path << "  (dedupe window "
      << FormatDuration(c.storage.dedupe_window) << ")\n"
      << "phone region      " << c.rules.default_region << "\n"
      << "slack api         " << c.slack.api_url << "\n"
      << "shark tank        " << or_unset(c.slack.shark_tank_channel)
      << "  (claim timeout " << FormatDuration(c.slack.claim_timeout)
      << (c.slack.hide_identity_until_claimed ? ", identity hidden" : "")
      << ")\n"
      << "ops channel       " << or_unset(c.slack.ops_channel) << "\n"
      << "triage channel    " << or_unset(c.slack.triage_channel) << "\n"
      << "managers          " << c.slack.managers.size() << "\n"
      << "rotation          team time " << c.rotation.timezone << ", rejoin "
      << (c.rotation.rejoin == RejoinPolicy::kBack ? "back" : "old_place")
      << (c.rotation.claim_requires_rotation ? ", claims by members only" : "")
      << "\n"
      << "agents (seed)     " << c.agents.size();
  for (const AgentConfig& a : c.agents) out << "  " << a.name;
  out << "\n"
      << "scoring           hot at " << c.rules.hot_threshold << ", "
      << c.rules.keyword_rules.size() << " keyword rules, "
      << c.rules.field_mappings.size() << " field mappings\n"
      << "market            " << c.rules.zip_medians->Get()->size()
      << " ZIP medians, else the area median of "
      << static_cast<long long>(c.rules.area_median_price) << "\n"
      << "enrichment        ";
  if (!c.enrichment.configured()) out << "off";
  for (const auto& [name, p] : {std::pair<const char*, const EnrichmentProvider*>{
                                    "property", &c.enrichment.property},
                                {"person", &c.enrichment.person}}) {
    if (!p->configured()) continue;
    out << name << " (" << p->rate_per_minute << "/min, cache "
        << FormatDuration(p->cache_ttl) << ") ";
  }
  if (c.enrichment.configured()) {
    out << "; a lead waits at most " << FormatDuration(c.enrichment.deadline);
  }
  out << "\n"
      << "language model    " << SummarizeLlm(c.llm) << "\n"
      << "jobs              " << c.jobs.max_attempts << " attempts, backoff "
      << FormatDuration(c.jobs.backoff_base) << " to "
      << FormatDuration(c.jobs.backoff_cap) << "; waits up to "
      << FormatDuration(c.jobs.unavailable_patience)
      << " for an unavailable Slack or provider; " << c.jobs.max_in_flight
      << " at work at once, " << c.jobs.max_parked << " more waiting for Slack's pace\n";
  out << "first-contact SLA";
  if (c.sla.empty()) out << " none";
  for (const auto& [segment, p] : c.sla) {
    out << "  " << segment << " remind "
        << (p.remind_after ? FormatDuration(*p.remind_after) : "off")
        << ", escalate "
        << (p.escalate_after ? FormatDuration(*p.escalate_after) : "off")
        << (p.reassign_on_escalation ? " and reassign" : "");
  }
  out << "\n";
  out << "follow-up         ";
  const char* separator = "";
  for (const auto& [segment, sequence] : c.sequences.by_segment) {
    if (!sequence.empty()) {
      out << separator << pipeline::ToString(segment) << " " << sequence.size();
      separator = ", ";
    }
  }
  out << (*separator ? " steps" : "none") << "; SMS "
      << pipeline::ToString(c.send_window.rules.every_day)
      << " lead's local time (else " << c.send_window.timezone << ")\n"
      << "e-mail            " << or_unset(c.email.from) << " via "
      << c.email.smtp_url << "\n"
      << "sms               " << or_unset(c.sms.from) << " via "
      << c.sms.twilio_base_url << "\n"
      << "consent required  sms " << pipeline::ToString(c.consent.sms) << ", e-mail "
      << pipeline::ToString(c.consent.email) << ", webhook "
      << pipeline::ToString(c.consent.webhook) << "\n";
  out << "ops alerts        grouped; a group closes after "
      << FormatDuration(c.alerts.quiet_period)
      << " without a new problem; Slack down alert after "
      << FormatDuration(c.alerts.slack_down_after) << "\n";
  out << "volume watch      ";
  if (c.volume_watch.empty()) out << "none";
  const char* between = "";
  for (const VolumeWatchConfig& w : c.volume_watch) {
    out << between << w.source << " silent " << FormatDuration(w.silence);
    if (w.start_minute && w.end_minute) {
      out << " in " << pipeline::FormatWorkHours(*w.start_minute, *w.end_minute);
    }
    between = ", ";
  }
  out << "\n" << SummarizeRouting(c.routing);
  out << "\n";
  out << "inbound e-mail    ";
  if (c.inbound_email.rules.sources.empty()) out << "no sources";
  between = "";
  for (const pipeline::EmailSource& source : c.inbound_email.rules.sources) {
    out << between << source.name << (source.require_auth ? " (authenticated)" : "");
    between = ", ";
  }
  out << "; max " << c.inbound_email.max_size << " bytes\n";
  const Config::InboundEmail::Imap& imap = c.inbound_email.imap;
  if (imap.enabled) {
    out << "imap mailbox      " << imap.username << " at " << imap.url << ", "
        << imap.folder << " every " << FormatDuration(imap.poll_interval)
        << "; stored messages get " << imap.flag
        << (imap.move_to.empty() ? "" : " and move to " + imap.move_to)
        << "; alert after " << FormatDuration(imap.alert_after)
        << " without a successful poll\n";
  }
  return out.str();
}

Secrets Secrets::FromEnvironment() {
  auto env = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
  Secrets s;
  s.slack_bot_token = env("SLACK_BOT_TOKEN");
  s.slack_app_token = env("SLACK_APP_TOKEN");
  s.intake_token = env("LEADROUTER_INTAKE_TOKEN");
  s.webhook_secret = env("LEADROUTER_WEBHOOK_SECRET");
  s.smtp_password = env("LEADROUTER_SMTP_PASSWORD");
  s.twilio_auth_token = env("TWILIO_AUTH_TOKEN");
  s.metrics_token = env("LEADROUTER_METRICS_TOKEN");
  s.mailgun_signing_key = env("MAILGUN_WEBHOOK_SIGNING_KEY");
  s.postmark_password = env("POSTMARK_INBOUND_PASSWORD");
  return s;
}

Secrets Secrets::FromEnvironment(const Config& config) {
  Secrets s = FromEnvironment();
  auto env = [](const std::string& name) -> std::optional<std::string> {
    const char* v = name.empty() ? nullptr : std::getenv(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
  if (config.inbound_email.imap.enabled) {
    s.imap_password = env(config.inbound_email.imap.password_env);
    s.imap_bearer = env(config.inbound_email.imap.bearer_env);
  }
  if (config.llm.configured()) s.llm_api_key = env(config.llm.api_key_env);
  return s;
}

std::vector<std::string> Secrets::All() const {
  std::vector<std::string> out;
  for (const auto* s : {&slack_bot_token, &slack_app_token, &intake_token,
                        &webhook_secret, &smtp_password, &twilio_auth_token,
                        &metrics_token, &imap_password, &imap_bearer,
                        &mailgun_signing_key, &postmark_password,
                        &llm_api_key}) {
    if (*s && !(*s)->empty()) out.push_back(**s);
  }
  return out;
}

}  // namespace leadrouter
