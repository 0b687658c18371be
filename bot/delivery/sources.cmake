# Outbound delivery: SMTP, Twilio, the signed webhook. Composing a message is
# pure; sending it is an effect.
list(APPEND DECISION_SOURCES
  delivery/mime_message.cpp
)
list(APPEND BOT_SOURCES
  delivery/http_delivery.cpp
  delivery/smtp_sender.cpp
  delivery/twilio_sender.cpp
  delivery/webhook_sender.cpp
)
