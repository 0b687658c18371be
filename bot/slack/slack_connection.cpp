#include "bot/slack/slack_connection.h"

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <exception>
#include <string_view>

#include "bot/daemon/log.h"
#include "bot/slack/socket_mode_client.h"
#include "bot/slack/web_api_client.h"

namespace leadrouter {
namespace {

// auth.test answers that no retry can fix: the bot token itself is wrong.
constexpr std::array<std::string_view, 4> kBotTokenErrors = {
    "invalid_auth", "not_authed", "token_revoked", "account_inactive"};
// While Slack cannot be reached, auth.test is tried again with doubling
// delays up to this; it is Tier 4, so a minute is far below any limit.
constexpr auto kAuthRetryCap = std::chrono::seconds(60);

bool IsBotTokenError(const std::string& error) {
  return std::find(kBotTokenErrors.begin(), kBotTokenErrors.end(), error) !=
         kBotTokenErrors.end();
}

std::string StringAt(const nlohmann::json& body, const char* key) {
  if (!body.is_object()) return "";
  const auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

nlohmann::json EnvelopeFields(const slack::Envelope& envelope) {
  nlohmann::json fields = {{"type", slack::ToString(envelope.type)},
                           {"envelope_id", envelope.envelope_id},
                           {"retry_attempt", envelope.retry_attempt}};
  if (envelope.type == slack::EnvelopeType::kEventsApi) {
    fields["event_id"] = StringAt(envelope.payload, "event_id");
  }
  return fields;
}

}  // namespace

struct SlackConnection::RetryTimer {
  explicit RetryTimer(boost::asio::io_context& loop) : timer(loop) {}
  boost::asio::steady_timer timer;
};

SlackConnection::SlackConnection(boost::asio::io_context& loop,
                                 const Clock& clock, SlackHealth& health,
                                 SlackConnectionOptions options)
    : loop_(loop),
      clock_(clock),
      health_(health),
      options_(std::move(options)),
      retry_timer_(std::make_unique<RetryTimer>(loop)),
      probe_timer_(std::make_unique<RetryTimer>(loop)),
      alive_(std::make_shared<bool>(true)) {
  slack::WebApiOptions api_options;
  api_options.api_url = options_.api_url;
  api_options.ca_file = options_.ca_file;
  api_options.bot_token = options_.bot_token;
  api_options.app_token = options_.app_token;
  api_options.post_interval = options_.post_interval;
  api_options.post_burst = options_.post_burst;
  api_options.rate_limited_retries = options_.rate_limited_retries;
  api_options.on_result = [this](int http_status, const std::string& error) {
    health_.web_api.Record(http_status, error, clock_.Now());
  };
  api_ = std::make_unique<slack::WebApiClient>(loop_, std::move(api_options));
  api_->OnAnsweringAgain([this] { SlackAnswering("the Web API answers again"); });

  slack::SocketModeClientOptions socket_options;
  socket_options.ca_file = options_.ca_file;
  socket_options.ping_interval = options_.ping_interval;
  socket_options.session.silence_limit = options_.silence_limit;
  socket_ = std::make_unique<slack::SocketModeClient>(
      loop_, *api_, clock_, std::move(socket_options));
  socket_->OnStateChange(
      [this](slack::SessionState state, const std::string& detail) {
        Report(std::string(slack::ToString(state)), detail);
      });
  socket_->OnEnvelope([this](const slack::Envelope& envelope) {
    nlohmann::json fields = EnvelopeFields(envelope);
    logging::Info("slack.envelope", fields);
    if (!on_envelope_ || !on_envelope_(envelope)) {
      logging::Debug("slack.envelope.unhandled", fields);
    }
  });
  socket_->OnAttempt([this] { NotifyAttempt(); });
  socket_->OnDuplicate([](const slack::Envelope& envelope) {
    logging::Info("slack.envelope.duplicate", EnvelopeFields(envelope));
  });
}

SlackConnection::~SlackConnection() {
  Stop();
  // The socket client goes before the Web API client it borrows.
  socket_.reset();
  api_.reset();
}

void SlackConnection::OnEnvelope(EnvelopeHandler handler) {
  on_envelope_ = std::move(handler);
}

void SlackConnection::OnReady(std::function<void()> ready) {
  on_ready_ = std::move(ready);
}

void SlackConnection::OnStateChange(
    std::function<void(const std::string&, const std::string&)> fn) {
  on_state_ = std::move(fn);
}

void SlackConnection::OnAttempt(std::function<void()> fn) {
  on_attempt_ = std::move(fn);
}

void SlackConnection::OnSlackAnswering(
    std::function<void(const std::string&)> fn) {
  on_answering_ = std::move(fn);
}

void SlackConnection::SlackAnswering(const std::string& why) {
  if (stopped_) return;
  if (socket_ && ready_) socket_->SlackAnswering();
  if (!on_answering_) return;
  try {
    on_answering_(why);
  } catch (const std::exception& e) {
    logging::Error("slack.answering_handler_threw", {{"error", e.what()}});
  }
}

// Probes only while the link is down after a start that got as far as
// Socket Mode; each probe's result reaches the Web API client's
// answering-again check like any other call's.
void SlackConnection::ArmProbe() {
  if (probing_ || stopped_ || !ready_) return;
  probing_ = true;
  probe_timer_->timer.expires_after(options_.probe_interval);
  probe_timer_->timer.async_wait(
      [this, alive = alive_](const boost::system::error_code& ec) {
        if (ec || !*alive) return;
        const bool link_down = health_.state == "reconnecting" ||
                               health_.state == "connecting";
        if (!link_down) {
          probing_ = false;
          return;
        }
        api_->AuthTest([this, alive](slack::ApiResult) {
          if (!*alive) return;
          probing_ = false;
          ArmProbe();
        });
      });
}

void SlackConnection::NotifyAttempt() {
  if (!on_attempt_) return;
  try {
    on_attempt_();
  } catch (const std::exception& e) {
    logging::Error("slack.attempt_handler_threw", {{"error", e.what()}});
  }
}

std::size_t SlackConnection::open_sockets() const {
  return socket_ ? socket_->open_sockets() : 0;
}

void SlackConnection::Start() {
  if (stopped_) return;
  Report("connecting", "checking the bot token (auth.test)");
  CheckBotToken();
}

void SlackConnection::Stop() {
  if (stopped_) return;
  stopped_ = true;
  *alive_ = false;
  retry_timer_->timer.cancel();
  probe_timer_->timer.cancel();
  if (socket_) socket_->Stop();
  health_.Set("disabled", "stopped", clock_.Now());
}

void SlackConnection::CheckBotToken() {
  api_->AuthTest([this, alive = alive_](slack::ApiResult result) {
    if (!*alive) return;
    OnAuthTest(result.ok, result.error, result.retryable,
               StringAt(result.body, "team"), StringAt(result.body, "user"));
  });
}

void SlackConnection::OnAuthTest(bool ok, const std::string& error,
                                 bool retryable, const std::string& team,
                                 const std::string& user) {
  if (ok) {
    ready_ = true;
    logging::Info("slack.auth_ok", {{"team", team}, {"bot_user", user}});
    if (on_ready_) {
      try {
        on_ready_();
      } catch (const std::exception& e) {
        logging::Error("slack.ready_handler_threw", {{"error", e.what()}});
      }
    }
    StartSocketMode();
    return;
  }
  if (IsBotTokenError(error) || !retryable) {
    const std::string message =
        IsBotTokenError(error)
            ? "Slack refused the bot token (SLACK_BOT_TOKEN): " + error +
                  ". Set SLACK_BOT_TOKEN to the app's xoxb- Bot User OAuth "
                  "Token "
                  "(app settings, OAuth & Permissions) and restart leadrouter."
            : "auth.test failed: " + error +
                  ". Check slack.api_url and slack.ca_file, then restart "
                  "leadrouter.";
    Report("fatal", message);
    return;
  }
  Report("connecting", "auth.test failed, will retry: " + error);
  retry_timer_->timer.expires_after(auth_retry_delay_);
  auth_retry_delay_ =
      std::min<std::chrono::milliseconds>(auth_retry_delay_ * 2, kAuthRetryCap);
  retry_timer_->timer.async_wait(
      [this, alive = alive_](const boost::system::error_code& ec) {
        if (ec || !*alive) return;
        NotifyAttempt();
        CheckBotToken();
      });
}

void SlackConnection::StartSocketMode() { socket_->Start(); }

void SlackConnection::Report(const std::string& state,
                             const std::string& detail) {
  const bool state_changed = state != health_.state;
  const bool changed = state_changed || detail != health_.detail;
  health_.Set(state, detail, clock_.Now());
  if (!changed) return;
  if (state == "fatal") {
    logging::Error("slack.fatal", {{"state", state}, {"detail", detail}});
  } else if (state == "reconnecting") {
    logging::Warn("slack.state", {{"state", state}, {"detail", detail}});
  } else {
    logging::Info("slack.state", {{"state", state}, {"detail", detail}});
  }
  if (ready_ && (state == "reconnecting" || state == "connecting")) ArmProbe();
  if (state_changed && state == "connected") SlackAnswering("Socket Mode connected");
  if (state_changed && on_state_) {
    try {
      on_state_(state, detail);
    } catch (const std::exception& e) {
      logging::Error("slack.state_handler_threw", {{"error", e.what()}});
    }
  }
}

}  // namespace leadrouter
