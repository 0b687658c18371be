#include "bot/follow_up/sequence_jobs.h"

#include <memory>

#include "bot/delivery/delivery_result.h"
#include "bot/delivery/smtp_sender.h"
#include "bot/delivery/twilio_sender.h"
#include "bot/delivery/webhook_sender.h"
#include "bot/daemon/log.h"
#include "bot/metrics/metrics.h"
#include "bot/routing/outbox_plan.h"
#include "bot/follow_up/sequence_enrollment.h"
#include "bot/follow_up/sequence_step.h"
#include "bot/runtime/storage_writer.h"
#include "storage/database.h"
#include "storage/lead_store.h"

namespace leadrouter {
namespace {

DeliveryResult FromSmtp(const SmtpResult& smtp) {
  DeliveryResult out;
  out.outcome = smtp.outcome;
  out.recipient_refused = smtp.recipient_refused;
  out.detail = smtp.smtp_code ? "SMTP " + std::to_string(smtp.smtp_code) + ": " +
                                    smtp.outcome.error
                              : smtp.outcome.error;
  return out;
}

}  // namespace

SequenceJobs::SequenceJobs(StorageWriter& writer, JobRunner& runner, const Config& config,
                           const Clock& clock, FollowUpSenders senders)
    : writer_(writer), runner_(runner), config_(config), clock_(clock), senders_(senders) {}

void SequenceJobs::Register() {
  for (const char* kind : {kJobSequenceSms, kJobSequenceEmail, kJobSequenceWebhook}) {
    runner_.Register(kind, [this](const storage::Job& job, JobDone done) {
      Execute(job, std::move(done));
    });
  }
  // Rows of this kind were written for nurture leads before enrolment moved
  // into the intake's own transaction; they enrol now.
  runner_.Register(kJobEnrollNurture, [this](const storage::Job& job, JobDone done) {
    const SystemTime now = clock_.Now();
    const Config& config = config_;
    writer_.Submit(
        [job, now, &config](storage::Database& db) {
          if (!job.lead_id) return;
          if (auto lead = storage::LeadStore(db.db()).Get(*job.lead_id)) {
            EnrollInSequence(db, *lead, now, config);
          }
        },
        [this, done](const std::string& error) {
          if (!error.empty()) return done(JobOutcome::Retry(error));
          runner_.Wake();
          done(JobOutcome::Done());
        });
  });
}

std::string SequenceJobs::Unavailable(const std::string& kind) const {
  if (kind == kJobSequenceSms) {
    if (!senders_.sms) return "sms needs [sms] account_sid, from and TWILIO_AUTH_TOKEN";
    if (!senders_.sms->status().ok()) return senders_.sms->status().message();
  } else if (kind == kJobSequenceWebhook) {
    if (!senders_.webhook) return "webhook steps need webhook.url and LEADROUTER_WEBHOOK_SECRET";
    if (!senders_.webhook->status().ok()) return senders_.webhook->status().message();
  } else if (!senders_.email) {
    return "e-mail steps need email.from";
  }
  return "";
}

void SequenceJobs::Execute(const storage::Job& job, JobDone done) {
  if (!job.lead_id) return done(JobOutcome::Fail("job has no lead_id"));
  const SystemTime now = clock_.Now();
  const Config& config = config_;
  std::string unavailable = Unavailable(job.kind);
  writer_.Call<StepDecision>(
      [job, now, &config, unavailable](storage::Database& db) {
        return DecideStep(db, job, now, config, unavailable);
      },
      [this, job, done](Result<StepDecision> decision) {
        if (!decision.ok()) return done(JobOutcome::Retry(decision.status().message()));
        switch (decision->kind) {
          case StepDecision::Kind::kSkip:
            logging::Info("sequence.step_skipped", {{"lead_id", *job.lead_id},
                                                    {"kind", job.kind},
                                                    {"reason", decision->reason}});
            return done(JobOutcome::Done());
          case StepDecision::Kind::kWait:
            return done(JobOutcome::Postpone(decision->wait_until, decision->reason));
          case StepDecision::Kind::kSend:
            return Deliver(decision->step, done);
        }
      });
}

void SequenceJobs::Deliver(const OutboundStep& step, JobDone done) {
  auto record = [this, step, done](DeliveryResult result) mutable {
    Record(std::move(step), std::move(result), std::move(done));
  };
  switch (step.channel) {
    case pipeline::Channel::kSms:
      return senders_.sms->Send(SmsMessage{step.to, step.body}, std::move(record));
    case pipeline::Channel::kWebhook:
      return senders_.webhook->Send(step.delivery_id, step.event, std::move(record));
    case pipeline::Channel::kEmail: {
      EmailMessage message;
      message.from = config_.email.from;
      message.to = step.to;
      message.reply_to = step.reply_to;
      message.subject = step.subject;
      message.body = step.body;
      message.html = step.html;
      const std::string domain = MailDomain(config_.email.from);
      message.message_id = "<" + step.delivery_id + "@" +
                           (domain.empty() ? std::string("leadrouter.invalid") : domain) + ">";
      return senders_.email->Send(std::move(message),
                                  [record = std::move(record)](SmtpResult smtp) mutable {
                                    record(FromSmtp(smtp));
                                  });
    }
  }
}

void SequenceJobs::Record(OutboundStep step, DeliveryResult result, JobDone done) {
  const SystemTime now = clock_.Now();
  nlohmann::json fields = {{"lead_id", step.lead_id},
                           {"channel", pipeline::ToString(step.channel)},
                           {"step", step.step}};
  if (result.outcome.kind == JobOutcome::Kind::kDone && !result.recipient_refused) {
    logging::Info("sequence.step_sent", fields);
  } else {
    fields["detail"] = result.detail;
    fields["refused"] = result.recipient_refused;
    logging::Warn("sequence.step_not_sent", fields);
  }
  metrics::Global().Delivery(pipeline::ToString(step.channel),
                             result.recipient_refused ? "refused"
                             : result.outcome.kind == JobOutcome::Kind::kDone ? "sent"
                             : result.outcome.kind == JobOutcome::Kind::kPermanentFailure
                                 ? "failed"
                                 : "retry");
  auto outcome = std::make_shared<JobOutcome>(result.outcome);
  writer_.Submit(
      [step = std::move(step), result = std::move(result), now, outcome](storage::Database& db) {
        *outcome = RecordDelivery(db, step, result, now);
      },
      [this, done, outcome](const std::string& error) {
        // The message went out even if its record failed; a retry would
        // send it again, so only a failed send is retried.
        if (!error.empty()) {
          logging::Error("sequence.record_failed", {{"error", error}});
        }
        runner_.Wake();
        done(*outcome);
      });
}

}  // namespace leadrouter
