// TwilioInboundService: POST /v1/twilio/inbound, the webhook Twilio calls
// for every text sent to our number. Authenticated by Twilio's own
// signature (X-Twilio-Signature, keyed with TWILIO_AUTH_TOKEN over the URL
// Twilio was given: config sms.inbound_url, else http:// + Host + target),
// not by our intake credentials. STOP and its synonyms opt the sender out
// of SMS, START/UNSTOP/YES opt them back in, anything else is kept on the
// timelines of the sender's leads. Applied in one storage-writer
// transaction; Twilio gets an empty TwiML <Response/> after the commit
// (it sends the carrier's own STOP/START confirmation itself).
// Thread rule: loop thread only.
#pragma once

#include <optional>
#include <string>

#include "bot/runtime/clock.h"
#include "bot/daemon/config.h"
#include "bot/http/http_server.h"

namespace leadrouter {

class RequestGate;
class StorageWriter;

class TwilioInboundService {
 public:
  // Every reference must outlive the service. Without `auth_token` every
  // request is answered 503: an unverifiable STOP must not be trusted, and
  // Twilio's error log then says why.
  TwilioInboundService(const Config& config,
                       std::optional<std::string> auth_token,
                       StorageWriter& writer, RequestGate& gate,
                       const Clock& clock);

  // Installs POST /v1/twilio/inbound.
  void RegisterRoutes(HttpServer& server);

  // 200 text/xml <Response/> after the commit; 503 without a token; 429
  // over the client rate; 415 unless form-encoded; 403 for a missing or
  // wrong signature; 400 {"field": "From"} without a usable sender; 500
  // when nothing could be stored.
  void HandleInbound(const HttpRequest& request, Responder respond);

  // The URL Twilio signed for `request`.
  std::string SignedUrl(const HttpRequest& request) const;

 private:
  const Config& config_;
  std::optional<std::string> auth_token_;
  StorageWriter& writer_;
  RequestGate& gate_;
  const Clock& clock_;
};

}  // namespace leadrouter
