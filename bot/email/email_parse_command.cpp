#include "bot/email/email_parse_command.h"

#include "pipeline/email_lead.h"

namespace leadrouter {

int RunEmailParse(const Config& config, std::string_view raw,
                  std::chrono::system_clock::time_point now, std::ostream& out) {
  auto result = pipeline::ProcessEmail(raw, config.inbound_email.rules, config.rules, now);
  if (!result.ok()) {
    out << nlohmann::json{{"error", result.status().message()},
                          {"field", result.status().field()}}.dump(2)
        << "\n";
    return kExitNotAMessage;
  }
  out << pipeline::ToJson(result.value()).dump(2) << "\n";
  return 0;
}

}  // namespace leadrouter
