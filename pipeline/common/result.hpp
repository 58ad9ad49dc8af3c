// Result<T>: an expected failure as a value (return to retry, throw to stop).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "pipeline/common/error.hpp"

namespace starcdc {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }
  // Returns the value or throws the error (to stop the run).
  T take() && {
    if (!ok()) {
      throw std::get<1>(v_);
    }
    return std::get<0>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

}  // namespace starcdc
