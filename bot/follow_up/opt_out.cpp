#include "bot/follow_up/opt_out.h"

#include <set>

#include "bot/routing/outbox_plan.h"
#include "pipeline/lead.h"
#include "pipeline/text.h"
#include "storage/database.h"
#include "storage/job_store.h"
#include "storage/lead_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

// The dedupe key intake stored for the address (see pipeline/dedupe.h).
std::string LeadKey(const std::string& channel, const std::string& address) {
  return (channel == "sms" ? "phone:" : "email:") + address;
}

std::string StoredAddress(const storage::OptOut& o) {
  return o.channel == "email" ? pipeline::AsciiLower(o.address) : o.address;
}

// The consent record's source: "optout" names our own API, as the lead's
// form source names intake.
std::string ConsentSource(const std::string& opt_out_source) {
  return opt_out_source == "api" ? "optout" : opt_out_source;
}

pipeline::Consent Withdrawn(const std::string& channel) {
  pipeline::Consent consent;
  if (channel == "sms") consent.sms = false;
  if (channel == "email") consent.email = false;
  return consent;
}

}  // namespace

OptOutResult ApplyOptOut(SQLite::Database& db,
                         const std::vector<storage::OptOut>& opt_outs,
                         SystemTime now) {
  storage::FollowUpStore follow_up(db);
  storage::LeadStore leads(db);
  storage::JobStore jobs(db);
  storage::Timeline timeline(db);
  OptOutResult out;
  std::set<int64_t> distinct;
  for (const storage::OptOut& opt_out : opt_outs) {
    ChannelOptOutResult r;
    r.channel = opt_out.channel;
    r.address = StoredAddress(opt_out);
    r.added = follow_up.AddOptOut(opt_out);
    r.lead_ids = leads.FindAllByKey(LeadKey(r.channel, r.address));
    const std::string reason =
        "opted out (" + r.channel + " via " + opt_out.source + ")";
    for (int64_t lead_id : r.lead_ids) {
      r.cancelled_steps += jobs.CancelByLeadAndKinds(
          lead_id, {SequenceJobKind(pipeline::ChannelFromString(r.channel).value())}, reason,
          now);
      follow_up.RecordConsent(lead_id, Withdrawn(r.channel),
                              ConsentSource(opt_out.source), now);
      timeline.Record(lead_id, now,
                      storage::OptedOutEvent{r.channel, opt_out.source, opt_out.detail,
                                             r.added});
      distinct.insert(lead_id);
    }
    out.cancelled_steps += r.cancelled_steps;
    out.channels.push_back(std::move(r));
  }
  out.leads = distinct.size();
  return out;
}

OptOutResult ApplyOptOut(storage::Database& db,
                         const std::vector<storage::OptOut>& opt_outs,
                         SystemTime now) {
  return ApplyOptOut(db.db(), opt_outs, now);
}

nlohmann::json OptOutAnswer(const OptOutResult& result) {
  nlohmann::json opted_out = nlohmann::json::array();
  for (const ChannelOptOutResult& r : result.channels) {
    opted_out.push_back(
        {{"channel", r.channel}, {"address", r.address}, {"new", r.added}});
  }
  return {{"opted_out", opted_out},
          {"leads", result.leads},
          {"cancelled_steps", result.cancelled_steps}};
}

OptInResult ApplySmsOptIn(SQLite::Database& db, const std::string& phone_e164,
                          const std::string& source, const std::string& detail,
                          SystemTime now) {
  storage::FollowUpStore follow_up(db);
  storage::Timeline timeline(db);
  OptInResult out;
  out.lifted = follow_up.RemoveOptOut("sms", phone_e164);
  out.lead_ids = storage::LeadStore(db).FindAllByKey(LeadKey("sms", phone_e164));
  pipeline::Consent granted;
  granted.sms = true;
  for (int64_t lead_id : out.lead_ids) {
    follow_up.RecordConsent(lead_id, granted, source, now);
    timeline.Record(lead_id, now,
                    storage::OptedInEvent{"sms", source, detail, out.lifted});
  }
  return out;
}

std::vector<int64_t> RecordSmsReply(SQLite::Database& db,
                                    const std::string& phone_e164,
                                    const storage::SmsReplyEvent& reply,
                                    SystemTime now) {
  std::vector<int64_t> lead_ids =
      storage::LeadStore(db).FindAllByKey(LeadKey("sms", phone_e164));
  storage::Timeline timeline(db);
  for (int64_t lead_id : lead_ids) {
    timeline.Record(lead_id, now, reply);
  }
  return lead_ids;
}

}  // namespace leadrouter
