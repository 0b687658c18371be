// SmtpSender: follow-up e-mail over SMTP through libcurl (STARTTLS when the
// server offers it, or required; TLS certificates verified). libcurl blocks,
// so sends run one at a time on a worker thread of the sender's own, in the
// order they were queued; each result is posted back to the event loop.
// Thread rule: Send/Stop from the loop thread; `done` runs on the loop.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "bot/runtime/clock.h"
#include "bot/delivery/mime_message.h"
#include "bot/email/curl_transfer.h"
#include "bot/runtime/job_runner.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {


// What became of one message, for the executor that records it.
struct SmtpResult {
  JobOutcome outcome;  // Done, Retry, or Fail (permanent)
  // The server refused this recipient or this message for good (5xx at
  // RCPT or after DATA: unknown mailbox, rejected content). The follow-up
  // e-mail channel should stop for this lead. False for every failure that
  // is ours or the server's (connection, TLS, AUTH, a 5xx to MAIL FROM).
  bool recipient_refused = false;
  long smtp_code = 0;  // the server's last reply code, 0 when none
};

// Classifies one libcurl result (`curl_code` a CURLcode, `smtp_code` its
// CURLINFO_RESPONSE_CODE, `error_buffer` its CURLOPT_ERRORBUFFER text such
// as "RCPT failed: 550", possibly empty). Permanent: a 5xx to RCPT TO or to the
// message itself. Retryable: everything else, 4xx replies, connection and TLS
// trouble, and AUTH or MAIL FROM refusals (a configuration problem: failing
// every lead's channel for it would be wrong; the job dead-letters and ops hear
// of it).
SmtpResult ClassifySmtpResult(int curl_code, long smtp_code,
                              const std::string& error_buffer);

class SmtpSender {
 public:
  using Done = std::function<void(SmtpResult)>;

  // `loop` and `clock` must outlive the sender. Starts the worker thread.
  SmtpSender(boost::asio::io_context& loop, const Clock& clock,
             SmtpOptions options);
  ~SmtpSender();  // Stop()
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  // Queues `message`; `done` is called exactly once on the loop. The Date
  // header is the clock's time when the send starts. A message without a
  // valid From or To address fails permanently without a connection.
  void Send(EmailMessage message, Done done);

  // Finishes the send in progress, answers the queued ones with a Retry
  // ("shutting down") and joins the thread. Idempotent.
  void Stop();

  size_t queue_depth() const;

 private:
  struct Task {
    EmailMessage message;
    Done done;
  };
  void Run();
  SmtpResult Deliver(const EmailMessage& message);

  boost::asio::io_context& loop_;
  const Clock& clock_;
  const SmtpOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;   // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace leadrouter
