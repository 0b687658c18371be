# Delivery channels for follow-up steps (e-mail, SMS, outbound webhooks).
list(APPEND BOT_SOURCES
  delivery/mime_message.cpp
  delivery/smtp_sender.cpp
)
