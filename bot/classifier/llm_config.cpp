#include <cstdlib>

#include "bot/classifier/llm_config_reader.h"
#include "bot/daemon/duration.h"

namespace leadrouter {

void ReadLlm(TableReader& root, LlmConfig& out,
             std::vector<ConfigError>& warnings) {
  root.Table("llm", [&](TableReader& r) {
    r.String("base_url", out.base_url);
    if (out.base_url.rfind("https://", 0) != 0 &&
        out.base_url.rfind("http://", 0) != 0) {
      r.Error("base_url",
              "must start with https:// (or http:// for a local server)");
    }
    while (out.base_url.size() > 8 && out.base_url.back() == '/') {
      out.base_url.pop_back();
    }
    r.String("model", out.model);
    if (out.model.empty()) r.Error("model", "is required");
    r.String("api_key_env", out.api_key_env);
    if (!out.api_key_env.empty() &&
        std::getenv(out.api_key_env.c_str()) == nullptr) {
      warnings.push_back({r.Path("api_key_env"),
                          out.api_key_env +
                              " is not set in the environment: requests go "
                              "without an API key",
                          0});
    }
    r.String("ca_file", out.ca_file);
    r.Duration("timeout", out.timeout);
    if (out.timeout <= std::chrono::milliseconds(0)) {
      r.Error("timeout", "must be longer than 0s");
    }
    std::string mode = "json_schema";
    r.String("mode", mode);
    if (mode == "json_schema") {
      out.mode = LlmMode::kJsonSchema;
    } else if (mode == "json_object") {
      out.mode = LlmMode::kJsonObject;
    } else {
      r.Error("mode", "must be \"json_schema\" or \"json_object\"");
    }
    r.Integer("daily_limit", out.daily_limit, 0, 100000000);
    r.Duration("deadline", out.deadline);
    if (out.deadline < std::chrono::milliseconds(0)) {
      r.Error("deadline", "must not be negative");
    }
    std::vector<std::string> unsure;
    for (pipeline::Intent i : out.unsure_intents) {
      unsure.push_back(pipeline::ToString(i));
    }
    r.StringList("unsure_intents", unsure);
    out.unsure_intents.clear();
    for (const std::string& name : unsure) {
      auto intent = pipeline::IntentFromString(name);
      if (!intent) {
        r.Error("unsure_intents",
                "\"" + name +
                    "\" is not an intent (URGENT_BUYER, GENERAL_INQUIRY, "
                    "TIRE_KICKER, SUPPORT_REQUEST, SPAM)");
      } else {
        out.unsure_intents.push_back(*intent);
      }
    }
    r.Bool("unsure_without_evidence", out.unsure_without_evidence);
    r.Integer("breaker_failures", out.breaker_failures, 1, 1000);
    r.Duration("breaker_pause", out.breaker_pause);
  });
}

std::string SummarizeLlm(const LlmConfig& llm) {
  if (!llm.configured()) return "off";
  std::string out = llm.model + " at " + llm.base_url + " (" +
                    (llm.mode == LlmMode::kJsonSchema ? "json_schema"
                                                      : "json_object") +
                    "); unsure:";
  for (pipeline::Intent i : llm.unsure_intents) {
    out += " " + pipeline::ToString(i);
  }
  if (llm.unsure_without_evidence) out += ", no words named";
  out += "; waits at most " + FormatDuration(llm.deadline) + ", timeout " +
         FormatDuration(llm.timeout);
  if (llm.daily_limit > 0) {
    out += ", " + std::to_string(llm.daily_limit) + " calls a day";
  }
  return out;
}

}  // namespace leadrouter
