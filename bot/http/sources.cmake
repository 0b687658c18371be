# HTTP intake server (Boost.Beast).
list(APPEND BOT_SOURCES
  http/form_body.cpp
  http/http_client.cpp
  http/connection_cap.cpp
  http/http_server.cpp
  http/https_client.cpp
  http/intake_auth.cpp
  http/listen_address.cpp
  http/request_gate.cpp
  http/token_bucket.cpp
  http/twilio_signature.cpp
)
