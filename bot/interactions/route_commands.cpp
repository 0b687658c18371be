#include "bot/interactions/route_commands.h"

#include <map>
#include <optional>
#include <string>

#include "bot/routing/pool_assign.h"
#include "bot/slack/mrkdwn.h"
#include "bot/runtime/time_zone.h"
#include "pipeline/route.h"
#include "storage/lead_store.h"
#include "storage/pool_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

SlashReply Reply(std::string text) { return SlashReply{std::move(text), false}; }

std::string PoolWords(const PoolConfig& p, const Config& config) {
  switch (p.mode) {
    case PoolMode::kFirstToClaim: {
      const std::string& channel =
          p.channel.empty() ? config.slack.shark_tank_channel : p.channel;
      return "first to claim in <#" + channel + ">";
    }
    case PoolMode::kRoundRobin:
      return "round-robin over " + std::to_string(p.members.size()) +
             (p.members.size() == 1 ? " member" : " members");
    case PoolMode::kAgent:
      return p.members.empty() ? "one agent"
                               : "every lead to " + slack::Mention(p.members[0]);
  }
  return "";
}

std::string TriedLines(const nlohmann::json& tried) {
  std::string out;
  for (const nlohmann::json& t : tried) {
    const bool matched = t.value("matched", false);
    out += "\n• " + slack::EscapeMrkdwn(t.value("route", std::string())) +
           (matched ? ": *matched*, " : ": no, ") +
           slack::EscapeMrkdwn(t.value("why", std::string()));
  }
  return out;
}

nlohmann::json TriedJson(const pipeline::RouteMatch& match) {
  nlohmann::json out = nlohmann::json::array();
  for (const pipeline::RouteTry& t : match.tried) {
    out.push_back({{"route", t.route}, {"matched", t.matched}, {"why", t.why}});
  }
  return out;
}

}  // namespace

SlashReply RunRoutesCommand(storage::Database& db, const SlashCommand&,
                            SystemTime now, const Config& config) {
  const RoutingConfig& rc = config.routing;
  if (!rc.configured()) {
    return Reply(
        "No `[[routes]]` are configured: hot leads go to the shark tank and "
        "the others to the one rotation of every agent.");
  }
  const LocalTime local = ToLocal(now, config.rotation.timezone);
  const SystemTime midnight =
      FromLocal(local.date, 0, config.rotation.timezone).value_or(now);
  std::map<std::string, int> today =
      storage::PoolStore(db.db()).MatchCounts(midnight);
  std::string out = "*Routes*, in order (the first that matches wins), with "
                    "today's leads (" + local.date + "):";
  for (size_t i = 0; i < rc.routes.size(); ++i) {
    const pipeline::RouteRule& r = rc.routes[i];
    const PoolConfig* pool = rc.Pool(r.pool);
    auto count = today.find(r.name);
    const int n = count == today.end() ? 0 : count->second;
    out += "\n" + std::to_string(i + 1) + ". *" + slack::EscapeMrkdwn(r.name) +
           "* → pool " + slack::EscapeMrkdwn(r.pool) +
           (pool ? " (" + PoolWords(*pool, config) + ")" : "") + ": " +
           slack::EscapeMrkdwn(pipeline::Describe(r.when)) + " · " +
           std::to_string(n) + (n == 1 ? " lead" : " leads") + " today";
  }
  out += "\n*Fallbacks*:";
  for (const PoolConfig& p : rc.pools) {
    out += " " + slack::EscapeMrkdwn(p.name) + " → " +
           (p.fallback.empty() ? std::string("triage")
                               : slack::EscapeMrkdwn(p.fallback)) +
           ";";
  }
  out.pop_back();
  return Reply(out);
}

SlashReply ExplainLeadRoute(storage::Database& db, int64_t lead_id,
                            SystemTime now, const Config& config) {
  std::optional<storage::StoredLead> lead =
      storage::LeadStore(db.db()).Get(lead_id);
  if (!lead) return Reply("There is no lead #" + std::to_string(lead_id) + ".");
  std::string out = "*Lead #" + std::to_string(lead_id) + ": why it went where it went*";

  std::optional<storage::LeadRoute> route =
      storage::PoolStore(db.db()).GetRoute(lead_id);
  if (route) {
    out += "\n*When it arrived*: " + slack::EscapeMrkdwn(route->reason) +
           TriedLines(route->tried);
  } else {
    // Routed before [[routes]] existed, or a lead no route is for (spam,
    // support, nurture): its `routed` event says what happened.
    std::string reason;
    for (const storage::TimelineEvent& e :
         storage::Timeline(db.db()).List(lead_id)) {
      if (e.kind == "routed") reason = e.detail.value("reason", std::string());
    }
    out += "\n*When it arrived*: " +
           (reason.empty() ? std::string("no routing was recorded")
                           : slack::EscapeMrkdwn(reason));
  }

  const pipeline::RouteDecision decision = pipeline::DecideRoute(lead->lead);
  if (!WantsPool(decision, config)) {
    out += "\n*Today's rules*: " + slack::EscapeMrkdwn(decision.reason);
    return Reply(out);
  }
  pipeline::RouteMatch now_match =
      pipeline::MatchRoute(config.routing.routes, config.routing.territories,
                           RouteFactsAt(lead->lead, now, config));
  out += "\n*Today's rules, now*: " + slack::EscapeMrkdwn(now_match.reason) +
         TriedLines(TriedJson(now_match));
  return Reply(out);
}

}  // namespace leadrouter
