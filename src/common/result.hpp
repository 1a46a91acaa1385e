#pragma once
// Results for input that people and devices send: a value, or a refusal with
// a reason a person can act on and its kind. Exceptions stay for programmer,
// config and start-up errors.
#include <string>
#include <utility>
#include <variant>

namespace steritrack {

// What kind of refusal: the CLI's exit code and the web API's HTTP status
// both come from it (error_kind.hpp), so the two never disagree.
enum class ErrorKind {
  bad_input,    // malformed or invalid: fix the input and try again
  not_found,    // no such tray, cycle, order, alert, ...
  conflict,     // the record's state does not allow it (releasing a failed load)
  not_allowed,  // the person may not do this
  internal,     // storage failed: not the sender's fault
};

struct Error {
  std::string reason;
  ErrorKind kind = ErrorKind::bad_input;
};

template <typename T>
class [[nodiscard]] Result {
public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  explicit operator bool() const { return v_.index() == 0; }
  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  const std::string& error() const { return std::get<1>(v_).reason; }
  ErrorKind error_kind() const { return std::get<1>(v_).kind; }
  // The refusal as it is, to pass it on with its kind.
  const Error& failure() const { return std::get<1>(v_); }

private:
  std::variant<T, Error> v_;
};

inline Error fail(std::string reason, ErrorKind kind = ErrorKind::bad_input) {
  return Error{std::move(reason), kind};
}
inline Error not_found(std::string reason) { return Error{std::move(reason), ErrorKind::not_found}; }
inline Error conflict(std::string reason) { return Error{std::move(reason), ErrorKind::conflict}; }
inline Error not_allowed(std::string reason) { return Error{std::move(reason), ErrorKind::not_allowed}; }

}  // namespace steritrack
