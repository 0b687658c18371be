# Inbound e-mail: the POST /v1/email route and the providers' webhooks, the
# IMAP poller, the parse job, the storage transactions they run, and the
# `leadrouter email` commands. (email/curl_module.cpp is not among them: it
# is libleadrouter_curl.so, bot/CMakeLists.txt.)
list(APPEND DECISION_SOURCES
  email/email_retention_tx.cpp
  email/imap_poll_plan.cpp
  email/imap_poll_tx.cpp
  email/inbound_email_tx.cpp
)
list(APPEND BOT_SOURCES
  email/curl_transfer.cpp
  email/email_ingest_command.cpp
  email/email_parse_command.cpp
  email/email_replay_command.cpp
  email/email_retention.cpp
  email/email_service.cpp
  email/email_webhooks.cpp
  email/imap_poller.cpp
  email/imap_session.cpp
  email/webhook_auth.cpp
)
