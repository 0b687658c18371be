// EnvelopeHub: the Socket Mode side of the sim. Holds the open sockets,
// single-use tickets, every envelope delivery and its ack, and the fault
// switches (silence, duplicate-next, disconnect).
//
// Delivery rules:
//  - each envelope goes to one open socket picked at random (silent sockets
//    included: Slack cannot tell a dead link from a live one);
//  - an ack is a text frame {"envelope_id":…[,"payload":{…}]}; it must
//    arrive within ack_timeout;
//  - an unacked events_api envelope is redelivered redelivery_delays[k]
//    after attempt k timed out, with retry_attempt k+1, retry_reason
//    "timeout" and a NEW envelope_id (the event_id inside stays the same, so
//    clients must deduplicate on payload.event_id);
//  - an unacked slash_commands / interactive envelope is recorded as a
//    user-visible timeout and never redelivered;
//  - duplicate-next sends the next envelope twice with the SAME envelope_id
//    and retry_attempt (as seen in Slack's own logs);
//  - envelopes with no open socket wait and go out after the next hello.
// Single-threaded: every call happens on the server's I/O thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "sim_options.h"

namespace slack_sim {

// One accepted WebSocket, as the hub sees it. Implemented in server.cpp.
class SocketLink {
 public:
  virtual ~SocketLink() = default;
  virtual void SendText(std::string text) = 0;
  // Stop pings and pongs and ignore input; keep the TCP connection open.
  virtual void GoSilent() = 0;
  virtual void Close() = 0;
  virtual nlohmann::json StatsJson() const = 0;
};

class EnvelopeHub {
 public:
  EnvelopeHub(boost::asio::io_context& io, const Options& options);
  ~EnvelopeHub();

  std::string IssueTicket();
  bool RedeemTicket(const std::string& ticket);  // true once per ticket

  // Registers an upgraded socket and sends `hello` (then too_many_websockets
  // when over the cap). The link must call Detach before it goes away.
  int Attach(SocketLink* link);
  void Detach(int id);
  void OnText(int id, const std::string& text);
  bool silenced() const { return silence_; }

  // Sends an envelope; returns its envelope_id. Fails (nullopt) only when
  // `require_socket` and no socket is open.
  std::optional<std::string> Send(const std::string& type,
                                  nlohmann::json payload, bool require_socket);

  // Sends `disconnect` to one socket (id) or all; optionally closes them
  // after close_after. long_form adds num_connections and connection_info.
  int Disconnect(const std::string& reason, bool long_form,
                 std::optional<int> id,
                 std::optional<std::chrono::milliseconds> close_after);
  // Sends a delivered envelope again as Slack does when it missed the ack
  // (lost on the way, or late): a new envelope_id, retry_attempt + 1, the
  // same payload. Returns the new envelope_id; nullopt if `envelope_id` was
  // never delivered.
  std::optional<std::string> RedeliverNow(const std::string& envelope_id);
  void SetSilence(bool on);
  // A Slack outage: while on, open sockets are closed, new ones refused
  // (HTTP 503 to the upgrade) and every Web API call answers 503.
  void SetOutage(bool on);
  bool outage() const { return outage_; }
  void DuplicateNext() { duplicate_next_ = true; }

  nlohmann::json AcksJson() const;
  nlohmann::json ConnectionsJson() const;
  void Reset();

 private:
  struct Delivery {
    std::string envelope_id;
    std::string type;
    nlohmann::json payload;
    int retry_attempt = 0;
    bool duplicate = false;
    int connection = 0;  // 0 while queued with no socket
    int64_t sent_at_us = 0;
    int64_t acked_at_us = 0;
    std::string state = "pending";  // queued, pending, acked, timeout, late_ack
    nlohmann::json ack;             // the ack frame as received
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  struct Conn {
    SocketLink* link;
    int64_t opened_at_us;
    int envelopes_sent = 0;
    bool silent = false;
  };

  size_t NewDelivery(const std::string& type, nlohmann::json payload,
                     int retry_attempt, const std::string& envelope_id,
                     bool duplicate);
  void Transmit(size_t index);
  void OnAckTimeout(size_t index);
  void Redeliver(size_t index);
  int PickSocket();
  std::string EnvelopeText(const Delivery& d) const;
  nlohmann::json DisconnectJson(const std::string& reason,
                                bool long_form) const;

  boost::asio::io_context& io_;
  const Options& options_;
  std::mt19937 rng_{std::random_device{}()};
  std::set<std::string> tickets_;
  std::map<int, Conn> conns_;
  int next_conn_id_ = 1;
  std::deque<Delivery>
      deliveries_;              // deque: references stay valid on push_back
  std::vector<size_t> queued_;  // waiting for a socket
  uint64_t generation_ = 0;     // bumped by Reset to orphan old timers
  bool silence_ = false;
  bool outage_ = false;
  bool duplicate_next_ = false;
  int64_t total_connections_ = 0;
  int64_t most_open_ = 0;  // the most sockets open at one time
};

}  // namespace slack_sim
