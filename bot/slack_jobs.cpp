#include "bot/slack_jobs.h"

#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include "bot/log.h"
#include "bot/outbox_plan.h"
#include "bot/slack/mrkdwn.h"
#include "bot/slack/web_api_client.h"
#include "bot/storage_writer.h"
#include "storage/database.h"
#include "storage/slack_message_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

using nlohmann::json;
using storage::SlackMessage;
using storage::StoredLead;

// A lead and where its post is, read together in one writer round trip.
struct LeadAndPost {
  std::optional<StoredLead> lead;
  std::optional<SlackMessage> post;
};

std::string PayloadString(const storage::Job& job, const char* key) {
  auto it = job.payload.find(key);
  if (it == job.payload.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// Runs `fn`; an exception becomes a retry rather than escaping onto the
// loop (where nobody would call `done`).
template <typename Fn>
void Guarded(const JobDone& done, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    done(JobOutcome::Retry(std::string("executor threw: ") + e.what()));
  }
}

std::string StringAt(const json& body, const char* key) {
  if (!body.is_object()) return "";
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

// "key: value" lines of every payload field but the title, for alerts
// whose producers attach facts rather than prose.
std::string AlertDetail(const json& payload) {
  if (payload.contains("detail") && payload["detail"].is_string()) {
    return payload["detail"].get<std::string>();
  }
  std::string out;
  for (const auto& [key, value] : payload.items()) {
    if (key == "title") continue;
    if (!out.empty()) out += "\n";
    out += key + ": " + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return out;
}

}  // namespace

slack::LeadView ViewOf(const StoredLead& lead, const Config& config,
                       std::string routing_reason) {
  slack::LeadView view;
  view.lead_id = lead.id;
  view.lead = lead.lead;
  view.received_at = lead.created_at;
  view.owner_slack_id = lead.owner_slack_id;
  if (lead.owner_slack_id && lead.claimed_at) {
    view.claim_latency = std::chrono::duration_cast<std::chrono::seconds>(
        *lead.claimed_at - lead.created_at);
  }
  view.routing_reason = std::move(routing_reason);
  view.hide_identity =
      config.slack.hide_identity_until_claimed && !lead.owner_slack_id;
  return view;
}

SlackJobs::SlackJobs(StorageWriter& writer, slack::WebApiClient& api,
                     const Config& config, const Clock& clock)
    : writer_(writer), api_(api), config_(config), clock_(clock) {}

void SlackJobs::RegisterWith(JobRunner& runner) {
  auto bind = [this](void (SlackJobs::*fn)(const storage::Job&, JobDone)) {
    return [this, fn](const storage::Job& job, JobDone done) {
      Guarded(done, [&] { (this->*fn)(job, done); });
    };
  };
  runner.Register(kJobPostSharkTank, bind(&SlackJobs::PostSharkTank));
  runner.Register(kJobUpdateLeadPost, bind(&SlackJobs::UpdateLeadPost));
  runner.Register(kJobDmLeadCard, bind(&SlackJobs::DmLeadCard));
  runner.Register(kJobEphemeral, bind(&SlackJobs::Ephemeral));
  runner.Register(kJobDmNote, bind(&SlackJobs::DmNote));
  runner.Register(kJobThreadNote, bind(&SlackJobs::ThreadNote));
  runner.Register(kJobPostTriage, bind(&SlackJobs::PostTriage));
  runner.Register(kJobOpsAlert, bind(&SlackJobs::OpsAlert));
}

void SlackJobs::Remember(int64_t lead_id, const std::string& channel,
                         const std::string& ts, const std::string& kind,
                         JobDone done) {
  SystemTime now = clock_.Now();
  writer_.Submit(
      [=](storage::Database& db) {
        storage::SlackMessageStore(db.db()).Record(lead_id, channel, ts, kind,
                                                   now);
        storage::Timeline(db.db()).Append(
            lead_id, now, "slack_posted",
            {{"kind", kind}, {"channel", channel}, {"ts", ts}});
      },
      [=](const std::string& error) {
        // The message is out; posting it again would be worse than losing
        // the ability to update it.
        if (!error.empty()) {
          logging::Error("slack.remember_failed",
                         {{"lead_id", lead_id}, {"kind", kind}, {"error", error}});
        }
        done(JobOutcome::Done());
      });
}

void SlackJobs::PostAndRemember(int64_t lead_id, const std::string& channel,
                                nlohmann::json message, const std::string& kind,
                                JobDone done) {
  api_.PostMessage(channel, std::move(message),
                   [this, lead_id, channel, kind, done](slack::ApiResult res) {
                     if (!res.ok) return done(slack::ToJobOutcome(res));
                     // Slack names the channel it posted to (a DM's id for
                     // a user); fall back to the one we asked for.
                     std::string where = StringAt(res.body, "channel");
                     Remember(lead_id, where.empty() ? channel : where,
                              StringAt(res.body, "ts"), kind, done);
                   });
}

void SlackJobs::OpenDm(const std::string& agent, JobDone done,
                       std::function<void(const std::string&)> then) {
  api_.OpenConversation(agent, [done, then = std::move(then)](slack::ApiResult opened) {
    if (!opened.ok) return done(slack::ToJobOutcome(opened));
    std::string channel;
    if (opened.body.contains("channel")) {
      channel = StringAt(opened.body["channel"], "id");
    }
    if (channel.empty()) {
      return done(JobOutcome::Retry("conversations.open returned no channel"));
    }
    then(channel);
  });
}

void SlackJobs::PostSharkTank(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  // A pool's post goes to the pool's channel and says which route sent it.
  std::string channel = PayloadString(job, "channel");
  if (channel.empty()) channel = config_.slack.shark_tank_channel;
  const std::string route_reason =
      PayloadString(job, "pool").empty() ? "" : PayloadString(job, "reason");
  writer_.Call<LeadAndPost>(
      [id](storage::Database& db) {
        return LeadAndPost{storage::LeadStore(db.db()).Get(id),
                           storage::SlackMessageStore(db.db()).Latest(
                               id, storage::kMessageSharkTank)};
      },
      [this, id, done, channel, route_reason](Result<LeadAndPost> r) {
        Guarded(done, [&] {
          if (!r.ok()) return done(JobOutcome::Retry(r.status().message()));
          if (!r->lead) return done(JobOutcome::Fail("no lead " + std::to_string(id)));
          if (r->post) return done(JobOutcome::Done());  // posted before a crash
          if (r->lead->taken_over_at) return done(JobOutcome::Done());
          if (channel.empty()) {
            return done(JobOutcome::Fail("slack.shark_tank_channel is not set"));
          }
          slack::LeadView view = ViewOf(*r->lead, config_);
          json message;
          if (r->lead->owner_slack_id) {
            // Slack was away long enough for the lead to be owned already.
            view.status_line = "Assigned to " + slack::Mention(*r->lead->owner_slack_id);
            message = slack::ClaimedPost(view, clock_.Now());
          } else {
            message = slack::SharkTankPost(view, clock_.Now());
          }
          if (!route_reason.empty() && message.contains("blocks")) {
            message["blocks"].push_back(
                json{{"type", "context"},
                     {"elements",
                      json::array({json{
                          {"type", "mrkdwn"},
                          {"text", "Why here: " + slack::EscapeAndTruncate(
                                                      route_reason, 1000)}}})}});
          }
          PostAndRemember(id, channel, std::move(message),
                          storage::kMessageSharkTank, done);
        });
      });
}

void SlackJobs::UpdateLeadPost(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  std::string status_line = PayloadString(job, "status_line");
  writer_.Call<LeadAndPost>(
      [id](storage::Database& db) {
        return LeadAndPost{storage::LeadStore(db.db()).Get(id),
                           storage::SlackMessageStore(db.db()).Latest(
                               id, storage::kMessageSharkTank)};
      },
      [this, id, status_line, done](Result<LeadAndPost> r) {
        Guarded(done, [&] {
          if (!r.ok()) return done(JobOutcome::Retry(r.status().message()));
          if (!r->lead) return done(JobOutcome::Fail("no lead " + std::to_string(id)));
          // Not posted (yet): the post job renders the current state itself.
          if (!r->post) return done(JobOutcome::Done());
          slack::LeadView view = ViewOf(*r->lead, config_);
          view.status_line = status_line;
          api_.Update(r->post->channel, r->post->ts,
                      slack::ClaimedPost(view, clock_.Now()),
                      [done](slack::ApiResult res) { done(slack::ToJobOutcome(res)); });
        });
      });
}

void SlackJobs::DmLeadCard(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  const std::string agent = PayloadString(job, "agent");
  const std::string reason = PayloadString(job, "reason");
  if (agent.empty()) return done(JobOutcome::Fail("dm_lead_card needs an agent"));
  writer_.Call<std::optional<StoredLead>>(
      [id](storage::Database& db) { return storage::LeadStore(db.db()).Get(id); },
      [this, id, agent, reason, done](Result<std::optional<StoredLead>> r) {
        Guarded(done, [&] {
          if (!r.ok()) return done(JobOutcome::Retry(r.status().message()));
          if (!r.value()) return done(JobOutcome::Fail("no lead " + std::to_string(id)));
          auto card = std::make_shared<json>(
              slack::LeadCardDm(ViewOf(*r.value(), config_, reason), clock_.Now()));
          OpenDm(agent, done, [this, id, card, done](const std::string& channel) {
            PostAndRemember(id, channel, std::move(*card), storage::kMessageDm,
                            done);
          });
        });
      });
}

void SlackJobs::Ephemeral(const storage::Job& job, JobDone done) {
  const std::string channel = PayloadString(job, "channel");
  const std::string user = PayloadString(job, "user");
  const std::string text = PayloadString(job, "text");
  if (channel.empty() || text.empty()) {
    return done(JobOutcome::Fail("ephemeral needs a channel and a text"));
  }
  auto finish = [done](slack::ApiResult res) { done(slack::ToJobOutcome(res)); };
  nlohmann::json message = slack::Ephemeral(text);
  // Blocks a handler built (buttons, say); `text` stays the fallback.
  auto blocks = job.payload.find("blocks");
  if (blocks != job.payload.end() && blocks->is_array() && !blocks->empty()) {
    message["blocks"] = *blocks;
  }
  if (job.payload.value("in_channel", false) || user.empty()) {
    api_.PostMessage(channel, std::move(message), finish);
  } else {
    api_.PostEphemeral(channel, user, std::move(message), finish);
  }
}

void SlackJobs::DmNote(const storage::Job& job, JobDone done) {
  const std::string agent = PayloadString(job, "agent");
  const std::string text = PayloadString(job, "text");
  if (agent.empty() || text.empty()) {
    return done(JobOutcome::Fail("dm_note needs an agent and a text"));
  }
  OpenDm(agent, done, [this, text, done](const std::string& channel) {
    api_.PostMessage(channel, slack::ThreadNote(text),
                     [done](slack::ApiResult res) { done(slack::ToJobOutcome(res)); });
  });
}

void SlackJobs::ThreadNote(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  const std::string text = PayloadString(job, "text");
  if (text.empty()) return done(JobOutcome::Fail("thread_note needs a text"));
  writer_.Call<std::optional<SlackMessage>>(
      [id](storage::Database& db) {
        return storage::SlackMessageStore(db.db()).ThreadAnchor(id);
      },
      [this, id, text, done](Result<std::optional<SlackMessage>> r) {
        Guarded(done, [&] {
          if (!r.ok()) return done(JobOutcome::Retry(r.status().message()));
          if (!r.value()) {
            // A lead that never reached Slack has no thread; its timeline
            // already holds what the note would say.
            logging::Info("slack.thread_note.no_post", {{"lead_id", id}});
            return done(JobOutcome::Done());
          }
          json note = slack::ThreadNote(text);
          note["thread_ts"] = r.value()->ts;
          api_.PostMessage(r.value()->channel, std::move(note),
                           [done](slack::ApiResult res) { done(slack::ToJobOutcome(res)); });
        });
      });
}

void SlackJobs::PostTriage(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  const std::string reason = PayloadString(job, "reason");
  writer_.Call<LeadAndPost>(
      [id](storage::Database& db) {
        return LeadAndPost{storage::LeadStore(db.db()).Get(id),
                           storage::SlackMessageStore(db.db()).Latest(
                               id, storage::kMessageTriage)};
      },
      [this, id, reason, done](Result<LeadAndPost> r) {
        Guarded(done, [&] {
          if (!r.ok()) return done(JobOutcome::Retry(r.status().message()));
          if (!r->lead) return done(JobOutcome::Fail("no lead " + std::to_string(id)));
          if (r->post) return done(JobOutcome::Done());
          const std::string& channel = config_.slack.triage_channel;
          if (channel.empty()) {
            return done(JobOutcome::Fail("slack.triage_channel is not set"));
          }
          // The same card as the shark tank, Claim button included, so
          // whoever watches triage can take the lead in one click.
          json message = slack::SharkTankPost(ViewOf(*r->lead, config_), clock_.Now());
          const std::string why =
              reason.empty() ? "no agent could take it" : reason;
          // json{…}: a bare braced list here would be taken as a list of
          // elements and insert two arrays instead of one section.
          message["blocks"].insert(
              message["blocks"].begin() + 1,
              json{{"type", "section"},
                   {"text", {{"type", "mrkdwn"},
                             {"text", ":warning: *Needs an owner:* " +
                                          slack::EscapeAndTruncate(why, 1000)},
                             {"verbatim", true}}}});
          message["text"] = "Needs an owner: " + message["text"].get<std::string>();
          PostAndRemember(id, channel, std::move(message),
                          storage::kMessageTriage, done);
        });
      });
}

void SlackJobs::OpsAlert(const storage::Job& job, JobDone done) {
  const std::string& channel = config_.slack.ops_channel;
  if (channel.empty()) return done(JobOutcome::Fail("slack.ops_channel is not set"));
  std::string title = PayloadString(job, "title");
  if (title.empty()) title = "leadrouter alert";
  api_.PostMessage(channel, slack::OpsAlert(title, AlertDetail(job.payload)),
                   [done](slack::ApiResult res) { done(slack::ToJobOutcome(res)); });
}

}  // namespace leadrouter
