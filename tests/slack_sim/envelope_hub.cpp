#include "envelope_hub.h"

#include <algorithm>

#include "sim_util.h"

namespace slack_sim {

using nlohmann::json;

namespace {
constexpr const char* kHost = "applink-sim-1";
constexpr int kBuildNumber = 42;
constexpr int kApproximateConnectionTime =
    18060;  // seconds, as in Slack's fixtures
}  // namespace

EnvelopeHub::EnvelopeHub(boost::asio::io_context& io, const Options& options)
    : io_(io), options_(options) {}

EnvelopeHub::~EnvelopeHub() = default;

std::string EnvelopeHub::IssueTicket() {
  std::string ticket = NewUuid();
  tickets_.insert(ticket);
  return ticket;
}

bool EnvelopeHub::RedeemTicket(const std::string& ticket) {
  return tickets_.erase(ticket) > 0;
}

int EnvelopeHub::Attach(SocketLink* link) {
  int id = next_conn_id_++;
  conns_[id] = Conn{link, NowMicros()};
  ++total_connections_;
  most_open_ = std::max<int64_t>(most_open_, static_cast<int64_t>(conns_.size()));
  json hello = {{"type", "hello"},
                {"num_connections", conns_.size()},
                {"debug_info",
                 {{"host", kHost},
                  {"build_number", kBuildNumber},
                  {"approximate_connection_time", kApproximateConnectionTime}}},
                {"connection_info", {{"app_id", options_.app_id}}}};
  link->SendText(hello.dump());
  if (static_cast<int>(conns_.size()) > options_.max_sockets) {
    link->SendText(DisconnectJson("too_many_websockets", false).dump());
  }
  if (silence_) {
    conns_[id].silent = true;
    link->GoSilent();
    return id;
  }
  std::vector<size_t> waiting;
  waiting.swap(queued_);
  for (size_t index : waiting) Transmit(index);
  return id;
}

void EnvelopeHub::Detach(int id) { conns_.erase(id); }

void EnvelopeHub::OnText(int id, const std::string& text) {
  json frame = json::parse(text, nullptr, false);
  if (!frame.is_object() || !frame.contains("envelope_id") ||
      !frame["envelope_id"].is_string()) {
    return;  // Slack ignores frames it cannot read
  }
  const std::string envelope_id = frame["envelope_id"];
  Delivery* late = nullptr;
  for (auto& d : deliveries_) {
    if (d.envelope_id != envelope_id) continue;
    if (d.state == "pending") {
      d.state = "acked";
      d.acked_at_us = NowMicros();
      d.ack = frame;
      d.ack["_connection"] = id;
      if (d.timer) d.timer->cancel();
      return;
    }
    if (d.state == "timeout" && d.acked_at_us == 0) late = &d;
  }
  if (late) {
    late->state = "late_ack";
    late->acked_at_us = NowMicros();
    late->ack = frame;
  }
}

std::optional<std::string> EnvelopeHub::Send(const std::string& type,
                                             json payload,
                                             bool require_socket) {
  if (require_socket && conns_.empty()) return std::nullopt;
  std::string envelope_id = NewUuid();
  size_t index = NewDelivery(type, std::move(payload), 0, envelope_id, false);
  bool twice = duplicate_next_;
  duplicate_next_ = false;
  Transmit(index);
  if (twice) {
    size_t copy =
        NewDelivery(type, deliveries_[index].payload, 0, envelope_id, true);
    Transmit(copy);
  }
  return envelope_id;
}

size_t EnvelopeHub::NewDelivery(const std::string& type, json payload,
                                int retry_attempt,
                                const std::string& envelope_id,
                                bool duplicate) {
  Delivery d;
  d.envelope_id = envelope_id;
  d.type = type;
  d.payload = std::move(payload);
  d.retry_attempt = retry_attempt;
  d.duplicate = duplicate;
  d.timer = std::make_unique<boost::asio::steady_timer>(io_);
  deliveries_.push_back(std::move(d));
  return deliveries_.size() - 1;
}

int EnvelopeHub::PickSocket() {
  if (conns_.empty()) return 0;
  std::uniform_int_distribution<size_t> pick(0, conns_.size() - 1);
  auto it = conns_.begin();
  std::advance(it, pick(rng_));
  return it->first;
}

std::string EnvelopeHub::EnvelopeText(const Delivery& d) const {
  json envelope = {{"envelope_id", d.envelope_id},
                   {"type", d.type},
                   {"payload", d.payload},
                   {"accepts_response_payload", d.type == "slash_commands"}};
  if (d.type == "events_api") {
    envelope["retry_attempt"] = d.retry_attempt;
    envelope["retry_reason"] = d.retry_attempt == 0 ? "" : "timeout";
  }
  return envelope.dump();
}

void EnvelopeHub::Transmit(size_t index) {
  Delivery& d = deliveries_[index];
  int id = PickSocket();
  if (id == 0) {
    d.state = "queued";
    queued_.push_back(index);
    return;
  }
  d.state = "pending";
  d.connection = id;
  d.sent_at_us = NowMicros();
  Conn& conn = conns_[id];
  ++conn.envelopes_sent;
  conn.link->SendText(EnvelopeText(d));
  d.timer->expires_after(options_.ack_timeout);
  uint64_t generation = generation_;
  d.timer->async_wait(
      [this, index, generation](const boost::system::error_code& ec) {
        if (ec || generation != generation_) return;
        OnAckTimeout(index);
      });
}

void EnvelopeHub::OnAckTimeout(size_t index) {
  Delivery& d = deliveries_[index];
  if (d.state != "pending") return;
  d.state = "timeout";
  if (d.type != "events_api" || d.duplicate) return;
  if (d.retry_attempt >= static_cast<int>(options_.redelivery_delays.size()))
    return;
  d.timer->expires_after(options_.redelivery_delays[d.retry_attempt]);
  uint64_t generation = generation_;
  d.timer->async_wait(
      [this, index, generation](const boost::system::error_code& ec) {
        if (ec || generation != generation_) return;
        Redeliver(index);
      });
}

std::optional<std::string> EnvelopeHub::RedeliverNow(
    const std::string& envelope_id) {
  for (size_t i = deliveries_.size(); i-- > 0;) {
    const Delivery& previous = deliveries_[i];
    if (previous.envelope_id != envelope_id) continue;
    std::string fresh = NewUuid();
    size_t next = NewDelivery(previous.type, previous.payload,
                              previous.retry_attempt + 1, fresh, false);
    Transmit(next);
    return fresh;
  }
  return std::nullopt;
}

void EnvelopeHub::Redeliver(size_t index) {
  const Delivery& previous = deliveries_[index];
  if (previous.state != "timeout") return;  // a late ack arrived meanwhile
  size_t next = NewDelivery(previous.type, previous.payload,
                            previous.retry_attempt + 1, NewUuid(), false);
  Transmit(next);
}

json EnvelopeHub::DisconnectJson(const std::string& reason,
                                 bool long_form) const {
  json message = {{"type", "disconnect"},
                  {"reason", reason},
                  {"debug_info", {{"host", kHost}}}};
  if (long_form) {
    message["num_connections"] = conns_.size();
    message["connection_info"] = {{"app_id", options_.app_id}};
  }
  return message;
}

int EnvelopeHub::Disconnect(
    const std::string& reason, bool long_form, std::optional<int> id,
    std::optional<std::chrono::milliseconds> close_after) {
  std::string text = DisconnectJson(reason, long_form).dump();
  std::vector<int> targets;
  for (auto& [conn_id, conn] : conns_) {
    if (!id || *id == conn_id) targets.push_back(conn_id);
  }
  for (int target : targets) {
    conns_[target].link->SendText(text);
    if (!close_after) continue;
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, *close_after);
    timer->async_wait(
        [this, target, timer](const boost::system::error_code& ec) {
          if (ec) return;
          auto it = conns_.find(target);
          if (it != conns_.end()) it->second.link->Close();
        });
  }
  return static_cast<int>(targets.size());
}

