# The runtime: the clock, the storage writer, the job runner. Local calendar
# time is pure arithmetic on tzdata, usable inside a transaction.
list(APPEND DECISION_SOURCES
  runtime/digest.cpp
  runtime/job_kinds.cpp
  runtime/time_zone.cpp
)
list(APPEND BOT_SOURCES
  runtime/clock.cpp
  runtime/guarded_loop.cpp
  runtime/job_runner.cpp
  runtime/movable_clock.cpp
  runtime/stage_trace.cpp
  runtime/storage_writer.cpp
  runtime/unavailable_wait.cpp
  runtime/waiting_jobs.cpp
)
