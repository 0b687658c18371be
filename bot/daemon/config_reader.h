// TableReader: reads one TOML table of the config, remembering which keys
// were read so that whatever is left over is reported as unknown (a typo is
// an error, not a no-op). Shared by the readers of each part of the config.
// Only for config readers: it brings toml++ along.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "bot/daemon/config.h"
#include "bot/daemon/duration.h"

namespace leadrouter {

class TableReader {
 public:
  TableReader(const toml::table& table, std::string path,
              std::vector<ConfigError>& errors)
      : table_(table), path_(std::move(path)), errors_(errors) {}

  ~TableReader() {
    for (auto&& [key, node] : table_) {
      if (!seen_.count(std::string(key.str()))) {
        Error(std::string(key.str()), "unknown key", &node);
      }
    }
  }

  std::string Path(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

  void Error(const std::string& key, const std::string& message,
             const toml::node* node = nullptr) {
    int line = node ? static_cast<int>(node->source().begin.line) : 0;
    errors_.push_back({Path(key), message, line});
  }

  const toml::node* Get(const std::string& key) {
    seen_.insert(key);
    return table_.get(key);
  }

  void String(const std::string& key, std::string& out) {
    if (const toml::node* n = Get(key)) {
      if (auto v = n->value_exact<std::string>()) out = *v;
      else Error(key, "must be a string", n);
    }
  }

  template <typename Int>
  void Integer(const std::string& key, Int& out, int64_t min, int64_t max) {
    if (const toml::node* n = Get(key)) {
      auto v = n->value_exact<int64_t>();
      if (!v) return Error(key, "must be an integer", n);
      if (*v < min || *v > max) {
        return Error(key, "must be between " + std::to_string(min) + " and " +
                              std::to_string(max), n);
      }
      out = static_cast<Int>(*v);
    }
  }

  void Number(const std::string& key, double& out, double min) {
    if (const toml::node* n = Get(key)) {
      std::optional<double> v;
      if (auto i = n->value_exact<int64_t>()) v = static_cast<double>(*i);
      else if (auto d = n->value_exact<double>()) v = *d;
      if (!v) return Error(key, "must be a number", n);
      if (*v < min) return Error(key, "must be at least " + std::to_string(min), n);
      out = *v;
    }
  }

  void Bool(const std::string& key, bool& out) {
    if (const toml::node* n = Get(key)) {
      if (auto v = n->value_exact<bool>()) out = *v;
      else Error(key, "must be true or false", n);
    }
  }

  void Duration(const std::string& key, milliseconds& out) {
    if (const toml::node* n = Get(key)) {
      auto s = n->value_exact<std::string>();
      if (!s) return Error(key, "must be a duration string like \"5m\"", n);
      auto d = ParseDuration(*s);
      if (!d) {
        return Error(key, "\"" + *s + "\" is not a duration (use ms, s, m, h, "
                          "d, e.g. \"90s\" or \"1h30m\")", n);
      }
      out = *d;
    }
  }

  void StringList(const std::string& key, std::vector<std::string>& out) {
    if (const toml::node* n = Get(key)) {
      const toml::array* arr = n->as_array();
      if (!arr) return Error(key, "must be an array of strings", n);
      std::vector<std::string> values;
      for (size_t i = 0; i < arr->size(); ++i) {
        auto v = (*arr)[i].value_exact<std::string>();
        if (!v) {
          return Error(key + "[" + std::to_string(i) + "]", "must be a string",
                       &(*arr)[i]);
        }
        values.push_back(*v);
      }
      out = std::move(values);
    }
  }

  // Calls `fn` with a reader for the sub-table, if present.
  void Table(const std::string& key,
             const std::function<void(TableReader&)>& fn) {
    if (const toml::node* n = Get(key)) {
      const toml::table* t = n->as_table();
      if (!t) return Error(key, "must be a table", n);
      TableReader sub(*t, Path(key), errors_);
      fn(sub);
    }
  }

  // Calls `fn` for each table of an array of tables ([[key]]).
  void TableArray(const std::string& key,
                  const std::function<void(TableReader&, size_t)>& fn) {
    if (const toml::node* n = Get(key)) {
      const toml::array* arr = n->as_array();
      if (!arr) return Error(key, "must be an array of tables ([[" + key + "]])", n);
      for (size_t i = 0; i < arr->size(); ++i) {
        const toml::table* t = (*arr)[i].as_table();
        std::string item = key + "[" + std::to_string(i) + "]";
        if (!t) {
          Error(item, "must be a table", &(*arr)[i]);
          continue;
        }
        TableReader sub(*t, Path(item), errors_);
        fn(sub, i);
      }
    }
  }

  // Calls `fn` for each sub-table of the table `key` ([key.NAME]) with this
  // table's reader (for errors on NAME itself), the sub-table's and NAME.
  void NamedTables(const std::string& key,
                   const std::function<void(TableReader&, TableReader&,
                                            const std::string&)>& fn) {
    Table(key, [&](TableReader& sub) {
      for (auto&& [k, node] : sub.table_) {
        std::string name(k.str());
        sub.seen_.insert(name);
        const toml::table* t = node.as_table();
        if (!t) {
          sub.Error(name, "must be a table", &node);
          continue;
        }
        TableReader item(*t, sub.Path(name), errors_);
        fn(sub, item, name);
      }
    });
  }

  // Calls `fn` with each key of this table, in file order; `fn` reads it.
  void EachKey(const std::function<void(const std::string&)>& fn) {
    std::vector<std::string> keys;
    for (auto&& [k, node] : table_) keys.emplace_back(k.str());
    for (const std::string& key : keys) fn(key);
  }

  // A table of string -> string (JSON pointers in field mappings).
  void StringMap(const std::string& key, std::map<std::string, std::string>& out) {
    Table(key, [&](TableReader& sub) {
      for (auto&& [k, node] : sub.table_) {
        std::string name(k.str());
        sub.seen_.insert(name);
        if (auto v = node.value_exact<std::string>()) out[name] = *v;
        else sub.Error(name, "must be a string", &node);
      }
    });
  }

 private:
  const toml::table& table_;
  std::string path_;
  std::vector<ConfigError>& errors_;
  std::set<std::string> seen_;
};

}  // namespace leadrouter
