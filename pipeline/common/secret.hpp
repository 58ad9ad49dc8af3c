// Secret: a string that prints as *** everywhere (logs, config dumps, status).
#pragma once

#include <string>
#include <string_view>

namespace starcdc {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  static constexpr std::string_view kMask = "***";

 private:
  std::string value_;
};

}  // namespace starcdc
