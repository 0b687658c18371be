#include "bot/daemon/routing_config.h"

#include <array>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "bot/daemon/routing_config_reader.h"
#include "pipeline/rotation.h"

namespace leadrouter {
namespace {

constexpr std::array<std::pair<PoolMode, const char*>, 3> kModes = {{
    {PoolMode::kFirstToClaim, "first_to_claim"},
    {PoolMode::kRoundRobin, "round_robin"},
    {PoolMode::kAgent, "agent"},
}};

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

// A string or an array of strings, as a list.
void StringOrList(TableReader& r, const std::string& key,
                  std::vector<std::string>& out) {
  const toml::node* n = r.Get(key);
  if (!n) return;
  if (auto v = n->value_exact<std::string>()) {
    out = {*v};
    return;
  }
  r.StringList(key, out);
  if (n->is_array() && n->as_array()->empty()) {
    r.Error(key, "must list at least one value", n);
  }
}

void OptionalNumber(TableReader& r, const std::string& key,
                    std::optional<double>& out) {
  if (!r.Get(key)) return;
  double v = -1;
  r.Number(key, v, 0);
  if (v >= 0) out = v;
}

bool IsZip(const std::string& z) {
  if (z.size() != 5) return false;
  for (char c : z) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void CheckZips(TableReader& r, const std::string& key,
               const std::vector<std::string>& zips) {
  for (size_t i = 0; i < zips.size(); ++i) {
    if (!IsZip(zips[i])) {
      r.Error(key + "[" + std::to_string(i) + "]",
              Quoted(zips[i]) + " is not a five-digit ZIP code");
    }
  }
}

void ReadWhen(TableReader& r, pipeline::RouteWhen& w) {
  StringOrList(r, "source", w.source);
  StringOrList(r, "segment", w.segment);
  for (size_t i = 0; i < w.segment.size(); ++i) {
    if (!pipeline::SegmentFromString(w.segment[i])) {
      r.Error("segment", Quoted(w.segment[i]) +
                             " is not a segment (HOT_BUYER, WARM_BUYER, "
                             "NURTURE_LONGTERM, LOW_QUALITY)");
    }
  }
  StringOrList(r, "intent", w.intent);
  for (const std::string& intent : w.intent) {
    if (!pipeline::IntentFromString(intent)) {
      r.Error("intent", Quoted(intent) +
                            " is not an intent (URGENT_BUYER, "
                            "GENERAL_INQUIRY, TIRE_KICKER, SUPPORT_REQUEST, "
                            "SPAM)");
    }
  }
  StringOrList(r, "lead_type", w.lead_type);
  for (const std::string& t : w.lead_type) {
    if (t != "buyer" && t != "seller" && t != "renter") {
      r.Error("lead_type", Quoted(t) + " is not buyer, seller or renter");
    }
  }
  StringOrList(r, "zip", w.zip);
  CheckZips(r, "zip", w.zip);
  StringOrList(r, "city", w.city);
  StringOrList(r, "state", w.state);
  StringOrList(r, "territory", w.territory);
  StringOrList(r, "language", w.language);
  if (const toml::node* n = r.Get("mls")) {
    if (auto b = n->value_exact<bool>()) {
      w.has_mls = *b;
    } else {
      StringOrList(r, "mls", w.mls);
    }
  }
  OptionalNumber(r, "price_min", w.price_min);
  OptionalNumber(r, "price_max", w.price_max);
  if (w.price_min && w.price_max && *w.price_max < *w.price_min) {
    r.Error("price_max", "must not be below price_min");
  }
  std::string hours;
  r.String("hours", hours);
  if (!hours.empty()) {
    if (auto window = pipeline::ParseWorkHours(hours)) {
      w.hours = *window;
    } else {
      r.Error("hours", Quoted(hours) +
                           " is not a window like \"09:00-17:00\" (24-hour, "
                           "start != end)");
    }
  }
  std::vector<std::string> days;
  StringOrList(r, "days", days);
  if (!days.empty()) {
    int mask = 0;
    for (const std::string& d : days) {
      if (auto day = pipeline::WeekdayFromName(d)) {
        mask |= 1 << *day;
      } else {
        r.Error("days", Quoted(d) + " is not a day (use mon, tue, wed, thu, "
                                    "fri, sat, sun)");
      }
    }
    if (mask) w.days = mask;
  }
}

void ReadPool(TableReader& r, PoolConfig& p) {
  r.String("name", p.name);
  if (p.name.empty()) r.Error("name", "is required");
  std::string mode = ToString(p.mode);
  r.String("mode", mode);
  if (auto m = PoolModeFromString(mode)) {
    p.mode = *m;
  } else {
    r.Error("mode", Quoted(mode) +
                        " is not first_to_claim, round_robin or agent");
  }
  r.StringList("members", p.members);
  r.String("channel", p.channel);
  if (!p.channel.empty() && !LooksLikeChannelId(p.channel)) {
    r.Error("channel", Quoted(p.channel) +
                           " cannot be a Slack channel id (expected something "
                           "like C0123ABCD)");
  }
  if (r.Get("claim_timeout")) {
    std::chrono::milliseconds timeout{0};
    r.Duration("claim_timeout", timeout);
    if (timeout.count() > 0) p.claim_timeout = timeout;
  }
  r.String("fallback", p.fallback);
}

std::string Path(const char* table, size_t i, const std::string& key = "") {
  std::string out = std::string(table) + "[" + std::to_string(i) + "]";
  return key.empty() ? out : out + "." + key;
}

void CheckPools(const Config& config, std::vector<ConfigError>& errors) {
  const RoutingConfig& rc = config.routing;
  std::set<std::string> agents;
  for (const AgentConfig& a : config.agents) agents.insert(a.slack_id);
  std::set<std::string> names;
  for (size_t i = 0; i < rc.pools.size(); ++i) {
    const PoolConfig& p = rc.pools[i];
    if (!p.name.empty() && !names.insert(p.name).second) {
      errors.push_back({Path("pools", i, "name"),
                        Quoted(p.name) + " names two pools"});
    }
    if (p.members.empty()) {
      errors.push_back({Path("pools", i, "members"),
                        "pool " + Quoted(p.name) +
                            " has no members, so it can take no lead"});
    }
    for (size_t m = 0; m < p.members.size(); ++m) {
      if (!agents.count(p.members[m])) {
        errors.push_back({Path("pools", i, "members[" + std::to_string(m) + "]"),
                          Quoted(p.members[m]) + " is not in [[agents]]"});
      }
    }
    if (p.mode == PoolMode::kAgent && p.members.size() > 1) {
      errors.push_back({Path("pools", i, "members"),
                        "an agent pool gives every lead to one member; list "
                        "exactly one"});
    }
    if (p.mode == PoolMode::kFirstToClaim && p.channel.empty() &&
        config.slack.shark_tank_channel.empty()) {
      errors.push_back({Path("pools", i, "channel"),
                        "is required for first_to_claim (or set "
                        "slack.shark_tank_channel)"});
    }
    if (!p.fallback.empty() && !rc.Pool(p.fallback)) {
      errors.push_back({Path("pools", i, "fallback"),
                        Quoted(p.fallback) + " is not a pool"});
    }
  }
  // A fallback chain must end (in triage); report each cycle once, at the
  // first pool of it in file order.
  std::set<std::string> reported;
  for (size_t i = 0; i < rc.pools.size(); ++i) {
    std::vector<std::string> chain = {rc.pools[i].name};
    const PoolConfig* at = &rc.pools[i];
    while (at && !at->fallback.empty()) {
      chain.push_back(at->fallback);
      if (at->fallback == rc.pools[i].name) break;
      if (chain.size() > rc.pools.size() + 1) break;  // a cycle not via i
      at = rc.Pool(at->fallback);
    }
    if (chain.size() < 2 || chain.back() != rc.pools[i].name) continue;
    std::set<std::string> members(chain.begin(), chain.end());
    bool seen = false;
    for (const std::string& n : members) seen = seen || reported.count(n);
    if (seen) continue;
    reported.insert(members.begin(), members.end());
    std::string text;
    for (const std::string& n : chain) text += (text.empty() ? "" : " → ") + n;
    errors.push_back({Path("pools", i, "fallback"),
                      "fallback cycle " + text +
                          ": a chain must end (in the triage channel)"});
  }
}

void CheckRoutes(const RoutingConfig& rc, std::vector<ConfigError>& errors) {
  std::set<std::string> names;
  for (size_t i = 0; i < rc.routes.size(); ++i) {
    const pipeline::RouteRule& r = rc.routes[i];
    if (!r.name.empty() && !names.insert(r.name).second) {
      errors.push_back({Path("routes", i, "name"),
                        Quoted(r.name) + " names two routes"});
    }
    if (!r.pool.empty() && !rc.Pool(r.pool)) {
      errors.push_back({Path("routes", i, "pool"),
                        Quoted(r.pool) + " is not a pool"});
    }
    for (const std::string& t : r.when.territory) {
      if (!rc.territories.count(t)) {
        errors.push_back({Path("routes", i, "when.territory"),
                          Quoted(t) + " is not in [territories]"});
      }
    }
    for (size_t e = 0; e < i; ++e) {
      if (pipeline::Covers(rc.routes[e].when, r.when, rc.territories)) {
        errors.push_back(
            {Path("routes", i),
             "route " + Quoted(r.name) + " can never match: route " +
                 Quoted(rc.routes[e].name) +
                 " before it takes every lead it would"});
        break;
      }
    }
  }
  if (!rc.routes.empty() && !rc.routes.back().when.empty()) {
    errors.push_back({Path("routes", rc.routes.size() - 1),
                      "the last route must be a catch-all without `when`, so "
                      "every lead has somewhere to go"});
  }
}

void CheckTerritories(const RoutingConfig& rc,
                      std::vector<ConfigError>& warnings) {
  std::map<std::string, std::string> owner;  // zip -> first territory
  std::set<std::pair<std::string, std::string>> told;
  for (const auto& [name, zips] : rc.territories) {
    for (const std::string& z : zips) {
      auto [it, fresh] = owner.emplace(z, name);
      if (fresh || it->second == name) continue;
      if (!told.insert({it->second, name}).second) continue;
      warnings.push_back({"territories." + name,
                          "shares ZIP " + z + " with territory " +
                              Quoted(it->second) +
                              "; a route on either takes those leads"});
    }
  }
}

}  // namespace

const char* ToString(PoolMode mode) {
  for (const auto& [m, name] : kModes) {
    if (m == mode) return name;
  }
  return "round_robin";
}

std::optional<PoolMode> PoolModeFromString(const std::string& name) {
  for (const auto& [m, n] : kModes) {
    if (name == n) return m;
  }
  return std::nullopt;
}

const PoolConfig* RoutingConfig::Pool(const std::string& name) const {
  for (const PoolConfig& p : pools) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

void ReadRouting(TableReader& root, RoutingConfig& out) {
  root.Table("territories", [&](TableReader& r) {
    r.EachKey([&](const std::string& name) {
      std::vector<std::string> zips;
      r.StringList(name, zips);
      CheckZips(r, name, zips);
      out.territories[name] = std::move(zips);
    });
  });
  root.TableArray("pools", [&](TableReader& r, size_t) {
    PoolConfig p;
    ReadPool(r, p);
    out.pools.push_back(std::move(p));
  });
  root.TableArray("routes", [&](TableReader& r, size_t) {
    pipeline::RouteRule route;
    r.String("name", route.name);
    if (route.name.empty()) r.Error("name", "is required");
    r.String("pool", route.pool);
    if (route.pool.empty()) r.Error("pool", "is required");
    r.Table("when", [&](TableReader& w) { ReadWhen(w, route.when); });
    out.routes.push_back(std::move(route));
  });
}

void CheckRouting(const Config& config, std::vector<ConfigError>& errors,
                  std::vector<ConfigError>& warnings) {
  const RoutingConfig& rc = config.routing;
  CheckTerritories(rc, warnings);
  if (!rc.configured()) {
    if (!rc.routes.empty()) {
      errors.push_back({"routes", "[[routes]] need [[pools]] to send leads to"});
    }
    return;
  }
  if (rc.routes.empty()) {
    errors.push_back({"pools",
                      "[[pools]] need [[routes]] that send leads to them, "
                      "ending in a catch-all route without `when`"});
  }
  CheckPools(config, errors);
  CheckRoutes(rc, errors);
}

std::string SummarizeRouting(const RoutingConfig& rc) {
  if (!rc.configured()) {
    return "routing           the shark tank and one rotation of every "
           "agent (no [[pools]])\n";
  }
  std::string out = "pools            ";
  for (const PoolConfig& p : rc.pools) {
    out += " " + p.name + " (" + ToString(p.mode) + ", " +
           std::to_string(p.members.size()) + " members" +
           (p.fallback.empty() ? ", then triage" : ", then " + p.fallback) +
           ")";
  }
  out += "\nroutes           ";
  for (const pipeline::RouteRule& r : rc.routes) {
    out += " " + r.name + " → " + r.pool;
  }
  return out + "\n";
}

}  // namespace leadrouter
