# Slack: Socket Mode, the Web API client and the slack.* job executors; the
# message builders are pure and usable inside a transaction.
list(APPEND DECISION_SOURCES
  slack/block_kit.cpp
  slack/mrkdwn.cpp
)
list(APPEND BOT_SOURCES
  slack/dm_channel_cache.cpp
  slack/endpoint_url.cpp
  slack/envelope.cpp
  slack/once_poster.cpp
  slack/rate_limiter.cpp
  slack/response_url.cpp
  slack/slack_connection.cpp
  slack/slack_jobs.cpp
  slack/socket_mode_client.cpp
  slack/socket_mode_session.cpp
  slack/tls_verify.cpp
  slack/web_api_client.cpp
  slack/web_api_health.cpp
)
