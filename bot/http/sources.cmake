# HTTP: the intake server (Boost.Beast), the outbound clients, and the pure
# pieces beside them. A `listen` value is read the same way by the config
# (a decision-side value) and by the server.
list(APPEND DECISION_SOURCES
  http/listen_address.cpp
)
list(APPEND BOT_SOURCES
  http/connection_cap.cpp
  http/form_body.cpp
  http/http_client.cpp
  http/http_server.cpp
  http/https_client.cpp
  http/intake_auth.cpp
  http/request_gate.cpp
  http/token_bucket.cpp
  http/twilio_signature.cpp
)
