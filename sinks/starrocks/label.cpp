#include "sinks/starrocks/label.hpp"

#include <cctype>
#include <cstdio>

namespace starcdc::starrocks {
namespace {

bool label_safe(const std::string& s) {
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

// FNV-1a, 64 bits: stable across runs and builds (std::hash is not).
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string table_token(const TableId& t, size_t budget) {
  std::string token = t.database + "_" + t.table;
  if (label_safe(token) && token.size() <= budget) {
    return token;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "t%016llx",
                static_cast<unsigned long long>(fnv1a(t.database + "." + t.table)));
  return buf;
}

}  // namespace

std::string make_label(const std::string& prefix, const TableId& table, uint64_t epoch,
                       uint64_t segment) {
  const std::string e = std::to_string(epoch) + (segment == 0 ? "" : "-" + std::to_string(segment));
  const size_t budget = 128 - prefix.size() - e.size() - 2;
  return prefix + "-" + table_token(table, budget) + "-" + e;
}

std::string make_batch_label(const std::string& prefix, const TableId& table, uint64_t epoch,
                             uint64_t seq, const std::string& run_id) {
  const std::string tail = std::to_string(epoch) + "-" + std::to_string(seq) + "-" + run_id;
  const size_t budget = 128 - prefix.size() - tail.size() - 2;
  return prefix + "-" + table_token(table, budget) + "-" + tail;
}

}  // namespace starcdc::starrocks
