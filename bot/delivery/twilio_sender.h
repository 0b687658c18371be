// TwilioSender: follow-up SMS through Twilio's REST API
// (POST {base}/2010-04-01/Accounts/{sid}/Messages.json, form-encoded To,
// From or MessagingServiceSid, Body; HTTP basic auth sid:token), and the
// classification of Twilio's answer into a DeliveryResult. The base URL is
// configurable so tests point it at tests/support/twilio_sim.py.
// Holds the auth token; logs statuses and Twilio error codes, never the
// token, a header or a message body.
// Thread rule: loop thread only; `done` is called on the loop, exactly once,
// unless the sender is destroyed first.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "bot/delivery/delivery_result.h"
#include "bot/http/https_client.h"
#include "pipeline/status.h"

namespace boost::asio {
class io_context;
}

namespace leadrouter {

struct TwilioOptions {
  std::string base_url = "https://api.twilio.com";
  std::string account_sid;  // "AC…"
  std::string auth_token;   // a Secret: never logged
  // "+13125550100", or a messaging service sid "MG…" (then
  // MessagingServiceSid= is sent instead of From=).
  std::string from;
  std::string ca_file;
  std::chrono::milliseconds timeout{10000};
};

struct SmsMessage {
  std::string to;    // E.164, "+13125550199"
  std::string body;  // UTF-8
};

// Twilio error codes (the "code" of a 400 answer) that are about the
// recipient, not about us: 21211 invalid 'To' number, 21265 'To' is a short
// code, 21610 unsubscribed (STOP), 21612 not reachable from our sender,
// 21614 not a mobile number, 21635 a landline.
bool IsTwilioRecipientCode(int code);

// How one answer to a Messages.json POST reads: 200/201 → Done with the
// sid; a 400 whose code is about the recipient → recipient_refused (and
// unsubscribed for 21610), outcome Done; 429 → Retry after Retry-After;
// 408, 5xx and transport errors → Retry; any other answer (401, 403, 404,
// a 400 with another code such as 21408 region not enabled, 21606 bad From,
// 21608 unverified on a trial account) → Fail. `detail` is "<code>
// <Twilio's message> (HTTP <status>)", cut to a few hundred bytes.
DeliveryResult ClassifyTwilioResponse(const HttpsResponse& response);

// "To=%2B1312…&From=…&Body=…": application/x-www-form-urlencoded, UTF-8,
// every byte but A-Z a-z 0-9 - . _ ~ percent-encoded.
std::string FormEncode(const HeaderList& fields);

class TwilioSender {
 public:
  // `loop` must outlive the sender.
  TwilioSender(boost::asio::io_context& loop, TwilioOptions options);
  ~TwilioSender();
  TwilioSender(const TwilioSender&) = delete;
  TwilioSender& operator=(const TwilioSender&) = delete;

  // Usable options: account_sid, auth_token and from present (the sid
  // letters and digits only), base_url usable (see HttpsClient::status).
  // When not, every Send fails at once with outcome Fail.
  const Status& status() const;

  // Sends one SMS. A message without a To or a Body fails at once (Fail:
  // the executor built it wrong) without a request.
  void Send(SmsMessage message, std::function<void(DeliveryResult)> done);

  std::size_t connections_opened() const;

 private:
  boost::asio::io_context& loop_;
  TwilioOptions options_;
  Status status_;
  std::string authorization_;  // "Basic …": the secret, in one place
  HttpsClient client_;
  std::shared_ptr<bool> alive_;  // expires with the sender
};

}  // namespace leadrouter
