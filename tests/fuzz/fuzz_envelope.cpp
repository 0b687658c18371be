// Fuzzes the Socket Mode frame decoder: whatever arrives on the socket must
// parse to a value (never throw or crash), and an envelope's ack must be
// valid JSON echoing its envelope_id.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <variant>

#include "bot/slack/envelope.h"

namespace {

using namespace leadrouter::slack;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Frame frame = ParseFrame(text);
  if (const auto* envelope = std::get_if<Envelope>(&frame)) {
    Check(!envelope->envelope_id.empty());
    Check(envelope->payload.is_object());
    const nlohmann::json ack = nlohmann::json::parse(
        BuildAck(envelope->envelope_id, envelope->payload), nullptr, false);
    Check(ack.is_object() && ack["envelope_id"] == envelope->envelope_id);
  }
  return 0;
}
