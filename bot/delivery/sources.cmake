# Delivery channels for follow-up steps (e-mail, SMS, outbound webhooks).
list(APPEND BOT_SOURCES
  delivery/http_delivery.cpp
  delivery/mime_message.cpp
  delivery/smtp_sender.cpp
  delivery/twilio_sender.cpp
  delivery/webhook_sender.cpp
)
