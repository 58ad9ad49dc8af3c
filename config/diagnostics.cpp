#include "config/diagnostics.hpp"

#include <algorithm>
#include <tuple>

namespace starcdc::config {

std::string Location::str() const {
  if (line == 0) {
    return file;
  }
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostics::str() const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
  });
  std::string out;
  for (const auto& d : sorted) {
    out += d.str();
    out += '\n';
  }
  return out;
}

}  // namespace starcdc::config
