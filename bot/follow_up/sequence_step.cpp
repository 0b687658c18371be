#include "bot/follow_up/sequence_step.h"

#include <optional>

#include "bot/delivery/mime_message.h"
#include "bot/follow_up/opt_out.h"
#include "bot/routing/outbox_plan.h"
#include "bot/runtime/time_zone.h"
#include "pipeline/consent_rule.h"
#include "pipeline/lead_zone.h"
#include "pipeline/send_window.h"
#include "pipeline/sequence_plan.h"
#include "pipeline/template.h"
#include "storage/agent_store.h"
#include "storage/database.h"
#include "storage/follow_up_store.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

using pipeline::Channel;

// The address a step on `channel` goes to; "" when the lead has none
// usable. A landline cannot take a text.
std::string AddressFor(const pipeline::ProcessedLead& lead, Channel channel,
                       const Config& config) {
  switch (channel) {
    case Channel::kSms:
      if (!lead.phone.valid || lead.phone.e164.empty()) return "";
      if (lead.phone.type == "FIXED_LINE") return "";
      return lead.phone.e164;
    case Channel::kEmail:
      return lead.email_valid ? lead.email : "";
    case Channel::kWebhook:
      return config.webhook.url;
  }
  return "";
}

// The opt-out that covers the address, if any. A webhook has no address of
// the lead's own; it feeds our systems and carries the lead's state instead.
bool OptedOut(storage::FollowUpStore& store, Channel channel, const std::string& address) {
  if (channel == Channel::kWebhook || address.empty()) return false;
  return store.FindOptOut(pipeline::ToString(channel), address).has_value();
}

bool Consented(storage::FollowUpStore& store, const storage::StoredLead& lead,
               Channel channel, const Config& config) {
  const pipeline::ConsentRule rule = ConsentRuleFor(config, channel);
  // The store keeps every statement; a lead stored before it existed still
  // has the consent its submission carried.
  std::optional<bool> marketing = store.LatestConsent(lead.id, "marketing");
  if (!marketing) marketing = lead.lead.consent.marketing;
  std::optional<bool> own;
  if (channel == Channel::kSms) {
    own = store.LatestConsent(lead.id, "sms");
    if (!own) own = lead.lead.consent.sms;
  } else if (channel == Channel::kEmail) {
    own = store.LatestConsent(lead.id, "email");
    if (!own) own = lead.lead.consent.email;
  } else {
    own = marketing;
  }
  return pipeline::ConsentAllows(rule, own, marketing);
}

pipeline::TemplateOwner OwnerOf(storage::Database& db, const storage::StoredLead& lead,
                                const Config& config) {
  pipeline::TemplateOwner owner;
  if (!lead.owner_slack_id) return owner;
  if (auto agent = storage::AgentStore(db.db()).Get(*lead.owner_slack_id)) {
    owner.name = agent->name;
    owner.email = agent->email;
  }
  for (const AgentConfig& a : config.agents) {
    if (a.slack_id != *lead.owner_slack_id) continue;
    if (owner.name.empty()) owner.name = a.name;
    if (owner.email.empty()) owner.email = a.email;
    owner.phone = a.phone;
  }
  return owner;
}

// "template {first_name} is empty for this lead" style text, or "" when
// every rendering worked.
std::string Render(const std::string& text, const pipeline::TemplateFields& fields,
                   std::string& out) {
  pipeline::RenderResult r = pipeline::RenderTemplate(text, fields);
  if (!r.ok()) {
    std::string missing;
    for (const std::string& m : r.missing) missing += (missing.empty() ? "{" : ", {") + m + "}";
    return "template_incomplete: " + missing + " empty for this lead";
  }
  out = std::move(r.text);
  return "";
}

