#include "bot/email/inbound_email_tx.h"

#include "bot/email/email_retention_tx.h"
#include "bot/runtime/digest.h"
#include "bot/intake/accept_lead.h"
#include "bot/ops/alert_decisions.h"
#include "bot/routing/outbox_plan.h"
#include "pipeline/email_lead.h"
#include "storage/database.h"
#include "storage/inbound_email_store.h"
#include "storage/job_store.h"
#include "storage/timeline.h"

namespace leadrouter {
namespace {

// Alert groups: one per source for dead letters, one digest for unknown
// senders, one per confirmation code.
constexpr char kDeadLetterGroup[] = "inbound_email.dead_letters:";
constexpr char kUnknownSenderGroup[] = "inbound_email.unknown_senders";
constexpr char kForwardingGroup[] = "inbound_email.forwarding:";

void Alert(storage::Database& db, const std::string& key, const std::string& summary,
           AlertMessage opening, SystemTime now, const Config& config) {
  pipeline::AlertEvent event;
  event.kind = pipeline::AlertEventKind::kProblem;
  event.at = now;
  event.summary = summary;
  ApplyAlertEvent(db, key, event, opening, now, config);
}

}  // namespace

std::string InboundEmailKey(std::string_view raw, const std::string& message_id) {
  return message_id.empty() ? "sha256:" + Sha256Hex(raw) : message_id;
}

StoredEmail StoreInboundEmail(storage::Database& db, std::string_view raw,
                              const std::string& message_id, const std::string& via,
                              SystemTime now, const Config& config) {
  storage::InboundEmailStore store(db.db());
  auto stored = store.Store(InboundEmailKey(raw, message_id), std::string(raw), via, now);
  if (!stored.duplicate) {
    storage::JobStore(db.db()).Enqueue(
        MakeJob(std::nullopt, ParseEmailJob{stored.id, false}, now, config), now);
  }
  return {stored.id, stored.duplicate};
}

ParsedEmail ParseInboundEmail(storage::Database& db, int64_t email_id, SystemTime now,
                              const Config& config) {
  ParsedEmail out;
  storage::InboundEmailStore store(db.db());
  std::optional<storage::InboundEmail> email = store.Get(email_id);
  if (!email) {
    out.found = false;
    return out;
  }
  auto result = pipeline::ProcessEmail(email->raw, config.inbound_email.rules, config.rules, now);
  if (!result.ok()) {
    // Refused at the door; a row stored by an older version or by hand.
    out.outcome = "dead_letter";
    out.why = result.status().message();
    store.RecordOutcome(email_id, out.outcome, "", out.why, std::nullopt, now);
    return out;
  }
  const pipeline::EmailVerdict& v = result.value().verdict;
  out.outcome = pipeline::ToString(v.outcome);
  out.source = v.source;
  out.why = v.why;
  const std::string id_text = "#" + std::to_string(email_id);
  switch (v.outcome) {
    case pipeline::EmailOutcome::kLead: {
      const pipeline::ProcessedLead& lead = result.value().lead->value();
      const AcceptedLead accepted = AcceptLead(db, lead, std::nullopt, now, config);
      out.lead_id = accepted.lead_id;
      out.jobs_written = accepted.jobs_written;
      out.accepted = accepted;
      out.lead_source = lead.source;
      out.lead_segment = pipeline::ToString(lead.segment);
      storage::Timeline(db.db()).Record(
          accepted.lead_id, now,
          storage::EmailReceivedEvent{email_id, v.source, v.why, v.forwarded_by});
      break;
    }
    case pipeline::EmailOutcome::kDeadLetter: {
      AlertMessage m;
      m.title = v.source + ": e-mails that did not read as leads";
      m.detail = "E-mail " + id_text + ": " + v.why +
                 " Fix the rule, then Replay it in `/leads dlq` (or `leadrouter email replay " +
                 std::to_string(email_id) + "`).";
      m.facts = {{"email_id", email_id}, {"source", v.source}};
      Alert(db, kDeadLetterGroup + v.source, v.why, std::move(m), now, config);
      break;
    }
    case pipeline::EmailOutcome::kUnknownSender: {
      AlertMessage m;
      m.title = "E-mails from unknown senders";
      m.detail = "E-mail " + id_text + ": " + v.why +
                 "; kept, and counted until it is quiet again.";
      m.facts = {{"email_id", email_id}};
      Alert(db, kUnknownSenderGroup, v.why, std::move(m), now, config);
      break;
    }
    case pipeline::EmailOutcome::kNotALead:
      NoteNotALeadKept(db, now, config);
      if (!v.confirmation_code.empty()) {
        AlertMessage m;
        m.title = "A mailbox asks to confirm forwarding";
        m.detail = "E-mail " + id_text + ": confirmation code " + v.confirmation_code +
                   ". Someone must confirm it in the mailbox's settings.";
        m.facts = {{"email_id", email_id}, {"confirmation_code", v.confirmation_code}};
        Alert(db, kForwardingGroup + v.confirmation_code, v.why, std::move(m), now, config);
      }
      break;
  }
  store.RecordOutcome(email_id, out.outcome, out.source, out.why, out.lead_id, now);
  return out;
}

bool ReplayInboundEmail(storage::Database& db, int64_t email_id, SystemTime now,
                        const Config& config) {
  storage::InboundEmailStore store(db.db());
  if (!store.Get(email_id)) return false;
  // Pending until the parse decides again: the dead-letter list drops it,
  // and a second click finds nothing to replay.
  store.MarkPending(email_id, now);
  storage::JobStore(db.db()).Enqueue(
      MakeJob(std::nullopt, ParseEmailJob{email_id, true}, now, config),
      now);
  return true;
}

}  // namespace leadrouter
