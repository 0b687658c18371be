#include "bot/slack/envelope.h"

#include <utility>
#include <vector>

namespace leadrouter::slack {
namespace {

using nlohmann::json;

// Field readers that tolerate absent or mistyped values: Slack's shapes
// vary between fixtures, and a stand-in or fuzzer may send anything.
std::string StringAt(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>()
                                               : std::string();
}

std::optional<long long> IntAt(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  if (it->is_number_float()) {
    const double value = it->get<double>();
    if (!(value > -1e12 && value < 1e12)) return std::nullopt;
    return static_cast<long long>(value);
  }
  if (it->is_number_unsigned()) {
    return static_cast<long long>(it->get<unsigned long long>());
  }
  return it->get<long long>();
}

std::optional<EnvelopeType> EnvelopeTypeFrom(std::string_view type) {
  if (type == "events_api") return EnvelopeType::kEventsApi;
  if (type == "slash_commands") return EnvelopeType::kSlashCommands;
  if (type == "interactive") return EnvelopeType::kInteractive;
  return std::nullopt;
}

Hello ParseHello(const json& frame) {
  Hello hello;
  if (auto n = IntAt(frame, "num_connections")) {
    hello.num_connections = static_cast<int>(*n);
  }
  const auto debug = frame.find("debug_info");
  if (debug != frame.end() && debug->is_object()) {
    if (auto t = IntAt(*debug, "approximate_connection_time"); t && *t >= 0) {
      hello.approximate_connection_time = std::chrono::seconds(*t);
    }
  }
  return hello;
}

// The keys under which an envelope is remembered.
std::vector<std::string> KeysOf(const Envelope& envelope) {
  std::vector<std::string> keys;
  if (!envelope.envelope_id.empty()) {
    keys.push_back("envelope:" + envelope.envelope_id);
  }
  const json& payload = envelope.payload;
  if (envelope.type == EnvelopeType::kEventsApi) {
    const std::string event_id = StringAt(payload, "event_id");
    if (!event_id.empty()) keys.push_back("event:" + event_id);
  }
  if (envelope.type == EnvelopeType::kInteractive &&
      StringAt(payload, "type") == "block_actions") {
    std::string user;
    const auto user_it = payload.find("user");
    if (user_it != payload.end() && user_it->is_object()) {
      user = StringAt(*user_it, "id");
    }
    const auto actions = payload.find("actions");
    if (!user.empty() && actions != payload.end() && actions->is_array()) {
      for (const json& action : *actions) {
        if (!action.is_object()) continue;
        const std::string ts = StringAt(action, "action_ts");
        const std::string id = StringAt(action, "action_id");
        if (ts.empty()) continue;
        // '\n' cannot occur in Slack ids, so the parts cannot run together.
        keys.push_back("click:" + user + "\n" + ts + "\n" + id);
      }
    }
  }
  return keys;
}

}  // namespace

std::string_view ToString(EnvelopeType type) {
  switch (type) {
    case EnvelopeType::kEventsApi:
      return "events_api";
    case EnvelopeType::kSlashCommands:
      return "slash_commands";
    case EnvelopeType::kInteractive:
      return "interactive";
  }
  return "unknown";
}

Frame ParseFrame(std::string_view text) {
  const json frame = json::parse(text, /*cb=*/nullptr,
                                 /*allow_exceptions=*/false);
  if (frame.is_discarded()) return ParseError{"frame is not valid JSON"};
  if (!frame.is_object()) return ParseError{"frame is not a JSON object"};

  const std::string type = StringAt(frame, "type");
  if (type == "hello") return ParseHello(frame);
  if (type == "disconnect") return Disconnect{StringAt(frame, "reason")};

  const std::string envelope_id = StringAt(frame, "envelope_id");
  const auto envelope_type = EnvelopeTypeFrom(type);
  if (!envelope_type) return Unknown{type, envelope_id};
  if (envelope_id.empty()) {
    return ParseError{"envelope of type " + type + " has no envelope_id"};
  }

  Envelope envelope;
  envelope.envelope_id = envelope_id;
  envelope.type = *envelope_type;
  const auto payload = frame.find("payload");
  if (payload != frame.end() && payload->is_object()) {
    envelope.payload = *payload;
  }
  const auto accepts = frame.find("accepts_response_payload");
  envelope.accepts_response_payload =
      accepts != frame.end() && accepts->is_boolean() && accepts->get<bool>();
  if (auto attempt = IntAt(frame, "retry_attempt"); attempt && *attempt > 0) {
    envelope.retry_attempt = static_cast<int>(*attempt);
  }
  envelope.retry_reason = StringAt(frame, "retry_reason");
  return envelope;
}

std::string BuildAck(std::string_view envelope_id,
                     const std::optional<json>& payload) {
  json ack = {{"envelope_id", envelope_id}};
  if (payload) ack["payload"] = *payload;
  // Replace, not throw, on invalid UTF-8 that a handler may have copied
  // from input into a response payload.
  return ack.dump(-1, ' ', false, json::error_handler_t::replace);
}

RedeliveryFilter::RedeliveryFilter(std::chrono::seconds window,
                                   std::size_t max_keys)
    : window_(window), max_keys_(max_keys == 0 ? 1 : max_keys) {}

RedeliveryFilter::Verdict RedeliveryFilter::Check(const Envelope& envelope,
                                                  TimePoint now) {
  Expire(now);
  Verdict verdict = Verdict::kApply;
  for (std::string& key : KeysOf(envelope)) {
    // The window runs from the first sighting: a key seen again keeps its
    // original time, so each key has exactly one entry in order_.
    if (seen_.count(key)) {
      verdict = Verdict::kDuplicate;
      continue;
    }
    seen_.emplace(key, now);
    order_.emplace_back(now, std::move(key));
  }
  while (order_.size() > max_keys_) {
    seen_.erase(order_.front().second);
    order_.pop_front();
  }
  return verdict;
}

void RedeliveryFilter::Expire(TimePoint now) {
  while (!order_.empty() && now - order_.front().first >= window_) {
    seen_.erase(order_.front().second);
    order_.pop_front();
  }
}

}  // namespace leadrouter::slack
