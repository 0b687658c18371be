// Enrichment's pure half: the lookup URL from its template, the facts read
// out of a provider's JSON answer by JSON pointers, those facts added to a
// lead, and the card's one line about them. No I/O, no clock.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/lead.h"
#include "pipeline/market.h"

namespace leadrouter::pipeline {

// The fields each provider may map (the keys of its `fields` table).
inline constexpr const char* kPropertyFields[] = {
    "days_on_market", "list_price", "beds", "baths", "sqft", "year_built"};
inline constexpr const char* kPersonFields[] = {"company", "title",
                                                "profile_url"};

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string UrlEncode(std::string_view text);

// `url_template` with each "{name}" replaced by values[name], URL-encoded
// ("" for a name `values` lacks).
std::string ExpandUrl(std::string_view url_template,
                      const std::map<std::string, std::string>& values);

// The placeholders "{name}" a template uses, in order.
std::vector<std::string> UrlPlaceholders(std::string_view url_template);

struct FactsRead {
  nlohmann::json facts = nlohmann::json::object();  // our name -> value
  std::vector<std::string> missing;  // mapped fields the answer lacked
};

// Reads each mapped field (our name -> JSON pointer) from `answer`. A
// pointer that names nothing, null, or a value of the wrong kind (numbers
// for the property's figures, which may also come as numeric strings;
// strings for the person's) is listed as missing, never an error.
FactsRead ReadFacts(const nlohmann::json& answer,
                    const std::map<std::string, std::string>& fields);

// Adds `facts` from `provider` ("property" or "person") to the lead. The
// lead's own days on market and price win over the provider's; returns
// what changed, as people say it ("listed 3 days ago", "4 bd").
std::vector<std::string> ApplyFacts(ProcessedLead& lead,
                                    const std::string& provider,
                                    const nlohmann::json& facts);

// The card's line: "listed 3 days ago · 4 bd / 3 ba · 2,150 sq ft · 8 %
// under the 02139 median", then "VP Sales at Acme" when a person provider
// answered; parts the lead lacks are left out, "" when it has none.
std::string EnrichmentLine(const ProcessedLead& lead,
                           const MarketMedian& median);

}  // namespace leadrouter::pipeline
