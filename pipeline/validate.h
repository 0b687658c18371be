// The validation gate: what a lead must carry to be worth storing. Pure.
#pragma once

#include "pipeline/lead.h"
#include "pipeline/status.h"

namespace leadrouter::pipeline {

// Checks a normalized lead. Returns OK or Status::InvalidField naming:
//   "contact"  neither an e-mail nor a phone was given;
//   "email"    the e-mail cannot be an address and there is no phone to
//              fall back on;
//   "name"     neither a name nor a message was given.
Status ValidateLead(const ProcessedLead& lead);

}  // namespace leadrouter::pipeline
