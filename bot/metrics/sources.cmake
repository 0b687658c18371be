# Metrics: what the daemon counts, served by GET /metrics (prometheus-cpp).
list(APPEND BOT_SOURCES
  metrics/label_cap.cpp
  metrics/metrics.cpp
  metrics/metrics_service.cpp
  metrics/process_stats.cpp
)
