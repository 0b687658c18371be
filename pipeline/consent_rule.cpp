#include "pipeline/consent_rule.h"

namespace leadrouter::pipeline {

std::string ToString(ConsentRule rule) {
  switch (rule) {
    case ConsentRule::kNone:
      return "none";
    case ConsentRule::kMarketing:
      return "marketing";
    case ConsentRule::kExplicit:
      return "explicit";
  }
  return "none";
}

std::optional<ConsentRule> ConsentRuleFromString(const std::string& name) {
  if (name == "none") return ConsentRule::kNone;
  if (name == "marketing") return ConsentRule::kMarketing;
  if (name == "explicit") return ConsentRule::kExplicit;
  return std::nullopt;
}

bool ConsentAllows(ConsentRule rule, std::optional<bool> channel_flag,
                   std::optional<bool> marketing_flag) {
  if (channel_flag == false) return false;
  switch (rule) {
    case ConsentRule::kNone:
      return true;
    case ConsentRule::kMarketing:
      return channel_flag == true || marketing_flag == true;
    case ConsentRule::kExplicit:
      return channel_flag == true;
  }
  return false;
}

}  // namespace leadrouter::pipeline
