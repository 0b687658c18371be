#include "bot/metrics/label_cap.h"

namespace leadrouter::metrics {
namespace {
// Long enough for any real source or method name; a label is not a payload.
constexpr size_t kMaxLabelBytes = 64;
}  // namespace

std::string LabelCap::Apply(std::string_view value) {
  if (value.empty()) return kNoneLabel;
  if (value.size() > kMaxLabelBytes) {
    size_t cut = kMaxLabelBytes;
    // Never split a UTF-8 sequence: back off over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
    value = value.substr(0, cut);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (kept_.find(value) != kept_.end()) return std::string(value);
  if (kept_.size() >= limit_) return kOtherLabel;
  return *kept_.emplace(value).first;
}

}  // namespace leadrouter::metrics