nlohmann::json WebhookEvent(const storage::StoredLead& lead, const OutboundStep& step,
                            const pipeline::TemplateOwner& owner, SystemTime now) {
  const pipeline::ProcessedLead& l = lead.lead;
  nlohmann::json owner_json = nullptr;
  if (lead.owner_slack_id) {
    owner_json = {{"slack_id", *lead.owner_slack_id},
                  {"name", owner.name},
                  {"email", owner.email}};
  }
  return {{"type", "sequence_step"},
          {"id", step.delivery_id},
          {"lead_id", lead.id},
          {"segment", step.segment},
          {"step", step.step},
          {"text", step.body},
          {"sent_at_ms", storage::ToMillis(now)},
          {"lead",
           {{"name", lead.name},
            {"first_name", l.name.first},
            {"last_name", l.name.last},
            {"email", l.email},
            {"phone", l.phone.e164.empty() ? l.phone.raw : l.phone.e164},
            {"address", l.property.address},
            {"source", l.source},
            {"score", lead.score},
            {"crm_id", lead.crm_id}}},
          {"owner", owner_json}};
}

StepDecision Skip(storage::Database& db, const storage::Job& job, Channel channel,
                  std::string reason, SystemTime now) {
  StepDecision d;
  d.kind = StepDecision::Kind::kSkip;
  d.reason = std::move(reason);
  if (job.lead_id) {
    storage::Timeline(db.db()).Record(
        *job.lead_id, now,
        storage::SequenceStepSkippedEvent{Decode<SequenceStepJob>(job.payload).step,
                                          pipeline::ToString(channel), d.reason});
  }
  return d;
}

// The lead's next send-window opening for a text, or nullopt when it is
// open now. Sets `closed_for_good` when the window never opens.
std::optional<SystemTime> SmsWaitUntil(const storage::StoredLead& lead, SystemTime now,
                                       const Config& config, bool& closed_for_good) {
  const pipeline::LeadZone zone =
      pipeline::ZoneForLead(lead.lead, config.send_window.timezone);
  const std::chrono::local_seconds local = ToLocalSeconds(now, zone.zone);
  auto next = pipeline::NextSendTime(config.send_window.rules, zone.state, local);
  if (!next) {
    closed_for_good = true;
    return std::nullopt;
  }
  if (*next <= local) return std::nullopt;
  return FromLocalSeconds(*next, zone.zone);
}

}  // namespace

