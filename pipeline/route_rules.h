// Routes: ordered rules that send a lead to a pool. The first route whose
// `when` holds wins; every key of a `when` must hold, and a list matches
// any of its values. The answer is a value with its reasons: which route
// matched and why, and why each earlier one did not. Pure: the lead's
// facts and its local time come in; no I/O, no clock reads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/lead.h"

namespace leadrouter::pipeline {

// What a route may look at, taken from a processed lead by FactsOf. Text
// facts are as the lead gives them; matching ignores case.
struct RouteFacts {
  std::string source;
  std::string segment;    // "HOT_BUYER", …
  std::string intent;     // "URGENT_BUYER", …
  std::string lead_type;  // "buyer", "seller", "renter"; "" unknown
  std::string zip;        // five digits; "" unknown
  std::string city;
  std::string state;  // USPS code
  std::string mls;    // the listing's MLS id; "" none
  // The listing's price, else the lead's budget; `price_is_budget` says
  // which, for the reason.
  std::optional<double> price;
  bool price_is_budget = false;
  std::string language;  // "en", "es", …; "" unknown
  bool language_detected = false;  // from the message, not the source
  int local_minute = 0;            // the team's local time of the lead
  int local_weekday = 0;           // 0 = Sunday
};

// A route's conditions. An empty list or an unset bound is no condition.
struct RouteWhen {
  std::vector<std::string> source, segment, intent, lead_type, zip, city,
      state, territory, language;
  std::vector<std::string> mls;  // MLS ids
  std::optional<bool> has_mls;   // `mls = true|false`: any MLS id, or none
  std::optional<double> price_min, price_max;
  // Minutes after local midnight, end exclusive; start after end spans
  // midnight. Outside them the route is skipped.
  std::optional<std::pair<int, int>> hours;
  std::optional<int> days;  // bit mask, bit d = weekday d (0 = Sunday)

  bool empty() const;
};

struct RouteRule {
  std::string name;
  std::string pool;
  RouteWhen when;
};

// Named ZIP lists ([territories] in the config): "back-bay" -> {"02116", …}.
using Territories = std::map<std::string, std::vector<std::string>>;

struct RouteTry {
  std::string route;
  bool matched = false;
  // Matched: the conditions that held ("price $1,249,000 ≥ $1,000,000, zip
  // 02116"); otherwise the first that did not ("zip 02118 not in 02116,
  // 02199"), or "catch-all" for a route without conditions.
  std::string why;
};

struct RouteMatch {
  std::optional<size_t> index;  // into the routes; nullopt: none matched
  std::string route;
  std::string pool;
  // "route luxury-back-bay: price $1,249,000 ≥ $1,000,000, zip 02116 →
  // pool luxury", or "no route matched".
  std::string reason;
  std::vector<RouteTry> tried;  // in order, up to and including the match
  bool ok() const { return index.has_value(); }
};

// The facts of `lead` for routing, at the team's local minute and weekday.
// The ZIP is the property's (first five digits); city and state come from
// the property address; lead_type and language are read from the payload
// (`lead_type`/`leadType`/`inquiry_type`, `language`/`lang`/
// `preferred_language`, at the top level or one object down), else the
// language is detected from the message (pipeline/language).
RouteFacts FactsOf(const ProcessedLead& lead, int local_minute,
                   int local_weekday);

// The first of `routes` (in order) whose conditions all hold for `facts`.
RouteMatch MatchRoute(const std::vector<RouteRule>& routes,
                      const Territories& territories, const RouteFacts& facts);

// Whether every lead `later` matches is also matched by `earlier` (so
// `later`, placed after it, can never match). Conservative: false when in
// doubt. Territories are compared by their ZIP lists.
bool Covers(const RouteWhen& earlier, const RouteWhen& later,
            const Territories& territories);

// A route's conditions in words: "price ≥ $1,000,000, zip 02116 or 02199",
// or "every lead" for a catch-all.
std::string Describe(const RouteWhen& when);

// The weekday of a day's name, "sun" = 0 … "sat" = 6 (full names and any
// case accepted); nullopt for anything else.
std::optional<int> WeekdayFromName(const std::string& name);

}  // namespace leadrouter::pipeline
