# Inbound e-mail: the POST /v1/email route and the providers' webhooks, the
# parse job, the storage transactions they run, and the `leadrouter email`
# commands.
list(APPEND BOT_SOURCES
  email/email_ingest_command.cpp
  email/email_parse_command.cpp
  email/email_replay_command.cpp
  email/email_retention.cpp
  email/email_service.cpp
  email/email_webhooks.cpp
  email/inbound_email_tx.cpp
  email/webhook_auth.cpp
)
