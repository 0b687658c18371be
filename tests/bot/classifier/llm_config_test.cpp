#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>

#include "bot/classifier/llm_config_reader.h"
#include "bot/daemon/config.h"

using leadrouter::ConfigLoad;
using leadrouter::LoadConfigString;
using leadrouter::pipeline::Intent;

namespace {

bool Has(const std::vector<leadrouter::ConfigError>& errors,
         const std::string& key, const std::string& words) {
  return std::any_of(errors.begin(), errors.end(), [&](const auto& e) {
    return e.key == key && e.message.find(words) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("llm config: every key, and the defaults", "[bot][llm][config]") {
  ::setenv("LLM_CONFIG_TEST_KEY", "sk-123", 1);
  const ConfigLoad load = LoadConfigString(R"(
[llm]
base_url = "https://api.openai.com/v1/"
model = "gpt-4o-mini"
api_key_env = "LLM_CONFIG_TEST_KEY"
timeout = "2s"
mode = "json_object"
daily_limit = 5000
deadline = "1200ms"
unsure_intents = ["GENERAL_INQUIRY", "TIRE_KICKER"]
unsure_without_evidence = false
breaker_failures = 5
breaker_pause = "2m"
)");
  REQUIRE(load.ok());
  const leadrouter::LlmConfig& l = load.config.llm;
  CHECK(l.configured());
  CHECK(l.base_url == "https://api.openai.com/v1");
  CHECK(l.model == "gpt-4o-mini");
  CHECK(l.timeout == std::chrono::seconds(2));
  CHECK(l.mode == leadrouter::LlmMode::kJsonObject);
  CHECK(l.daily_limit == 5000);
  CHECK(l.deadline == std::chrono::milliseconds(1200));
  CHECK(l.unsure_intents ==
        std::vector<Intent>{Intent::kGeneralInquiry, Intent::kTireKicker});
  CHECK_FALSE(l.unsure_without_evidence);
  CHECK(l.breaker_failures == 5);
  CHECK(leadrouter::SummarizeLlm(l).find("gpt-4o-mini") != std::string::npos);
  CHECK(leadrouter::Secrets::FromEnvironment(load.config).llm_api_key ==
        std::string("sk-123"));

  const ConfigLoad plain = LoadConfigString(
      "[llm]\nbase_url = \"http://127.0.0.1:8081/v1\"\nmodel = \"llama\"\n");
  REQUIRE(plain.ok());
  CHECK(plain.config.llm.timeout == std::chrono::seconds(3));
  CHECK(plain.config.llm.deadline == std::chrono::milliseconds(1500));
  CHECK(plain.config.llm.mode == leadrouter::LlmMode::kJsonSchema);
  CHECK(plain.config.llm.unsure_intents ==
        std::vector<Intent>{Intent::kGeneralInquiry});
  CHECK(plain.config.llm.unsure_without_evidence);
}

TEST_CASE("llm config: errors name the key", "[bot][llm][config]") {
  const ConfigLoad load = LoadConfigString(R"(
[llm]
base_url = "ftp://models.example.com"
mode = "yaml"
unsure_intents = ["MAYBE"]
timeout = "0s"
colour = "blue"
)");
  CHECK_FALSE(load.ok());
  CHECK(Has(load.errors, "llm.base_url", "https://"));
  CHECK(Has(load.errors, "llm.model", "required"));
  CHECK(Has(load.errors, "llm.mode", "json_schema"));
  CHECK(Has(load.errors, "llm.unsure_intents", "\"MAYBE\" is not an intent"));
  CHECK(Has(load.errors, "llm.timeout", "longer than 0s"));
  CHECK(Has(load.errors, "llm.colour", "unknown key"));
}

TEST_CASE("llm config: an unset key variable is a warning, no llm table is off",
          "[bot][llm][config]") {
  ::unsetenv("LLM_CONFIG_TEST_UNSET");
  const ConfigLoad load = LoadConfigString(
      "[llm]\nbase_url = \"https://x.example/v1\"\nmodel = \"m\"\n"
      "api_key_env = \"LLM_CONFIG_TEST_UNSET\"\n");
  REQUIRE(load.ok());
  CHECK(Has(load.warnings, "llm.api_key_env", "LLM_CONFIG_TEST_UNSET"));
  const ConfigLoad none = LoadConfigString("");
  CHECK_FALSE(none.config.llm.configured());
  CHECK(leadrouter::SummarizeLlm(none.config.llm) == "off");
}
