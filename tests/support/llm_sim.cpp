#include "tests/support/llm_sim.h"

#include "tests/support/python_sim.h"

namespace leadrouter::testing {

LlmSim::LlmSim(std::string api_key)
    : sim_(std::make_unique<PythonSim>(
          "llm_sim.py", std::vector<std::string>{"--api-key", api_key})) {}

LlmSim::~LlmSim() = default;

std::string LlmSim::base_url() const { return sim_->origin() + "/v1"; }

std::string LlmSim::ConfigToml(const std::string& extra) const {
  return "[llm]\n"
         "base_url = \"" +
         base_url() +
         "\"\n"
         "model = \"sim-model-1\"\n"
         "api_key_env = \"LEADROUTER_LLM_KEY\"\n" +
         extra + "\n";
}

void LlmSim::Script(const nlohmann::json& rule) {
  sim_->Post("/_sim/script", rule);
}
nlohmann::json LlmSim::Requests() { return sim_->Get("/_sim/requests"); }
std::string LlmSim::Log() const { return sim_->Log(); }

nlohmann::json LlmReading(const std::string& intent, const std::string& segment,
                          const std::string& evidence, double confidence) {
  return {{"intent", intent},
          {"segment", segment.empty() ? nlohmann::json(nullptr)
                                      : nlohmann::json(segment)},
          {"lead_type", "buyer"},
          {"confidence", confidence},
          {"evidence", evidence}};
}

}  // namespace leadrouter::testing
