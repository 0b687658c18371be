#include "bot/delivery/smtp_sender.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstring>
#include <memory>
#include <mutex>

namespace leadrouter {
namespace {

// A host that does not answer should fail in seconds and go back to the job
// queue's backoff, not hold the one worker for the whole send budget.
constexpr std::chrono::milliseconds kMaxConnectTimeout =
    std::chrono::seconds(10);

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// libcurl's global state must be set up once before any thread uses it.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
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
  std::string error = error_buffer.empty()
                          ? curl_easy_strerror(static_cast<CURLcode>(curl_code))
                          : error_buffer;
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
  InitCurlOnce();
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

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return {JobOutcome::Retry("curl_easy_init failed"), false, 0};
  CURL* h = curl.get();
  Upload upload{BuildMimeMessage(message, clock_.Now())};
  const std::string mail_from = "<" + from + ">";
  std::unique_ptr<curl_slist, SlistDeleter> rcpt(
      curl_slist_append(nullptr, ("<" + to + ">").c_str()));
  char error[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // we are not the main thread
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
                   static_cast<curl_off_t>(upload.data.size()));
  curl_easy_setopt(h, CURLOPT_USE_SSL,
                   options_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  }
  if (!options_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(
                       std::min(options_.timeout, kMaxConnectTimeout).count()));

  const CURLcode code = curl_easy_perform(h);
  long smtp_code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &smtp_code);
  SmtpResult result = ClassifySmtpResult(code, smtp_code, error);
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
