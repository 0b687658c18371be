// CachedStatement: a statement prepared once per connection and SQL text,
// then reset and handed out again each time the same SQL runs. Preparing
// (parsing and planning the SQL) costs more than running the small
// statements a lead needs, and the storage writer runs the same few dozen
// texts for every lead. Used where SQLite::Statement would be, with the same
// calls; converts to SQLite::Statement& for readers of a row.
//
// Only connections with a StatementCache (storage::Database's) cache; on any
// other connection, and when the same SQL is already running further up the
// stack, the statement is prepared for this use alone, as SQLite::Statement
// would be.
// Thread rule: a connection's cache is used from the thread that uses the
// connection.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace leadrouter::storage {

class StatementCache {
 public:
  struct Entry {
    std::unique_ptr<SQLite::Statement> statement;
    bool in_use = false;
  };

  // Caches statements of `db`, which must outlive this object.
  explicit StatementCache(const SQLite::Database& db);
  // Finalizes every statement (none may be in use), so that the connection
  // can close.
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The cache of `db`, or null when it has none.
  static StatementCache* For(const SQLite::Database& db);

  // The statement for `sql`, marked in use; null when it is in use already
  // or the cache is full. Throws SQLite::Exception when `sql` does not
  // prepare.
  Entry* Take(std::string_view sql);

  size_t size() const { return entries_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  const SQLite::Database& db_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

class CachedStatement {
 public:
  CachedStatement(const SQLite::Database& db, std::string_view sql);
  ~CachedStatement();
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;

  template <typename... Args>
  void bind(Args&&... args) {
    statement_->bind(std::forward<Args>(args)...);
  }
  bool executeStep() { return statement_->executeStep(); }
  int exec() { return statement_->exec(); }
  void reset() { statement_->reset(); }
  void clearBindings() { statement_->clearBindings(); }
  template <typename Key>
  SQLite::Column getColumn(Key key) const {
    return statement_->getColumn(key);
  }
  template <typename Key>
  bool isColumnNull(Key key) const {
    return statement_->isColumnNull(key);
  }

  operator SQLite::Statement&() { return *statement_; }

 private:
  StatementCache::Entry* entry_ = nullptr;
  std::optional<SQLite::Statement> own_;
  SQLite::Statement* statement_ = nullptr;
};

}  // namespace leadrouter::storage
