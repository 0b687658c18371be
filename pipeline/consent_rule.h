// Consent rules: what a lead must have said before an automated message
// goes out on a channel ([consent] in the config). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

namespace leadrouter::pipeline {

// kNone       no consent needed (a webhook to our own CRM);
// kMarketing  the channel's own consent, or general marketing consent;
// kExplicit   the channel's own consent only (SMS under the TCPA).
// Under every rule a "no" on the channel itself wins: a lead who unticked
// "texts" gets no text whatever else they ticked.
enum class ConsentRule { kNone, kMarketing, kExplicit };

// "none", "marketing", "explicit": the config's values.
std::string ToString(ConsentRule rule);
std::optional<ConsentRule> ConsentRuleFromString(const std::string& name);

// Whether a step may go out: `channel_flag` is the lead's latest statement
// about this channel, `marketing_flag` about marketing in general (nullopt:
// never stated).
bool ConsentAllows(ConsentRule rule, std::optional<bool> channel_flag,
                   std::optional<bool> marketing_flag);

}  // namespace leadrouter::pipeline
