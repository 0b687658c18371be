// A value worked out once per thread from a list of phrases that lives long
// (a built-in family, a configured rule): the phrases are split and folded
// once instead of for every lead.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace leadrouter::pipeline {

// Only a caller that passes ever-new lists reaches this; it then starts over.
inline constexpr size_t kMaxMemoLists = 256;

// `each(phrase)` for every phrase of `list`, in list order, remembered for
// `list`. Keyed by where the list lives and checked against its phrases: the
// address finds the entry without hashing any text (hashing every phrase for
// every lead was a tenth of the loop thread's time in a burst), and the check
// makes a list changed in place, or a new list at a reused address, work it
// out again. Each `Each` (each call site's lambda) has its own memo.
template <typename Each>
const auto& EachPhraseOnce(const std::vector<std::string>& list, Each each) {
  using Value = std::vector<decltype(each(std::string()))>;
  struct Entry {
    std::vector<std::string> list;
    Value value;
  };
  thread_local std::unordered_map<const std::vector<std::string>*, Entry> memo;
  auto it = memo.find(&list);
  if (it != memo.end() && it->second.list == list) return it->second.value;
  Entry entry{list, {}};
  entry.value.reserve(list.size());
  for (const std::string& phrase : list) entry.value.push_back(each(phrase));
  if (it != memo.end()) {
    it->second = std::move(entry);
    return it->second.value;
  }
  if (memo.size() >= kMaxMemoLists) memo.clear();
  return memo.emplace(&list, std::move(entry)).first->second.value;
}

}  // namespace leadrouter::pipeline
