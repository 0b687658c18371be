#include "bot/follow_up/follow_up_channels.h"

#include "bot/delivery/smtp_sender.h"
#include "bot/delivery/twilio_sender.h"
#include "bot/delivery/webhook_sender.h"
#include "bot/daemon/log.h"

namespace leadrouter {

FollowUpChannels::FollowUpChannels(boost::asio::io_context& loop, const Clock& clock,
                                   const Config& config, const Secrets& secrets) {
  if (!config.email.from.empty()) {
    SmtpOptions options;
    options.url = config.email.smtp_url;
    options.username = config.email.username;
    options.password = secrets.smtp_password.value_or("");
    options.require_tls = config.email.require_tls;
    options.ca_file = config.email.ca_file;
    options.timeout = config.email.timeout;
    email_ = std::make_unique<SmtpSender>(loop, clock, std::move(options));
  } else {
    logging::Info("follow_up.email_off", {{"detail", "email.from is not set"}});
  }
  if (!config.sms.account_sid.empty() && !config.sms.from.empty() &&
      secrets.twilio_auth_token) {
    TwilioOptions options;
    options.base_url = config.sms.twilio_base_url;
    options.account_sid = config.sms.account_sid;
    options.auth_token = *secrets.twilio_auth_token;
    options.from = config.sms.from;
    sms_ = std::make_unique<TwilioSender>(loop, std::move(options));
    if (!sms_->status().ok()) {
      logging::Warn("follow_up.sms_unusable", {{"error", sms_->status().message()}});
    }
  } else {
    logging::Info("follow_up.sms_off",
                  {{"detail", "sms.account_sid, sms.from and TWILIO_AUTH_TOKEN are not all set"}});
  }
  if (!config.webhook.url.empty() && secrets.webhook_secret) {
    WebhookOptions options;
    options.url = config.webhook.url;
    options.secret = *secrets.webhook_secret;
    webhook_ = std::make_unique<WebhookSender>(loop, clock, std::move(options));
    if (!webhook_->status().ok()) {
      logging::Warn("follow_up.webhook_unusable", {{"error", webhook_->status().message()}});
    }
  } else if (!config.webhook.url.empty()) {
    logging::Warn("follow_up.webhook_off",
                  {{"detail", "webhook.url is set but LEADROUTER_WEBHOOK_SECRET is not: "
                              "webhook steps are not sent unsigned"}});
  }
}

FollowUpChannels::~FollowUpChannels() { Stop(); }

FollowUpSenders FollowUpChannels::senders() const {
  return {email_.get(), sms_.get(), webhook_.get()};
}

void FollowUpChannels::Stop() {
  if (email_) email_->Stop();
}

}  // namespace leadrouter
