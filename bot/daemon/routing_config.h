// The routing part of the config: pools of agents, the ordered routes that
// send a lead to a pool, and named territories. Without [[pools]] the
// daemon routes as it always has (the shark-tank channel and one rotation
// of every [[agents]] entry), so this is all empty then.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/route_rules.h"

namespace leadrouter {

// How a pool hands out its leads.
enum class PoolMode {
  kFirstToClaim,  // posted in the pool's channel; the first click wins
  kRoundRobin,    // the rotation engine, with the pool's own turn order
  kAgent,         // one member gets every lead
};

// "first_to_claim", "round_robin", "agent" and back.
const char* ToString(PoolMode mode);
std::optional<PoolMode> PoolModeFromString(const std::string& name);

struct PoolConfig {
  std::string name;
  PoolMode mode = PoolMode::kRoundRobin;
  std::vector<std::string> members;  // Slack ids, each in [[agents]]
  std::string channel;               // first_to_claim: where leads are posted
  // first_to_claim: how long a lead waits for a click before the fallback;
  // nullopt: slack.claim_timeout.
  std::optional<std::chrono::milliseconds> claim_timeout;
  // The pool tried next when this one cannot take a lead; "" ends the chain
  // in the triage channel.
  std::string fallback;
};

struct RoutingConfig {
  std::vector<PoolConfig> pools;
  std::vector<pipeline::RouteRule> routes;  // in file order; the last a catch-all
  pipeline::Territories territories;

  // Whether [[pools]] are configured (otherwise today's single rotation).
  bool configured() const { return !pools.empty(); }
  // The pool named `name`, or nullptr.
  const PoolConfig* Pool(const std::string& name) const;
};

}  // namespace leadrouter
