// Reading and checking [llm]. Part of LoadConfigString.
#pragma once

#include <string>
#include <vector>

#include "bot/daemon/config.h"
#include "bot/daemon/config_reader.h"

namespace leadrouter {

// Reads [llm]: base_url (https://, or http:// for a local server), model
// (required), api_key_env (a variable name; unset in the environment is a
// warning), timeout, mode ("json_schema" | "json_object"), daily_limit,
// deadline, unsure_intents (intent names), unsure_without_evidence, the
// circuit breaker's breaker_failures and breaker_pause, ca_file.
void ReadLlm(TableReader& root, LlmConfig& out,
             std::vector<ConfigError>& warnings);

// "gpt-4o-mini at https://api.openai.com/v1 (json_schema); unsure:
// GENERAL_INQUIRY, no words named; waits 1.5 s" or "off", for check-config.
std::string SummarizeLlm(const LlmConfig& llm);

}  // namespace leadrouter
