// FollowUpChannels: the delivery channels the config and the environment
// make possible (SMTP e-mail, Twilio SMS, the signed webhook), built once at
// start and owned for the daemon's life. A channel without what it needs is
// absent, and said so in the log once; its steps are skipped and recorded.
// Thread rule: loop thread.
#pragma once

#include <memory>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/follow_up/sequence_jobs.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

class FollowUpChannels {
 public:
  // `loop` and `clock` must outlive this object.
  FollowUpChannels(boost::asio::io_context& loop, const Clock& clock, const Config& config,
                   const Secrets& secrets);
  ~FollowUpChannels();
  FollowUpChannels(const FollowUpChannels&) = delete;
  FollowUpChannels& operator=(const FollowUpChannels&) = delete;

  FollowUpSenders senders() const;
  // Lets the e-mail worker finish its message in progress; queued ones are
  // answered "retry" and run again after the restart.
  void Stop();

 private:
  std::unique_ptr<SmtpSender> email_;
  std::unique_ptr<TwilioSender> sms_;
  std::unique_ptr<WebhookSender> webhook_;
};

}  // namespace leadrouter
