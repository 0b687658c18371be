# Reading leads: the labelled set and `leadrouter eval`, and the language
# model asked when the rules are unsure. The plan at intake and the
# transaction that brings its answer in are decisions; the client and the
# job executor are effects.
list(APPEND DECISION_SOURCES
  classifier/apply_classification.cpp
  classifier/llm_config.cpp
  classifier/llm_plan.cpp
)
list(APPEND BOT_SOURCES
  classifier/eval_command.cpp
  classifier/eval_set.cpp
  classifier/llm_client.cpp
  classifier/llm_jobs.cpp
)
