// Status and Result: how pipeline/ reports failure without throwing.
// A Status names the offending field so the HTTP layer can answer
// 400 {"error":…, "field":…} without knowing the rules behind it.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace leadrouter {

class Status {
 public:
  enum class Code { kOk, kInvalidField, kInvalidArgument, kNotFound, kInternal };

  Status() = default;
  static Status Ok() { return Status(); }
  // A value in the input is missing or wrong; `field` is its dotted path.
  static Status InvalidField(std::string field, std::string message) {
    return Status(Code::kInvalidField, std::move(field), std::move(message));
  }
  static Status InvalidArgument(std::string message) {
    return Status(Code::kInvalidArgument, "", std::move(message));
  }
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, "", std::move(message));
  }
  static Status Internal(std::string message) {
    return Status(Code::kInternal, "", std::move(message));
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }
  std::string ToString() const {
    if (ok()) return "OK";
    return field_.empty() ? message_ : field_ + ": " + message_;
  }

 private:
  Status(Code code, std::string field, std::string message)
      : code_(code), field_(std::move(field)), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string field_;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace leadrouter
