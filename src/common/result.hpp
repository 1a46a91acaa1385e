#pragma once
// Results for input that people and devices send: a value, or a refusal with
// a reason a person can act on. Exceptions stay for programmer, config and
// start-up errors.
#include <string>
#include <utility>
#include <variant>

namespace steritrack {

struct Error {
  std::string reason;
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

private:
  std::variant<T, Error> v_;
};

inline Error fail(std::string reason) { return Error{std::move(reason)}; }

}  // namespace steritrack
