#include "sources/mysql/protocol/connect_options.hpp"

#include <array>
#include <utility>

namespace starcdc::mysql::protocol {
namespace {

constexpr std::array<std::pair<std::string_view, SslMode>, 5> kModes{{
    {"disabled", SslMode::Disabled},
    {"preferred", SslMode::Preferred},
    {"required", SslMode::Required},
    {"verify-ca", SslMode::VerifyCa},
    {"verify-identity", SslMode::VerifyIdentity},
}};

char normalize(char c) {
  if (c == '_') {
    return '-';
  }
  if (c >= 'A' && c <= 'Z') {
    return static_cast<char>(c - 'A' + 'a');
  }
  return c;
}

}  // namespace

std::optional<SslMode> parse_ssl_mode(std::string_view text) {
  std::string lower;
  lower.reserve(text.size());
  for (const char c : text) {
    lower.push_back(normalize(c));
  }
  for (const auto& [name, mode] : kModes) {
    if (lower == name) {
      return mode;
    }
  }
  return std::nullopt;
}

std::string_view ssl_mode_name(SslMode mode) {
  for (const auto& [name, m] : kModes) {
    if (m == mode) {
      return name;
    }
  }
  return "preferred";
}

std::string ConnectOptions::endpoint() const {
  // An IPv6 literal gets brackets so the port stays readable.
  if (host.find(':') != std::string::npos) {
    return "[" + host + "]:" + std::to_string(port);
  }
  return host + ":" + std::to_string(port);
}

}  // namespace starcdc::mysql::protocol
