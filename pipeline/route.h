// Routing: where a processed lead goes. A value with its reason; bot/ turns
// it into jobs. Pure.
#pragma once

#include <optional>
#include <string>

#include "pipeline/lead.h"

namespace leadrouter::pipeline {

enum class RouteKind {
  kSharkTank,   // HOT_BUYER: posted with a Claim button
  kRoundRobin,  // WARM_BUYER: next agent in the rotation
  kNurture,     // NURTURE_LONGTERM: automated sequence, no agent
  kSupport,     // SUPPORT_REQUEST: routed away from sales
  kNone,        // spam, honeypot, LOW_QUALITY: stored, no agent, no reply
};

struct RouteDecision {
  RouteKind kind = RouteKind::kNone;
  std::string reason;  // human-readable, shown on the lead's timeline
};

// Decides from the lead's honeypot flag, intent and segment, first match
// wins: honeypot -> none; SPAM read by the language model (its reason
// first) -> support (triage: nothing is dropped on a model's word); SPAM
// intent -> none; SUPPORT_REQUEST -> support;
// LOW_QUALITY -> none; HOT_BUYER -> shark tank; NURTURE_LONGTERM -> nurture;
// WARM_BUYER -> round robin.
RouteDecision DecideRoute(const ProcessedLead& lead);

// "shark_tank", "round_robin", "nurture", "support", "none".
std::string ToString(RouteKind kind);
std::optional<RouteKind> RouteKindFromString(const std::string& name);

}  // namespace leadrouter::pipeline
