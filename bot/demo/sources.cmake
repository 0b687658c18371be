# `leadrouter demo`: the flow against slack-sim, and the transcript renderer.
list(APPEND BOT_SOURCES
  demo/child_process.cpp
  demo/demo_command.cpp
  demo/sample_leads.cpp
  demo/transcript.cpp
)
