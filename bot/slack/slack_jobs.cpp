#include "bot/slack/slack_jobs.h"

#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>
#include <utility>

#include "bot/daemon/log.h"
#include "bot/metrics/metrics.h"
#include "bot/ops/ops_alerts.h"
#include "bot/ops/slack_outage_alert.h"
#include "bot/routing/outbox_plan.h"
#include "bot/slack/mrkdwn.h"
#include "bot/slack/web_api_client.h"
#include "bot/runtime/storage_writer.h"
#include "pipeline/enrichment_facts.h"
#include "pipeline/market.h"
#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/dm_channel_store.h"
#include "storage/enrichment_store.h"
#include "storage/job_post_store.h"
#include "storage/lead_store.h"
#include "storage/slack_message_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

using nlohmann::json;
using storage::SlackMessage;
using storage::StoredLead;

// What warming the DM channels at start needs: the channels kept from
// before and the agents who may get a DM.
struct DmWarmup {
  std::map<std::string, std::string> known;
  std::vector<std::string> agents;
};

// A lead and where its post is, read together in one writer round trip.
struct LeadAndPost {
  std::optional<StoredLead> lead;
  std::optional<SlackMessage> post;
};

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

// The alert's detail or, for alerts whose producers attach facts rather
// than prose, "key: value" lines of every stored field but the title.
std::string AlertDetail(const OpsAlertJob& alert) {
  if (alert.detail) return *alert.detail;
  std::string out;
  for (const auto& [key, value] : Encode(alert).items()) {
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
  view.enrichment_line = pipeline::EnrichmentLine(
      lead.lead, pipeline::MedianFor(lead.lead, config.rules));
  return view;
}

SlackJobs::SlackJobs(StorageWriter& writer, slack::WebApiClient& api,
                     const Config& config, const Clock& clock)
    : writer_(writer),
      api_(api),
      config_(config),
      clock_(clock),
      dm_channels_(
          [&api](const std::string& user, slack::ApiCallback done) {
            api.OpenConversation(user, std::move(done));
          },
          [this](const std::string& user, const std::string& channel) {
            KeepDmChannel(user, channel);
          }),
      poster_(writer, api, clock),
      prepared_(std::make_shared<Prepared>()) {}

struct SlackJobs::Prepared {
  std::mutex mu;
  // By job id. An entry whose commit failed is never taken; the map is
  // small and such failures rare, so it is only bounded, by kMaxEntries.
  std::map<int64_t, std::pair<std::optional<StoredLead>, std::optional<SlackMessage>>>
      by_job;  // GUARDED_BY(mu)
  static constexpr size_t kMaxEntries = 4096;
};

void SlackJobs::RegisterWith(JobRunner& runner) {
  auto bind = [this](void (SlackJobs::*fn)(const storage::Job&, JobDone)) {
    return [this, fn](const storage::Job& job, JobDone done) {
      Guarded(done, [&] { (this->*fn)(job, done); });
    };
  };
  // Kinds that post through the OncePoster record their intent when they
  // are handed over, so their first run posts without a commit of its own.
  const JobHandOverStep intent = &slack::OncePoster::RecordIntent;
  // The shark-tank post also reads its lead there: its first run goes to
  // Slack without a round trip to the writer.
  runner.Register(
      kJobPostSharkTank, bind(&SlackJobs::PostSharkTank),
      [prepared = prepared_](storage::Database& db, const storage::Job& job, SystemTime now) {
        slack::OncePoster::RecordIntent(db, job, now);
        if (!job.lead_id) return;
        auto lead = storage::LeadStore(db.db()).Get(*job.lead_id);
        auto post = storage::SlackMessageStore(db.db()).Latest(*job.lead_id,
                                                               storage::kMessageSharkTank);
        std::lock_guard<std::mutex> lock(prepared->mu);
        if (prepared->by_job.size() >= Prepared::kMaxEntries) prepared->by_job.clear();
        prepared->by_job[job.id] = {std::move(lead), std::move(post)};
      });
  runner.Register(kJobUpdateLeadPost, bind(&SlackJobs::UpdateLeadPost));
  runner.Register(kJobDmLeadCard, bind(&SlackJobs::DmLeadCard), intent);
  runner.Register(kJobRefreshLeadCard, bind(&SlackJobs::RefreshLeadCard));
  runner.Register(kJobEphemeral, bind(&SlackJobs::Ephemeral), intent);
  runner.Register(kJobDmNote, bind(&SlackJobs::DmNote), intent);
  runner.Register(kJobThreadNote, bind(&SlackJobs::ThreadNote), intent);
  runner.Register(kJobPostTriage, bind(&SlackJobs::PostTriage), intent);
  runner.Register(kJobOpsAlert, bind(&SlackJobs::OpsAlert), intent);
  runner.CountParkedWith([this] { return api_.waiting() + dm_channels_.waiting(); });
  api_.OnLaneWait([&runner] { runner.Wake(); });
  poster_.LogScopes();
  WarmDmChannels();
}

void SlackJobs::WarmDmChannels() {
  writer_.Call<DmWarmup>(
      [](storage::Database& db) {
        DmWarmup w;
        w.known = storage::DmChannelStore(db.db()).All();
        for (const storage::Agent& a : storage::AgentStore(db.db()).List()) {
          if (a.active) w.agents.push_back(a.slack_id);
        }
        return w;
      },
      [this](Result<DmWarmup> read) {
        if (!read.ok()) {
          // Not fatal: each DM opens its channel when it needs it.
          logging::Warn("slack.dm_warmup_failed", {{"error", read.status().message()}});
          return;
        }
        const DmWarmup& w = read.value();
        dm_channels_.Seed(w.known);
        size_t opening = 0;
        for (const std::string& agent : w.agents) {
          if (w.known.count(agent) > 0) continue;
          dm_channels_.Warm(agent);
          ++opening;
        }
        logging::Info("slack.dm_warmup", {{"known", w.known.size()}, {"opening", opening}});
      });
}

void SlackJobs::KeepDmChannel(const std::string& user, const std::string& channel) {
  const SystemTime now = clock_.Now();
  writer_.Submit(
      [user, channel, now](storage::Database& db) {
        storage::DmChannelStore store(db.db());
        if (channel.empty()) {
          store.Remove(user);
        } else {
          store.Put(user, channel, now);
        }
      },
      [user](const std::string& error) {
        // The channel is still known in memory; a restart opens it again.
        if (!error.empty()) {
          logging::Warn("slack.dm_channel_not_kept", {{"user", user}, {"error", error}});
        }
      });
}

void SlackJobs::PostAndRemember(const storage::Job& job, int64_t lead_id,
                                const std::string& channel, nlohmann::json message,
                                const std::string& kind, JobDone done) {
  poster_.Post(
      job.id, channel, std::move(message),
      [lead_id, kind](storage::Database& db, const std::string& where,
                      const std::string& ts, SystemTime now) {
        storage::SlackMessageStore messages(db.db());
        // A lead's first message in Slack ends its wait: intake to Slack.
        if (!messages.ThreadAnchor(lead_id)) {
          if (auto created = storage::LeadStore(db.db()).CreatedAt(lead_id)) {
            metrics::Global().ObserveIntakeToSlack(
                std::chrono::duration<double>(now - *created).count());
          }
        }
        messages.Record(lead_id, where, ts, kind, now);
        storage::Timeline(db.db()).Record(lead_id, now,
                                          storage::SlackPostedEvent{kind, where, ts});
      },
      std::move(done), job.handed_over);
}

void SlackJobs::PostOnce(const storage::Job& job, const std::string& channel,
                         nlohmann::json message, JobDone done) {
  poster_.Post(job.id, channel, std::move(message), nullptr, std::move(done),
               job.handed_over);
}

void SlackJobs::OpenDm(const std::string& agent, JobDone done,
                       std::function<void(const std::string&)> then) {
  dm_channels_.Get(agent, [done, then = std::move(then)](
                              const std::string& channel, const slack::ApiResult& opened) {
    if (channel.empty()) return done(slack::ToJobOutcome(opened));
    then(channel);
  });
}

void SlackJobs::PostSharkTank(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  if (job.handed_over) {
    std::unique_lock<std::mutex> lock(prepared_->mu);
    auto it = prepared_->by_job.find(job.id);
    if (it != prepared_->by_job.end()) {
      auto [lead, posted] = std::move(it->second);
      prepared_->by_job.erase(it);
      lock.unlock();
      return PostSharkTankOf(job, std::move(lead), std::move(posted), done);
    }
  }
  writer_.Call<LeadAndPost>(
      [id](storage::Database& db) {
        return LeadAndPost{storage::LeadStore(db.db()).Get(id),
                           storage::SlackMessageStore(db.db()).Latest(
                               id, storage::kMessageSharkTank)};
      },
      [this, job, done](Result<LeadAndPost> r) {
        Guarded(done, [&] {
          if (!r.ok()) return done(JobOutcome::Retry(r.status().message()));
          PostSharkTankOf(job, std::move(r->lead), std::move(r->post), done);
        });
      });
}

void SlackJobs::PostSharkTankOf(const storage::Job& job, std::optional<StoredLead> lead,
                                std::optional<SlackMessage> posted, JobDone done) {
  const int64_t id = *job.lead_id;
  // A pool's post goes to the pool's channel and says which route sent it.
  const PostSharkTankJob post = Decode<PostSharkTankJob>(job.payload);
  const std::string channel =
      post.channel.empty() ? config_.slack.shark_tank_channel : post.channel;
  const std::string route_reason = post.pool.empty() ? "" : post.reason;
  const LeadAndPost both{std::move(lead), std::move(posted)};
  const LeadAndPost* r = &both;
  Guarded(done, [&] {
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
    PostAndRemember(job, id, channel, std::move(message),
                    storage::kMessageSharkTank, done);
  });
}

void SlackJobs::UpdateLeadPost(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  std::string status_line = Decode<UpdateLeadPostJob>(job.payload).status_line;
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

void SlackJobs::RefreshLeadCard(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  struct Cards {
    std::optional<StoredLead> lead;
    std::optional<SlackMessage> post;
    std::optional<SlackMessage> dm;
    std::string dm_reason;  // the owner's "why you", as the DM first said
  };
  writer_.Call<Cards>(
      [id](storage::Database& db) {
        Cards c{storage::LeadStore(db.db()).Get(id),
                storage::SlackMessageStore(db.db()).Latest(id, storage::kMessageSharkTank),
                storage::SlackMessageStore(db.db()).Latest(id, storage::kMessageDm),
                storage::EnrichmentStore(db.db()).LatestCardReason(id)};
        return c;
      },
      [this, id, done](Result<Cards> r) {
        Guarded(done, [&] {
          if (!r.ok()) return done(JobOutcome::Retry(r.status().message()));
          if (!r->lead) return done(JobOutcome::Fail("no lead " + std::to_string(id)));
          const SystemTime now = clock_.Now();
          // Messages not sent yet render the lead as it is when they go.
          std::vector<std::pair<SlackMessage, json>> updates;
          if (r->post) {
            slack::LeadView view = ViewOf(*r->lead, config_);
            updates.emplace_back(*r->post, r->lead->owner_slack_id
                                               ? slack::ClaimedPost(view, now)
                                               : slack::SharkTankPost(view, now));
          }
          if (r->dm) {
            updates.emplace_back(
                *r->dm, slack::LeadCardDm(ViewOf(*r->lead, config_, r->dm_reason), now));
          }
          UpdateEach(std::make_shared<std::vector<std::pair<SlackMessage, json>>>(
                         std::move(updates)),
                     0, done);
        });
      });
}

void SlackJobs::UpdateEach(
    std::shared_ptr<std::vector<std::pair<SlackMessage, json>>> updates,
    size_t next, JobDone done) {
  if (next >= updates->size()) return done(JobOutcome::Done());
  const auto& [message, body] = (*updates)[next];
  api_.Update(message.channel, message.ts, body,
              [this, updates, next, done](slack::ApiResult res) {
                if (!res.ok) return done(slack::ToJobOutcome(res));
                UpdateEach(updates, next + 1, done);
              });
}

void SlackJobs::DmLeadCard(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  const DmLeadCardJob card_job = Decode<DmLeadCardJob>(job.payload);
  const std::string& agent = card_job.agent;
  const std::string& reason = card_job.reason;
  if (agent.empty()) return done(JobOutcome::Fail("dm_lead_card needs an agent"));
  struct LeadAndDm {
    std::optional<StoredLead> lead;
    bool sent = false;  // this job's DM is recorded: it went out before a crash
  };
  const int64_t job_id = job.id;
  writer_.Call<LeadAndDm>(
      [id, job_id](storage::Database& db) {
        auto post = storage::JobPostStore(db.db()).Get(job_id);
        return LeadAndDm{storage::LeadStore(db.db()).Get(id), post && post->posted()};
      },
      [this, job, id, agent, reason, done](Result<LeadAndDm> r) {
        Guarded(done, [&] {
          if (!r.ok()) return done(JobOutcome::Retry(r.status().message()));
          if (r->sent) return done(JobOutcome::Done());
          if (!r->lead) return done(JobOutcome::Fail("no lead " + std::to_string(id)));
          auto card = std::make_shared<json>(
              slack::LeadCardDm(ViewOf(*r->lead, config_, reason), clock_.Now()));
          // A DM channel that stopped working is opened afresh next time.
          JobDone finish = [this, agent, done](JobOutcome outcome) {
            if (outcome.error.find("channel_not_found") != std::string::npos) {
              dm_channels_.Forget(agent);
            }
            done(std::move(outcome));
          };
          OpenDm(agent, finish, [this, job, id, card, finish](const std::string& channel) {
            PostAndRemember(job, id, channel, std::move(*card), storage::kMessageDm,
                            finish);
          });
        });
      });
}

void SlackJobs::Ephemeral(const storage::Job& job, JobDone done) {
  const EphemeralJob reply = Decode<EphemeralJob>(job.payload);
  const std::string& channel = reply.channel;
  const std::string& user = reply.user;
  const std::string& text = reply.text;
  if (channel.empty() || text.empty()) {
    return done(JobOutcome::Fail("ephemeral needs a channel and a text"));
  }
  auto finish = [done](slack::ApiResult res) { done(slack::ToJobOutcome(res)); };
  nlohmann::json message = slack::Ephemeral(text);
  // Blocks a handler built (buttons, say); `text` stays the fallback.
  if (reply.blocks) message["blocks"] = *reply.blocks;
  if (reply.in_channel || user.empty()) {
    return PostOnce(job, channel, std::move(message), done);
  }
  if (!reply.response_url) {
    return api_.PostEphemeral(channel, user, std::move(message), finish);
  }
  // The response_url answers at once; chat.postEphemeral waits its Tier 4
  // turn, so it is only the fallback (an expired or refused URL).
  api_.RespondEphemeral(
      *reply.response_url, message,
      [this, channel, user, message, finish, id = job.id](slack::ApiResult res) {
        if (res.ok) return finish(std::move(res));
        logging::Warn("slack.response_url_failed",
                      {{"job_id", id}, {"error", res.error}});
        api_.PostEphemeral(channel, user, message, finish);
      });
}

void SlackJobs::DmNote(const storage::Job& job, JobDone done) {
  const DmNoteJob note = Decode<DmNoteJob>(job.payload);
  const std::string& agent = note.agent;
  const std::string& text = note.text;
  if (agent.empty() || text.empty()) {
    return done(JobOutcome::Fail("dm_note needs an agent and a text"));
  }
  OpenDm(agent, done, [this, job, text, done](const std::string& channel) {
    PostOnce(job, channel, slack::ThreadNote(text), done);
  });
}

void SlackJobs::ThreadNote(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  const std::string text = Decode<ThreadNoteJob>(job.payload).text;
  if (text.empty()) return done(JobOutcome::Fail("thread_note needs a text"));
  writer_.Call<std::optional<SlackMessage>>(
      [id](storage::Database& db) {
        return storage::SlackMessageStore(db.db()).ThreadAnchor(id);
      },
      [this, job, id, text, done](Result<std::optional<SlackMessage>> r) {
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
          PostOnce(job, r.value()->channel, std::move(note), done);
        });
      });
}