void EnvelopeHub::SetSilence(bool on) {
  silence_ = on;
  if (!on) return;
  for (auto& [id, conn] : conns_) {
    if (conn.silent) continue;
    conn.silent = true;
    conn.link->GoSilent();
  }
}

void EnvelopeHub::SetOutage(bool on) {
  outage_ = on;
  if (!on) return;
  // Close() detaches asynchronously; copy the links first.
  std::vector<SocketLink*> links;
  for (auto& [id, conn] : conns_) links.push_back(conn.link);
  for (SocketLink* link : links) link->Close();
}

json EnvelopeHub::AcksJson() const {
  json out = json::array();
  for (const auto& d : deliveries_) {
    json item = {
        {"envelope_id", d.envelope_id},
        {"type", d.type},
        {"retry_attempt", d.retry_attempt},
        {"duplicate", d.duplicate},
        {"connection", d.connection},
        {"state", d.state},
        {"sent_at_us", d.sent_at_us},
        {"acked_at_us", d.acked_at_us},
        {"ack_latency_us", d.acked_at_us ? d.acked_at_us - d.sent_at_us : 0},
        {"ack", d.ack},
        {"ack_payload", d.ack.is_object() && d.ack.contains("payload")
                            ? d.ack["payload"]
                            : json()}};
    if (d.type == "events_api")
      item["event_id"] = d.payload.value("event_id", "");
    if (d.state == "timeout" && d.type != "events_api")
      item["user_visible_timeout"] = true;
    out.push_back(std::move(item));
  }
  return out;
}

json EnvelopeHub::ConnectionsJson() const {
  json sockets = json::array();
  for (const auto& [id, conn] : conns_) {
    json item = conn.link->StatsJson();
    item["id"] = id;
    item["opened_at_us"] = conn.opened_at_us;
    item["envelopes_sent"] = conn.envelopes_sent;
    item["silent"] = conn.silent;
    sockets.push_back(std::move(item));
  }
  return json{{"open", conns_.size()},
              {"total_opened", total_connections_},
              {"most_open", most_open_},
              {"silence", silence_},
              {"queued_envelopes", queued_.size()},
              {"connections", sockets}};
}

void EnvelopeHub::Reset() {
  ++generation_;
  for (auto& d : deliveries_) {
    if (d.timer) d.timer->cancel();
  }
  deliveries_.clear();
  queued_.clear();
  tickets_.clear();
  silence_ = false;
  outage_ = false;
  duplicate_next_ = false;
}

}  // namespace slack_sim
