# Slack: Web API client, Socket Mode, Block Kit.
list(APPEND BOT_SOURCES
  slack/block_kit.cpp
  slack/endpoint_url.cpp
  slack/envelope.cpp
  slack/mrkdwn.cpp
  slack/rate_limiter.cpp
  slack/response_url.cpp
  slack/socket_mode_client.cpp
  slack/socket_mode_session.cpp
  slack/tls_verify.cpp
  slack/web_api_client.cpp
  slack/web_api_health.cpp
)
