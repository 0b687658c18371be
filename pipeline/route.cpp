#include "pipeline/route.h"

#include <array>
#include <utility>

namespace leadrouter::pipeline {
namespace {

constexpr std::array<std::pair<RouteKind, const char*>, 5> kNames = {{
    {RouteKind::kSharkTank, "shark_tank"},
    {RouteKind::kRoundRobin, "round_robin"},
    {RouteKind::kNurture, "nurture"},
    {RouteKind::kSupport, "support"},
    {RouteKind::kNone, "none"},
}};

// The first reason's detail, so the route reads "HOT_BUYER: …why".
std::string FirstDetail(const std::vector<Reason>& reasons) {
  return reasons.empty() ? "" : " (" + reasons.front().detail + ")";
}

}  // namespace

RouteDecision DecideRoute(const ProcessedLead& lead) {
  if (lead.honeypot) {
    return {RouteKind::kNone, "honeypot field filled: stored, no agent"};
  }
  // Nothing is dropped on a language model's word: a person looks at it.
  if (lead.intent == Intent::kSpam && !lead.intent_reasons.empty() &&
      lead.intent_reasons.front().rule == "model") {
    return {RouteKind::kSupport, "spam" + FirstDetail(lead.intent_reasons) +
                                     ": to triage, a person decides"};
  }
  if (lead.intent == Intent::kSpam) {
    return {RouteKind::kNone,
            "spam" + FirstDetail(lead.intent_reasons) + ": stored, no agent"};
  }
  if (lead.intent == Intent::kSupportRequest) {
    return {RouteKind::kSupport, "support request" +
                                     FirstDetail(lead.intent_reasons) +
                                     ": routed away from sales"};
  }
  switch (lead.segment) {
    case Segment::kLowQuality:
      return {RouteKind::kNone, "LOW_QUALITY" +
                                    FirstDetail(lead.segment_reasons) +
                                    ": stored, no agent"};
    case Segment::kHotBuyer:
      return {RouteKind::kSharkTank, "HOT_BUYER" +
                                         FirstDetail(lead.segment_reasons) +
                                         ": first agent to claim"};
    case Segment::kNurtureLongterm:
      return {RouteKind::kNurture, "NURTURE_LONGTERM" +
                                       FirstDetail(lead.segment_reasons) +
                                       ": automated nurture sequence"};
    case Segment::kWarmBuyer:
      break;
  }
  return {RouteKind::kRoundRobin, "WARM_BUYER: next agent in the rotation"};
}

std::string ToString(RouteKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "none";
}

std::optional<RouteKind> RouteKindFromString(const std::string& name) {
  for (const auto& [k, n] : kNames) {
    if (name == n) return k;
  }
  return std::nullopt;
}

}  // namespace leadrouter::pipeline
