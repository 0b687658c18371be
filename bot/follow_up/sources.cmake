# Follow-up: sequences and their steps, consent, opt-outs, the channels.
list(APPEND DECISION_SOURCES
  follow_up/opt_out.cpp
  follow_up/sequence_enrollment.cpp
  follow_up/sequence_step.cpp
)
list(APPEND BOT_SOURCES
  follow_up/follow_up_channels.cpp
  follow_up/opt_out_service.cpp
  follow_up/sequence_jobs.cpp
  follow_up/twilio_inbound_service.cpp
)