StepDecision DecideStep(storage::Database& db, const storage::Job& job, SystemTime now,
                        const Config& config, const std::string& channel_unavailable) {
  const Channel channel = job.kind == kJobSequenceSms       ? Channel::kSms
                          : job.kind == kJobSequenceWebhook ? Channel::kWebhook
                                                            : Channel::kEmail;
  std::optional<storage::StoredLead> lead;
  if (job.lead_id) lead = storage::LeadStore(db.db()).Get(*job.lead_id);
  if (!lead) {
    StepDecision d;
    d.reason = "the lead does not exist";
    return d;
  }
  const SequenceStepJob planned = Decode<SequenceStepJob>(job.payload);
  const std::string& segment = planned.segment;
  const int64_t index = planned.step;
  const int64_t enrolled_ms = planned.enrolled_ms;

  // The config may have changed since enrolment; a step that is no longer
  // there (or now means another channel) is not sent on a guess.
  std::optional<pipeline::Segment> seg = pipeline::SegmentFromString(segment);
  const pipeline::SequenceStep* spec = nullptr;
  if (seg) {
    auto it = config.sequences.by_segment.find(*seg);
    if (it != config.sequences.by_segment.end() && index >= 0 &&
        static_cast<size_t>(index) < it->second.size() &&
        it->second[static_cast<size_t>(index)].channel == channel) {
      spec = &it->second[static_cast<size_t>(index)];
    }
  }
  if (!spec) return Skip(db, job, channel, "no_longer_in_sequence", now);
  if (!channel_unavailable.empty()) {
    return Skip(db, job, channel, "not_configured: " + channel_unavailable, now);
  }

  storage::FollowUpStore follow_up(db.db());
  const std::string address = AddressFor(lead->lead, channel, config);
  pipeline::StepFacts facts;
  facts.enrolled_at = storage::FromMillis(enrolled_ms);
  facts.taken_over = lead->taken_over_at.has_value();
  facts.opted_out = OptedOut(follow_up, channel, address);
  facts.consented = Consented(follow_up, *lead, channel, config);
  facts.channel_stopped =
      follow_up.ChannelStopReason(lead->id, pipeline::ToString(channel)).has_value();
  facts.reachable = !address.empty();
  if (lead->contacted_at) facts.last_human_contact = *lead->contacted_at;
  if (pipeline::SkipReason why = pipeline::SkipReasonFor(facts);
      why != pipeline::SkipReason::kNone) {
    return Skip(db, job, channel, pipeline::ToString(why), now);
  }

  OutboundStep out;
  out.lead_id = lead->id;
  out.step = static_cast<size_t>(index);
  out.segment = segment;
  out.channel = channel;
  out.delivery_id = "lead-" + std::to_string(lead->id) + ".step-" + std::to_string(index) +
                    "." + std::to_string(enrolled_ms);
  const pipeline::TemplateOwner owner = OwnerOf(db, *lead, config);
  const pipeline::TemplateFields fields =
      pipeline::FieldsFor(lead->lead, owner, config.company.name);
  if (!spec->body.empty()) {
    if (std::string problem = Render(spec->body, fields, out.body); !problem.empty()) {
      return Skip(db, job, channel, problem, now);
    }
  }
  if (channel == Channel::kEmail) {
    if (std::string problem = Render(spec->subject, fields, out.subject); !problem.empty()) {
      return Skip(db, job, channel, problem, now);
    }
    if (!spec->html.empty()) {
      if (std::string problem = Render(spec->html, pipeline::HtmlEscaped(fields), out.html);
          !problem.empty()) {
        return Skip(db, job, channel, problem, now);
      }
    }
    out.to = lead->name.empty() ? address : lead->name + " <" + address + ">";
    out.reply_to = owner.email;
  } else {
    out.to = address;
  }

  if (channel == Channel::kSms) {
    bool closed_for_good = false;
    std::optional<SystemTime> wait = SmsWaitUntil(*lead, now, config, closed_for_good);
    if (closed_for_good) return Skip(db, job, channel, "send_window_never_opens", now);
    if (wait) {
      StepDecision d;
      d.kind = StepDecision::Kind::kWait;
      d.reason = "outside the send window in the lead's local time";
      d.wait_until = *wait;
      return d;
    }
  }
  if (channel == Channel::kWebhook) out.event = WebhookEvent(*lead, out, owner, now);

  StepDecision d;
  d.kind = StepDecision::Kind::kSend;
  d.step = std::move(out);
  return d;
}

JobOutcome RecordDelivery(storage::Database& db, const OutboundStep& step,
                          const DeliveryResult& result, SystemTime now) {
  const std::string channel = pipeline::ToString(step.channel);
  storage::Timeline timeline(db.db());
  if (result.recipient_refused) {
    storage::FollowUpStore follow_up(db.db());
    follow_up.StopChannel(step.lead_id, channel, result.detail, now);
    const int cancelled = storage::JobStore(db.db()).CancelByLeadAndKinds(
        step.lead_id, {SequenceJobKind(step.channel)},
        "the " + channel + " channel stopped: " + result.detail, now);
    timeline.Record(step.lead_id, now,
                    storage::SequenceChannelStoppedEvent{
                        static_cast<int64_t>(step.step), channel, result.detail,
                        cancelled});
    if (result.unsubscribed && step.channel != pipeline::Channel::kWebhook) {
      // The person opted out at the provider (a STOP that reached Twilio
      // before us): as binding as one that reached us, for every lead with
      // the address.
      storage::OptOut opt_out;
      opt_out.channel = channel;
      opt_out.address = step.channel == pipeline::Channel::kEmail ? AddrSpec(step.to) : step.to;
      opt_out.source = "provider";
      opt_out.detail = result.detail;
      opt_out.at = now;
      ApplyOptOut(db, {opt_out}, now);
    }
    return JobOutcome::Done();
  }
  if (result.outcome.kind == JobOutcome::Kind::kDone) {
    timeline.Record(step.lead_id, now,
                    storage::SequenceStepSentEvent{static_cast<int64_t>(step.step),
                                                   channel, result.provider_id});
  }
  return result.outcome;
}

}  // namespace leadrouter
