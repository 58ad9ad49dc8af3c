#include "config/option_values.hpp"

#include "config/units.hpp"
#include "pipeline/common/assert.hpp"

namespace starcdc::config {

bool OptionValues::has(const std::string& name) const {
  auto it = entries_.find(name);
  return it != entries_.end() && !std::holds_alternative<std::monostate>(it->second.value);
}

bool OptionValues::from_file(const std::string& name) const {
  if (items_.count(name) != 0) {
    return true;
  }
  auto it = entries_.find(name);
  return it != entries_.end() && it->second.from_file;
}

const OptionValues::Entry& OptionValues::entry(const std::string& name) const {
  auto it = entries_.find(name);
  STARCDC_CHECK(it != entries_.end(), "option read without a declaration or default");
  return it->second;
}

const Location& OptionValues::where(const std::string& name) const {
  auto item = items_.find(name);
  return item != items_.end() ? item->second : entry(name).where;
}

namespace {
template <typename T>
const T& get_as(const OptionValues::Entry& e) {
  const T* v = std::get_if<T>(&e.value);
  STARCDC_CHECK(v != nullptr, "option read with the wrong type or without a value");
  return *v;
}
}  // namespace

const std::string& OptionValues::get_string(const std::string& name) const {
  return get_as<std::string>(entry(name));
}
int64_t OptionValues::get_int(const std::string& name) const {
  return get_as<int64_t>(entry(name));
}
double OptionValues::get_double(const std::string& name) const {
  return get_as<double>(entry(name));
}
bool OptionValues::get_bool(const std::string& name) const { return get_as<bool>(entry(name)); }
std::chrono::milliseconds OptionValues::get_duration(const std::string& name) const {
  return get_as<std::chrono::milliseconds>(entry(name));
}
uint64_t OptionValues::get_bytes(const std::string& name) const {
  return get_as<uint64_t>(entry(name));
}
const std::vector<std::string>& OptionValues::get_list(const std::string& name) const {
  return get_as<std::vector<std::string>>(entry(name));
}
const Node& OptionValues::get_node(const std::string& name) const {
  return get_as<Node>(entry(name));
}
const std::map<std::string, std::string>& OptionValues::get_prefixed(
    const std::string& name) const {
  return get_as<std::map<std::string, std::string>>(entry(name));
}

std::map<std::string, std::string> OptionValues::dump() const {
  std::map<std::string, std::string> out;
  for (const auto& [name, e] : entries_) {
    std::string text;
    if (std::holds_alternative<std::monostate>(e.value)) {
      continue;
    }
    if (e.secret) {
      text = "***";
    } else if (const auto* s = std::get_if<std::string>(&e.value)) {
      text = *s;
    } else if (const auto* i = std::get_if<int64_t>(&e.value)) {
      text = std::to_string(*i);
    } else if (const auto* d = std::get_if<double>(&e.value)) {
      text = std::to_string(*d);
    } else if (const auto* b = std::get_if<bool>(&e.value)) {
      text = *b ? "true" : "false";
    } else if (const auto* ms = std::get_if<std::chrono::milliseconds>(&e.value)) {
      text = format_duration(*ms);
    } else if (const auto* u = std::get_if<uint64_t>(&e.value)) {
      text = format_bytes(*u);
    } else if (const auto* l = std::get_if<std::vector<std::string>>(&e.value)) {
      for (const auto& item : *l) {
        text += (text.empty() ? "" : ",") + item;
      }
    } else if (std::holds_alternative<Node>(e.value)) {
      text = "(yaml)";
    } else if (const auto* m = std::get_if<std::map<std::string, std::string>>(&e.value)) {
      for (const auto& [k, v] : *m) {
        const bool masked =
            k.find("password") != std::string::npos || k.find("secret") != std::string::npos;
        out[k] = masked ? "***" : v;
      }
      continue;
    }
    out[name] = text;
  }
  return out;
}

}  // namespace starcdc::config
