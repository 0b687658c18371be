#include "bot/interactions/lead_actions.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "bot/routing/outbox_plan.h"
#include "bot/routing/round_robin.h"
#include "bot/follow_up/sequence_enrollment.h"
#include "bot/sla/sla_clock.h"
#include "bot/routing/assign_owner.h"
#include "bot/routing/pool_assign.h"
#include "bot/slack/mrkdwn.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::optional<int64_t> LeadIdOf(const std::string& value) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
  if (ec != std::errc() || end != value.data() + value.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

// The clicker hears back through the click's response_url when it has one
// (within a second, even in a rush of 50 clicks), else chat.postEphemeral.
void Tell(storage::JobStore& jobs, const Click& click, const std::string& text,
          SystemTime now, const Config& config) {
  EphemeralJob reply{click.channel_id, click.user_id, text};
  if (!click.response_url.empty()) reply.response_url = click.response_url;
  jobs.Enqueue(MakeJob(std::nullopt, reply, now, config),
               now);
}

bool IsManager(const Config& config, const std::string& user) {
  return std::find(config.slack.managers.begin(), config.slack.managers.end(),
                   user) != config.slack.managers.end();
}

}  // namespace

void ApplyClaim(storage::Database& db, const Click& click, SystemTime now,
                const Config& config) {
  storage::JobStore jobs(db.db());
  storage::LeadStore leads(db.db());
  const std::optional<int64_t> id = LeadIdOf(click.value);
  std::optional<storage::StoredLead> lead;
  if (id) lead = leads.Get(*id);
  if (!lead) {
    return Tell(jobs, click,
                "I can't find that lead any more, so there is nothing to "
                "claim. Ask a manager if you think this is wrong.",
                now, config);
  }
  const std::string number = "lead #" + std::to_string(lead->id);
  if (lead->owner_slack_id) {
    if (*lead->owner_slack_id == click.user_id) {
      return Tell(jobs, click,
                  "You already own " + number + "; its card is in your DMs.",
                  now, config);
    }
    return Tell(jobs, click,
                "Sorry, " + number + " is already claimed by " +
                    slack::Mention(*lead->owner_slack_id) + ".",
                now, config);
  }
  if (lead->taken_over_at) {
    return Tell(jobs, click,
                number + " is already being handled in the CRM.", now, config);
  }
  if (config.rotation.claim_requires_rotation &&
      !MayClaim(db, click.user_id, config)) {
    return Tell(jobs, click,
                "Only agents in the rotation can claim leads; ask a manager "
                "to add you with `/rotation add`.",
                now, config);
  }
  if (config.rotation.claim_requires_rotation) {
    if (const PoolConfig* pool =
            PoolRefusingClaim(config, click.channel_id, click.user_id)) {
      return Tell(jobs, click,
                  "Only members of the " + pool->name +
                      " pool can claim leads here; ask a manager if you "
                      "should be one.",
                  now, config);
    }
  }
  const auto latency = duration_cast<seconds>(now - lead->created_at);
  OwnerChange change;
  change.agent = click.user_id;
  change.only_if_unowned = true;
  change.event = storage::ClaimedEvent{click.user_id, latency.count(), click.channel_id};
  change.card_reason = "You claimed it in the shark tank " +
                       slack::FormatElapsed(latency) + " after it arrived.";
  change.update_post = true;  // re-rendered: "Claimed by @Ana in 37 s"
  if (!AssignOwner(db, *lead, change, now, config)) {
    // Lost a race inside this very transaction's view: someone else's
    // claim committed first.
    std::optional<storage::StoredLead> after = leads.Get(lead->id);
    std::string owner = after && after->owner_slack_id
                            ? slack::Mention(*after->owner_slack_id)
                            : "someone else";
    return Tell(jobs, click,
                "Sorry, " + number + " is already claimed by " + owner + ".",
                now, config);
  }
}

void ApplyMarkContacted(storage::Database& db, const Click& click,
                        SystemTime now, const Config& config) {
  storage::JobStore jobs(db.db());
  storage::LeadStore leads(db.db());
  const std::optional<int64_t> id = LeadIdOf(click.value);
  std::optional<storage::StoredLead> lead;
  if (id) lead = leads.Get(*id);
  if (!lead) {
    return Tell(jobs, click, "I can't find that lead any more.", now, config);
  }
  const std::string number = "lead #" + std::to_string(lead->id);
  const bool owner = lead->owner_slack_id == click.user_id;
  if (!owner && !IsManager(config, click.user_id)) {
    std::string who = lead->owner_slack_id
                          ? slack::Mention(*lead->owner_slack_id)
                          : "nobody yet";
    return Tell(jobs, click,
                "Only the owner of " + number + " (" + who +
                    ") can mark it contacted.",
                now, config);
  }
  if (lead->contacted_at) {
    return Tell(jobs, click, number + " was already marked contacted.", now,
                config);
  }
  leads.MarkContacted(lead->id, now);
  db.NoteMilestone({storage::LeadMilestone::Kind::kFirstContact,
                    duration_cast<milliseconds>(now - lead->created_at)});
  StopSlaClock(db, lead->id, "first contact recorded", now);
  const auto after = duration_cast<seconds>(now - lead->created_at);
  storage::Timeline(db.db()).Record(
      lead->id, now, storage::ContactedEvent{click.user_id, after.count(), "slack"});
  Tell(jobs, click,
       "Marked " + number + " as contacted, " + slack::FormatElapsed(after) +
           " after it arrived.",
       now, config);
}

}  // namespace leadrouter
