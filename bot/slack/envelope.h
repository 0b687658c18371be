// Socket Mode frames: parsing a server text frame into a typed value,
// building the ack, and recognising redelivered envelopes. Pure: no I/O, no
// clock reads (the filter takes `now`); never throws on bad input.
// Not thread-safe; the loop thread owns a RedeliveryFilter.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

namespace leadrouter::slack {

// {"type":"hello"}: the connection is ready.
struct Hello {
  int num_connections = 0;
  // How long Slack expects this connection to live; absent if not sent.
  std::optional<std::chrono::seconds> approximate_connection_time;
};

// {"type":"disconnect"}: the server wants this connection gone.
struct Disconnect {
  std::string reason;  // "warning", "refresh_requested", "link_disabled", …
};

enum class EnvelopeType { kEventsApi, kSlashCommands, kInteractive };

// "events_api", "slash_commands", "interactive".
std::string_view ToString(EnvelopeType type);

// A payload to acknowledge and then handle.
struct Envelope {
  std::string envelope_id;
  EnvelopeType type = EnvelopeType::kEventsApi;
  nlohmann::json payload = nlohmann::json::object();  // always an object
  bool accepts_response_payload = false;
  int retry_attempt = 0;     // > 0 on an events_api redelivery
  std::string retry_reason;  // "timeout" on a redelivery, else ""
};

// Valid JSON of a type we do not handle. If it carries an envelope_id the
// caller should still ack it, so Slack does not redeliver it.
struct Unknown {
  std::string type;
  std::string envelope_id;  // empty when absent
};

// Not a JSON object, or a known type missing a required field.
struct ParseError {
  std::string message;
};

using Frame = std::variant<Hello, Disconnect, Envelope, Unknown, ParseError>;

// Parses one WebSocket text frame. Never throws.
Frame ParseFrame(std::string_view text);

// The ack frame: {"envelope_id":"…"} or, with a response payload (only
// meaningful when the envelope accepts one),
// {"envelope_id":"…","payload":{…}}.
std::string BuildAck(std::string_view envelope_id,
                     const std::optional<nlohmann::json>& payload = {});

// Recognises an envelope that was already applied: the same envelope_id,
// the same events_api `event_id` (Slack's redeliveries may carry a new
// envelope_id, retry_attempt > 0), or for block_actions the same
// (user.id, action_ts, action_id), i.e. the same click delivered twice.
// Remembers keys for `window` and at most `max_keys` keys (the oldest are
// forgotten first), so memory stays bounded under any load.
class RedeliveryFilter {
 public:
  // System time from the injected Clock, so tests can move it.
  using TimePoint = std::chrono::system_clock::time_point;

  enum class Verdict { kApply, kDuplicate };

  // Slack's last events_api retry comes about 5 minutes after the first
  // delivery; an hour leaves room for a slow reconnect in between.
  static constexpr std::chrono::seconds kDefaultWindow{3600};
  static constexpr std::size_t kDefaultMaxKeys = 20000;

  explicit RedeliveryFilter(std::chrono::seconds window = kDefaultWindow,
                            std::size_t max_keys = kDefaultMaxKeys);

  // Returns kDuplicate if any key of `envelope` was first seen less than
  // `window` ago, else kApply. Either way remembers its new keys as first
  // seen at `now`.
  Verdict Check(const Envelope& envelope, TimePoint now);

  std::size_t size() const { return seen_.size(); }

 private:
  void Expire(TimePoint now);

  std::chrono::seconds window_;
  std::size_t max_keys_;
  // Invariant: the same keys, one entry each; order_ is oldest first.
  std::unordered_map<std::string, TimePoint> seen_;  // key -> first seen
  std::deque<std::pair<TimePoint, std::string>> order_;
};

}  // namespace leadrouter::slack
