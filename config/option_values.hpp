// OptionValues: the validated options of one block, typed, with where each came from.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/yaml_tree.hpp"

namespace starcdc::config {

using OptionValue =
    std::variant<std::monostate, std::string, int64_t, double, bool, std::chrono::milliseconds,
                 uint64_t, std::vector<std::string>, Node, std::map<std::string, std::string>>;

class OptionValues {
 public:
  struct Entry {
    OptionValue value;
    Location where;          // the value in the file; the block when a default
    bool from_file = false;  // false = the default
    bool secret = false;
  };

  void set(const std::string& name, Entry entry) { entries_[name] = std::move(entry); }
  // Where one key of a Prefix option ("sink.properties.format") was written.
  void set_item_where(const std::string& key, Location where) { items_[key] = std::move(where); }
  bool has(const std::string& name) const;  // set, by the user or by a default
  bool from_file(const std::string& name) const;
  const Location& where(const std::string& name) const;

  // Getters for declared options; a wrong type or a missing value is a bug (STARCDC_CHECK).
  const std::string& get_string(const std::string& name) const;
  int64_t get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  std::chrono::milliseconds get_duration(const std::string& name) const;
  uint64_t get_bytes(const std::string& name) const;
  const std::vector<std::string>& get_list(const std::string& name) const;
  const Node& get_node(const std::string& name) const;
  const std::map<std::string, std::string>& get_prefixed(const std::string& name) const;

  // name → printable value, secrets masked (for `validate --print` and status).
  std::map<std::string, std::string> dump() const;

 private:
  const Entry& entry(const std::string& name) const;
  std::map<std::string, Entry> entries_;
  std::map<std::string, Location> items_;
};

}  // namespace starcdc::config
