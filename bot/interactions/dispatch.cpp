#include "bot/interactions/dispatch.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "bot/interactions/dlq_actions.h"
#include "bot/interactions/dlq_email_replay.h"
#include "bot/interactions/lead_actions.h"
#include "bot/interactions/slash_command.h"
#include "bot/interactions/slash_leads.h"
#include "bot/interactions/slash_rotation.h"
#include "bot/runtime/job_runner.h"
#include "bot/daemon/log.h"
#include "bot/routing/outbox_plan.h"
#include "bot/interactions/route_commands.h"
#include "bot/slack/block_kit.h"
#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/job_store.h"

namespace leadrouter {
namespace {

using nlohmann::json;

using ActionHandler = void (*)(storage::Database&, const Click&, SystemTime,
                               const Config&);
using CommandHandler = SlashReply (*)(storage::Database&, const SlashCommand&,
                                      SystemTime, const Config&);

const std::map<std::string_view, ActionHandler>& Actions() {
  static const std::map<std::string_view, ActionHandler> kActions = {
      {slack::kClaimActionId, &ApplyClaim},
      {slack::kMarkContactedActionId, &ApplyMarkContacted},
      {slack::kDlqReplayActionId, &ApplyDlqReplay},
      {slack::kDlqDropActionId, &ApplyDlqDrop},
      {slack::kDlqEmailReplayActionId, &ApplyDlqEmailReplay},
  };
  return kActions;
}

const std::map<std::string_view, CommandHandler>& Commands() {
  static const std::map<std::string_view, CommandHandler> kCommands = {
      {"/rotation", &RunRotationCommand},
      {"/leads", &RunLeadsCommand},
      {"/routes", &RunRoutesCommand},
  };
  return kCommands;
}

std::string Str(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

EnvelopeDispatcher::EnvelopeDispatcher(StorageWriter& writer, JobRunner& runner,
                                       const Config& config, const Clock& clock)
    : writer_(writer), runner_(runner), config_(config), clock_(clock) {}

bool EnvelopeDispatcher::Handle(const slack::Envelope& envelope) {
  try {
    switch (envelope.type) {
      case slack::EnvelopeType::kInteractive:
        return HandleInteractive(envelope.payload);
      case slack::EnvelopeType::kSlashCommands:
        return HandleSlashCommand(envelope.payload);
      case slack::EnvelopeType::kEventsApi:
        return false;
    }
  } catch (const std::exception& e) {
    // A malformed payload must never take the loop down.
    logging::Error("slack.dispatch_failed",
                   {{"envelope_id", envelope.envelope_id}, {"error", e.what()}});
    return true;
  }
  return false;
}

bool EnvelopeDispatcher::HandleInteractive(const json& payload) {
  if (Str(payload, "type") != "block_actions") return false;
  Click base;
  base.user_id = payload.contains("user") ? Str(payload["user"], "id") : "";
  if (payload.contains("container")) {
    base.channel_id = Str(payload["container"], "channel_id");
    base.message_ts = Str(payload["container"], "message_ts");
  }
  if (base.channel_id.empty() && payload.contains("channel")) {
    base.channel_id = Str(payload["channel"], "id");
  }
  base.response_url = Str(payload, "response_url");
  if (!payload.contains("actions") || !payload["actions"].is_array()) {
    return false;
  }
  bool handled = false;
  for (const json& action : payload["actions"]) {
    const std::string action_id = Str(action, "action_id");
    auto it = Actions().find(action_id);
    if (it == Actions().end()) {
      logging::Debug("slack.action.ignored", {{"action_id", action_id}});
      continue;
    }
    handled = true;
    Click click = base;
    click.value = Str(action, "value");
    ActionHandler handler = it->second;
    const SystemTime now = clock_.Now();
    const Config& config = config_;
    writer_.Submit(
        [handler, click, now, &config](storage::Database& db) {
          handler(db, click, now, config);
        },
        [this, action_id, click](const std::string& error) {
          if (!error.empty()) {
            logging::Error("slack.action_failed",
                           {{"action_id", action_id}, {"user", click.user_id},
                            {"error", error}});
            TellFailed(click.channel_id, click.user_id);
            return;
          }
          logging::Info("slack.action", {{"action_id", action_id},
                                         {"user", click.user_id},
                                         {"value", click.value}});
          runner_.Wake();
        });
  }
  return handled;
}

void EnvelopeDispatcher::TellFailed(const std::string& channel,
                                    const std::string& user) {
  // The handler's transaction rolled back; the user still hears of it, in
  // a transaction of its own.
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  writer_.Submit(
      [channel, user, now, &config](storage::Database& db) {
        storage::JobStore(db.db()).Enqueue(
            MakeJob(std::nullopt,
                    EphemeralJob{channel, user,
                                 "Sorry, that failed and nothing was changed. "
                                 "Please try again."},
                    now, config),
            now);
      },
      [this](const std::string& e) {
        if (e.empty()) runner_.Wake();
      });
}

bool EnvelopeDispatcher::HandleSlashCommand(const json& payload) {
  SlashCommand cmd;
  cmd.command = Str(payload, "command");
  cmd.text = Str(payload, "text");
  cmd.user_id = Str(payload, "user_id");
  cmd.channel_id = Str(payload, "channel_id");
  cmd.is_manager = std::find(config_.slack.managers.begin(),
                             config_.slack.managers.end(),
                             cmd.user_id) != config_.slack.managers.end();
  auto it = Commands().find(cmd.command);
  if (it == Commands().end()) return false;
  CommandHandler handler = it->second;
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  auto reply = [cmd, now, &config](storage::Database& db, const SlashReply& r) {
    EphemeralJob answer{cmd.channel_id, cmd.user_id, r.text, r.in_channel,
                        r.blocks};
    storage::JobStore(db.db()).Enqueue(
        MakeJob(std::nullopt, answer, now, config), now);
  };
  writer_.Submit(
      [handler, cmd, now, &config, reply](storage::Database& db) {
        reply(db, handler(db, cmd, now, config));
      },
      [this, cmd](const std::string& error) {
        if (error.empty()) {
          logging::Info("slack.command",
                        {{"command", cmd.command}, {"user", cmd.user_id}});
          runner_.Wake();
          return;
        }
        logging::Error("slack.command_failed",
                       {{"command", cmd.command}, {"error", error}});
        TellFailed(cmd.channel_id, cmd.user_id);
      });
  return true;
}

}  // namespace leadrouter
