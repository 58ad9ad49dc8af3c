// Diagnostics: every problem found while loading a pipeline file, reported together,
// compiler-style: `orders.yaml:12:5: error: sink.label-prefx: unknown option; did you mean ...`.
#pragma once

#include <string>
#include <vector>

namespace starcdc::config {

struct Location {
  std::string file;
  int line = 0;    // 1-based; 0 = the file as a whole
  int column = 0;  // 1-based
  std::string str() const;
};

struct Diagnostic {
  Location where;
  std::string message;
  std::string str() const { return where.str() + ": error: " + message; }
};

class Diagnostics {
 public:
  void error(const Location& where, std::string message) {
    items_.push_back({where, std::move(message)});
  }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // All diagnostics, sorted by position, one per line.
  std::string str() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace starcdc::config
