// LeadMilestone: a first in a lead's life that the daemon measures (its
// first owner, its first human contact), noted by the code that writes it
// and counted only once the transaction holding it has committed.
#pragma once

#include <chrono>

namespace leadrouter::storage {

struct LeadMilestone {
  enum class Kind {
    kFirstOwner,    // claimed or assigned for the first time
    kFirstContact,  // the first human contact recorded
  };
  Kind kind = Kind::kFirstOwner;
  std::chrono::milliseconds since_intake{0};  // from the lead's created_at
};

}  // namespace leadrouter::storage
