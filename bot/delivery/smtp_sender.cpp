#include "bot/delivery/smtp_sender.h"

#include <pthread.h>

#include <curl/curl.h>  // CURLcode values only: libcurl itself is in bot/email/curl_module
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <memory>
#include <mutex>

#include "bot/email/curl_transfer.h"
#include "pipeline/mime_library.h"

namespace leadrouter {
namespace {

// libcurl's words for `code`, from the module that gave it.
std::string CurlText(int code) {
  const CurlApi* curl = CurlTransfers();
  return curl != nullptr ? curl->describe(code) : "libcurl error " + std::to_string(code);
}

}  // namespace

SmtpResult ClassifySmtpResult(int curl_code, long smtp_code,
                              const std::string& error_buffer) {
  SmtpResult r;
  r.smtp_code = smtp_code;
  if (curl_code == CURLE_OK) {
    r.outcome = JobOutcome::Done();
    return r;
  }
  std::string error = error_buffer.empty() ? CurlText(curl_code) : error_buffer;
  if (smtp_code > 0 &&
      error.find(std::to_string(smtp_code)) == std::string::npos) {
    error += " (SMTP " + std::to_string(smtp_code) + ")";
  }
  // libcurl 7.88 words a refused recipient "RCPT failed: 550" and a refused
  // sender "MAIL failed: 550"; the reply to the message itself (after the
  // final ".") it reports as a weird server reply with nothing in the error
  // buffer, while a refused greeting fills it ("Got unexpected smtp-server
  // response: 554"): that server refuses everyone, not this lead.
  const bool permanent_reply = smtp_code >= 500 && smtp_code <= 599;
  const bool at_rcpt = error_buffer.rfind("RCPT failed", 0) == 0;
  const bool after_data =
      curl_code == CURLE_WEIRD_SERVER_REPLY && error_buffer.empty();
  if (permanent_reply && (at_rcpt || after_data)) {
    r.outcome = JobOutcome::Fail(error);
    r.recipient_refused = true;
    return r;
  }
  // No answer (refused, timed out) or a 4xx "try again later": the mail
  // server is unavailable, and waiting fixes that. A 5xx for everyone (a
  // refused login or greeting) is ours to fix: retried, then a dead letter.
  const bool unavailable = smtp_code == 0 || (smtp_code >= 400 && smtp_code <= 499);
  r.outcome = unavailable ? JobOutcome::Unavailable("email", error)
                          : JobOutcome::Retry(error);
  return r;
}

SmtpSender::SmtpSender(boost::asio::io_context& loop, const Clock& clock,
                       SmtpOptions options)
    : loop_(loop), clock_(clock), options_(std::move(options)) {
  thread_ = std::thread([this] { Run(); });
}

SmtpSender::~SmtpSender() { Stop(); }

void SmtpSender::Send(EmailMessage message, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back({std::move(message), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  boost::asio::post(loop_, [done = std::move(done)] {
    done({JobOutcome::Retry("e-mail sender is shutting down"), false, 0});
  });
}

void SmtpSender::Stop() {
  std::deque<Task> abandoned;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    abandoned.swap(queue_);
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  for (Task& task : abandoned) {
    boost::asio::post(loop_, [done = std::move(task.done)] {
      done({JobOutcome::Retry("e-mail sender is shutting down"), false, 0});
    });
  }
}

size_t SmtpSender::queue_depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void SmtpSender::Run() {
  pthread_setname_np(pthread_self(), "lr-smtp");  // as top -H and ps -L show it
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping; Stop() answers the rest
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    SmtpResult result;
    try {
      result = Deliver(task.message);
    } catch (const std::exception& e) {
      result = {JobOutcome::Retry(std::string("e-mail failed: ") + e.what()),
                false, 0};
    }
    boost::asio::post(loop_, [done = std::move(task.done),
                              result = std::move(result)]() mutable {
      done(std::move(result));
    });
  }
}

SmtpResult SmtpSender::Deliver(const EmailMessage& message) {
  const std::string from = AddrSpec(message.from);
  const std::string to = AddrSpec(message.to);
  if (from.empty())
    return {JobOutcome::Fail("no sender address (email.from)"), false, 0};
  if (to.empty()) return {JobOutcome::Fail("no recipient address"), true, 0};

  std::string why;
  const CurlApi* curl = CurlTransfers(&why);
  if (curl == nullptr) return {JobOutcome::Retry("e-mail cannot be sent: " + why), false, 0};
  SmtpTransfer transfer;
  transfer.server = options_;
  transfer.mail_from = "<" + from + ">";
  transfer.rcpt_to = "<" + to + ">";
  transfer.message = BuildMimeMessage(message, clock_.Now());
  if (transfer.message.empty()) {
    std::string not_loaded;
    pipeline::MimeFunctions(&not_loaded);
    return {JobOutcome::Retry("e-mail cannot be composed: " +
                              (not_loaded.empty() ? "GMime wrote nothing" : not_loaded)),
            false, 0};
  }

  const CurlTransferResult sent = curl->send_smtp(transfer);
  const int code = sent.code;
  SmtpResult result = ClassifySmtpResult(code, sent.response_code, sent.error_buffer);
  if (code == CURLE_OK) {
    spdlog::debug("smtp: sent {}", message.message_id);
  } else {
    spdlog::warn("smtp: {} {} ({})", message.message_id,
                 result.outcome.kind != JobOutcome::Kind::kPermanentFailure
                     ? "will retry"
                                                                 : "refused",
                 result.outcome.error);
  }
  return result;
}

}  // namespace leadrouter
