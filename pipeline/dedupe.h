// Dedupe keys: the identities storage/ matches a new lead against. Pure.
#pragma once

#include <string>
#include <vector>

#include "pipeline/lead.h"

namespace leadrouter::pipeline {

// "email:<lower-case address>" when the e-mail is valid, then
// "phone:<E.164>" when the phone is a valid number.
std::vector<std::string> DedupeKeys(const ProcessedLead& lead);

}  // namespace leadrouter::pipeline
