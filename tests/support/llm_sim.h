// LlmSim: runs tests/support/llm_sim.py (a stand-in for an OpenAI-
// compatible chat/completions server on 127.0.0.1) as a child process for
// the test's lifetime, and talks to its /_sim controls. See the script's
// docstring for what it answers and records.
// Thread rule: one object per thread; calls block until answered. Failures
// to start or to reach the stand-in throw std::runtime_error.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace leadrouter::testing {

class PythonSim;

class LlmSim {
 public:
  static constexpr char kApiKey[] = "sk-test-9d41c0b7e2a84f6b";

  explicit LlmSim(std::string api_key = kApiKey);
  ~LlmSim();  // kills the stand-in
  LlmSim(const LlmSim&) = delete;
  LlmSim& operator=(const LlmSim&) = delete;

  // "http://127.0.0.1:PORT/v1".
  std::string base_url() const;
  // An [llm] table pointing at this stand-in, the key read from
  // LEADROUTER_LLM_KEY; `extra` lines go into it.
  std::string ConfigToml(const std::string& extra = "") const;

  // Adds a rule: {"status", "times"?, "retry_after"?, "delay_ms"?,
  // "content"? | "reading"? | "refusal"? | "body"? | "raw"?,
  // "finish_reason"?}.
  void Script(const nlohmann::json& rule);
  // Every chat/completions request, in order: body, auth_ok, status, at.
  nlohmann::json Requests();
  std::string Log() const;

 private:
  std::unique_ptr<PythonSim> sim_;
};

// A reading as the model would give it.
nlohmann::json LlmReading(const std::string& intent, const std::string& segment,
                          const std::string& evidence, double confidence = 0.9);

}  // namespace leadrouter::testing
