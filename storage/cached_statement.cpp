#include "storage/cached_statement.h"

#include <mutex>

namespace leadrouter::storage {
namespace {

// Enough for every fixed text the daemon runs; SQL built at run time with a
// varying shape beyond this is prepared each time rather than kept forever.
constexpr size_t kMaxStatements = 512;

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

std::unordered_map<const SQLite::Database*, StatementCache*>& Registry() {
  static std::unordered_map<const SQLite::Database*, StatementCache*> caches;
  return caches;
}

}  // namespace

StatementCache::StatementCache(const SQLite::Database& db) : db_(db) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry()[&db_] = this;
}

StatementCache::~StatementCache() {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry().erase(&db_);
}

StatementCache* StatementCache::For(const SQLite::Database& db) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(&db);
  return it == Registry().end() ? nullptr : it->second;
}

StatementCache::Entry* StatementCache::Take(std::string_view sql) {
  auto it = entries_.find(sql);
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxStatements) return nullptr;
    auto statement = std::make_unique<SQLite::Statement>(db_, std::string(sql));
    it = entries_.emplace(std::string(sql), Entry{std::move(statement), false}).first;
  }
  if (it->second.in_use) return nullptr;
  it->second.in_use = true;
  return &it->second;
}

CachedStatement::CachedStatement(const SQLite::Database& db, std::string_view sql) {
  if (StatementCache* cache = StatementCache::For(db)) entry_ = cache->Take(sql);
  if (entry_ != nullptr) {
    statement_ = entry_->statement.get();
  } else {
    own_.emplace(db, std::string(sql));
    statement_ = &*own_;
  }
}

CachedStatement::~CachedStatement() {
  if (entry_ == nullptr) return;
  // sqlite3_reset repeats the last step's error, which its caller has
  // already seen; the statement is reusable either way.
  statement_->tryReset();
  try {
    statement_->clearBindings();
  } catch (...) {
    // clearBindings fails only on a misuse SQLite reports elsewhere.
  }
  entry_->in_use = false;
}

}  // namespace leadrouter::storage
