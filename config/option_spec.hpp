// OptionSpec / OptionSet: a connector's options, declared once (name, type, default, doc line,
// range or enum values, aliases, secret flag). The same declarations validate pipeline files,
// fill in defaults and render docs/configuration.md.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/option_values.hpp"
#include "config/yaml_tree.hpp"

namespace starcdc::config {

enum class OptionType : unsigned char {
  String,
  Int,
  Double,
  Bool,
  Duration,  // "5s"; kept as milliseconds
  Bytes,     // "64MiB"
  Enum,      // one of enum_values (matched case-insensitively, kept as declared)
  List,      // a YAML list or a comma-separated string
  Regex,     // a std::regex (ECMAScript) that must compile
  Node,      // raw YAML, interpreted by the connector itself
  Prefix,    // every key starting with `name` (e.g. "properties."): a string map
};
const char* option_type_name(OptionType type);

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::String;
  std::string doc;
  std::optional<std::string> default_value;  // in the YAML spelling; parsed like user input
  bool required = false;
  bool secret = false;
  std::vector<std::string> enum_values;
  int64_t min = std::numeric_limits<int64_t>::min();  // Int, Duration (ms), Bytes
  int64_t max = std::numeric_limits<int64_t>::max();
  std::vector<std::string> aliases;
  // Extra check of a String/List/Regex item: returns the problem, or nullopt when fine.
  std::function<std::optional<std::string>(const std::string&)> check;

  static OptionSpec make(std::string name, OptionType type, std::string doc) {
    OptionSpec s;
    s.name = std::move(name);
    s.type = type;
    s.doc = std::move(doc);
    return s;
  }
  OptionSpec&& with_default(std::string v) && {
    default_value = std::move(v);
    return std::move(*this);
  }
  OptionSpec&& is_required() && {
    required = true;
    return std::move(*this);
  }
  OptionSpec&& is_secret() && {
    secret = true;
    return std::move(*this);
  }
  OptionSpec&& one_of(std::vector<std::string> values) && {
    enum_values = std::move(values);
    return std::move(*this);
  }
  OptionSpec&& range(int64_t lo, int64_t hi) && {
    min = lo;
    max = hi;
    return std::move(*this);
  }
  OptionSpec&& checked(std::function<std::optional<std::string>(const std::string&)> f) && {
    check = std::move(f);
    return std::move(*this);
  }
  OptionSpec&& alias(std::string a) && {
    aliases.push_back(std::move(a));
    return std::move(*this);
  }
};

class OptionSet {
 public:
  // `title` names the block in docs and messages: "source 'values'", "pipeline".
  explicit OptionSet(std::string title) : title_(std::move(title)) {}
  OptionSet& add(OptionSpec spec);
  // Adds every option of `other` (shared options such as `tables`).
  OptionSet& add_all(const OptionSet& other);

  const std::string& title() const { return title_; }
  const std::vector<OptionSpec>& specs() const { return specs_; }
  const OptionSpec* find(std::string_view name) const;  // also by alias

  // Validates a YAML map against the declarations. `reserved` keys (e.g. `type`, `name`) are
  // skipped. Every problem goes to `diags`; the result holds what was valid plus defaults.
  OptionValues parse(const Node& block, const std::vector<std::string>& reserved,
                     Diagnostics& diags) const;

 private:
  std::string title_;
  std::vector<OptionSpec> specs_;
};

}  // namespace starcdc::config