void SlackJobs::PostTriage(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const int64_t id = *job.lead_id;
  const std::string reason = Decode<PostTriageJob>(job.payload).reason;
  writer_.Call<LeadAndPost>(
      [id](storage::Database& db) {
        return LeadAndPost{storage::LeadStore(db.db()).Get(id),
                           storage::SlackMessageStore(db.db()).Latest(
                               id, storage::kMessageTriage)};
      },
      [this, job, id, reason, done](Result<LeadAndPost> r) {
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
          std::string why = reason.empty() ? "no agent could take it" : reason;
          const pipeline::ProcessedLead& lead = r->lead->lead;
          if (lead.intent == pipeline::Intent::kSupportRequest) {
            // The header says "Support request" already: say what it
            // means here, not the route's own words again.
            why = "not a sale, so no agent was given it";
            if (!lead.intent_reasons.empty()) {
              why += " (it " + lead.intent_reasons.front().detail + ")";
            }
          }
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
          PostAndRemember(job, id, channel, std::move(message),
                          storage::kMessageTriage, done);
        });
      });
}

void SlackJobs::OpsAlert(const storage::Job& job, JobDone done) {
  const std::string& channel = config_.slack.ops_channel;
  if (channel.empty()) return done(JobOutcome::Fail("slack.ops_channel is not set"));
  const OpsAlertJob alert = Decode<OpsAlertJob>(job.payload);
  const std::string title = alert.title.empty() ? "leadrouter alert" : alert.title;
  const std::string detail = AlertDetail(alert);
  if (alert.group != kSlackConnectionGroup || alert.role != "alert") {
    return PostAlert(job, title, detail, done);
  }
  // The link's own alert: is it still true?
  const Config& config = config_;
  const SystemTime now = clock_.Now();
  writer_.Call<SlackAlertPlan>(
      [job, now, &config](storage::Database& db) {
        return PlanSlackOutageAlert(db, job, now, config);
      },
      [this, job, title, detail, done](Result<SlackAlertPlan> plan) {
        if (!plan.ok()) return done(JobOutcome::Retry(plan.status().message()));
        switch (plan->kind) {
          case SlackAlertPlan::Kind::kWaitForLink:
            return done(JobOutcome::Postpone(clock_.Now() + kAwaitLink, kAwaitingLinkNote));
          case SlackAlertPlan::Kind::kWaitForDrain:
            return done(JobOutcome::Postpone(clock_.Now() + kAwaitDrainStep,
                                             "the leads that waited are still going out"));
          case SlackAlertPlan::Kind::kSummary:
            return PostAlert(job, plan->words.title, plan->words.detail, done);
          case SlackAlertPlan::Kind::kAsWritten:
            return PostAlert(job, title, detail, done);
        }
      });
}

void SlackJobs::PostAlert(const storage::Job& job, const std::string& title,
                          const std::string& detail, JobDone done) {
  PostOnce(job, config_.slack.ops_channel, slack::OpsAlert(title, detail), done);
}

}  // namespace leadrouter
