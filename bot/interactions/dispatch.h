// EnvelopeDispatcher: where an acknowledged Socket Mode envelope goes. One
// static table maps block_actions action ids and slash commands to their
// handlers (bot/interactions/*); each handler runs on the storage writer in one
// transaction, and the job runner is woken after the commit so the Slack
// effects it wrote go out at once. Unknown types, actions and commands are
// reported as not handled (the connection logs them at debug level).
// Thread rule: loop thread only.
#pragma once

#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/slack/envelope.h"

namespace leadrouter {

class JobRunner;
class StorageWriter;

class EnvelopeDispatcher {
 public:
  // Every reference must outlive the dispatcher.
  EnvelopeDispatcher(StorageWriter& writer, JobRunner& runner,
                     const Config& config, const Clock& clock);

  // Returns whether a handler took the envelope (false: nobody handles
  // its type, action or command).
  bool Handle(const slack::Envelope& envelope);

 private:
  bool HandleInteractive(const nlohmann::json& payload);
  bool HandleSlashCommand(const nlohmann::json& payload);
  // After a handler failed: an ephemeral "that failed, nothing changed".
  void TellFailed(const std::string& channel, const std::string& user);

  StorageWriter& writer_;
  JobRunner& runner_;
  const Config& config_;
  const Clock& clock_;
};

}  // namespace leadrouter
