// `leadrouter eval --config FILE SET.jsonl [--half NAME] [--misses]`: runs a
// labelled set (bot/classifier/eval_set.h) through the pipeline with the
// config's rules and prints accuracy per field, the confusion matrices and
// the costly errors. Writes nothing.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "bot/runtime/clock.h"

namespace leadrouter {

// `args` are the words after "eval". Exit codes: 0 the set ran (whatever
// its figures), 1 the set cannot be read or has bad lines, 2 usage or config
// errors. Lines without received_at are read as of clock.Now().
int RunEvalCommand(const std::vector<std::string>& args, const Clock& clock,
                   std::ostream& out, std::ostream& err);

}  // namespace leadrouter
