#include "config/option_spec.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/suggest.hpp"
#include "config/units.hpp"
#include "pipeline/common/assert.hpp"

namespace starcdc::config {

const char* option_type_name(OptionType type) {
  switch (type) {
    case OptionType::String:
      return "string";
    case OptionType::Int:
      return "integer";
    case OptionType::Double:
      return "number";
    case OptionType::Bool:
      return "boolean";
    case OptionType::Duration:
      return "duration";
    case OptionType::Bytes:
      return "size";
    case OptionType::Enum:
      return "enum";
    case OptionType::List:
      return "list";
    case OptionType::Regex:
      return "regex";
    case OptionType::Node:
      return "yaml";
    case OptionType::Prefix:
      return "map";
  }
  return "string";
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.pop_back();
  }
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])) != 0) {
    ++i;
  }
  return s.substr(i);
}

std::string range_text(const OptionSpec& s) {
  auto fmt = [&](int64_t v) {
    if (s.type == OptionType::Duration) {
      return format_duration(std::chrono::milliseconds(v));
    }
    if (s.type == OptionType::Bytes) {
      return format_bytes(static_cast<uint64_t>(v));
    }
    return std::to_string(v);
  };
  if (s.max == std::numeric_limits<int64_t>::max()) {
    return "at least " + fmt(s.min);
  }
  return "between " + fmt(s.min) + " and " + fmt(s.max);
}

bool in_range(const OptionSpec& s, int64_t v) { return v >= s.min && v <= s.max; }

// Parses one scalar for `spec`. On error adds a diagnostic and returns monostate.
OptionValue parse_scalar(const OptionSpec& spec, const std::string& key, const std::string& text,
                         const Location& where, Diagnostics& diags) {
  const std::string quoted = "'" + text + "'";
  switch (spec.type) {
    case OptionType::String:
      return text;
    case OptionType::Int: {
      int64_t v = 0;
      const std::string t = trim(text);
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec == std::errc::result_out_of_range) {
        diags.error(where, key + ": " + quoted + " is too large");
        return {};
      }
      if (ec != std::errc() || p != t.data() + t.size() || t.empty()) {
        diags.error(where, key + ": expected an integer, got " + quoted);
        return {};
      }
      if (!in_range(spec, v)) {
        diags.error(where, key + ": " + t + " is out of range; must be " + range_text(spec));
        return {};
      }
      return v;
    }
    case OptionType::Double: {
      const std::string t = trim(text);
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(t.c_str(), &end);
      if (t.empty() || end != t.c_str() + t.size() || errno != 0) {
        diags.error(where, key + ": expected a number, got " + quoted);
        return {};
      }
      return v;
    }
    case OptionType::Bool:
      if (iequals(text, "true")) {
        return true;
      }
      if (iequals(text, "false")) {
        return false;
      }
      diags.error(where, key + ": expected true or false, got " + quoted);
      return {};
    case OptionType::Duration: {
      auto d = parse_duration(text);
      if (!d) {
        diags.error(where, key + ": expected a duration such as 5s, 500ms or 2min, got " + quoted);
        return {};
      }
      if (!in_range(spec, d->count())) {
        diags.error(where, key + ": " + text + " is out of range; must be " + range_text(spec));
        return {};
      }
      return *d;
    }
    case OptionType::Bytes: {
      auto b = parse_bytes(text);
      if (!b || *b > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        diags.error(where, key + ": expected a size such as 64MiB or 512KiB, got " + quoted);
        return {};
      }
      if (!in_range(spec, static_cast<int64_t>(*b))) {
        diags.error(where, key + ": " + text + " is out of range; must be " + range_text(spec));
        return {};
      }
      return *b;
    }
    case OptionType::Enum: {
      for (const auto& e : spec.enum_values) {
        if (iequals(e, text)) {
          return e;
        }
      }
      std::string list;
      for (const auto& e : spec.enum_values) {
        list += (list.empty() ? "" : ", ") + e;
      }
      std::string msg = key + ": " + quoted + " is not one of " + list;
      if (auto s = suggest(text, spec.enum_values)) {
        msg += "; did you mean '" + *s + "'?";
      }
      diags.error(where, msg);
      return {};
    }
    case OptionType::List: {
      std::vector<std::string> items;
      std::stringstream ss(text);
      std::string item;
      while (std::getline(ss, item, ',')) {
        item = trim(item);
        if (!item.empty()) {
          items.push_back(item);
        }
      }
      return items;
    }
    case OptionType::Regex:
      try {
        std::regex re(text, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        diags.error(where, key + ": invalid regular expression " + quoted + ": " + e.what());
        return {};
      }
      return text;
    case OptionType::Node:
    case OptionType::Prefix:
      break;
  }
  return text;
}

std::optional<std::string> read_secret_file(const std::string& path, const Location& base,
                                            std::string* error) {
  std::string full = path;
  if (!path.empty() && path[0] != '/') {
    const auto slash = base.file.rfind('/');
    if (slash != std::string::npos) {
      full = base.file.substr(0, slash + 1) + path;
    }
  }
  std::ifstream in(full, std::ios::binary);
  if (!in) {
    *error = "cannot read '" + full + "': " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

}  // namespace

OptionSet& OptionSet::add(OptionSpec spec) {
  STARCDC_CHECK(find(spec.name) == nullptr, "option declared twice");
  if (spec.default_value) {
    Diagnostics d;
    (void)parse_scalar(spec, spec.name, *spec.default_value, Location{}, d);
    STARCDC_CHECK(d.empty(), "an option's default does not parse");
  }
  specs_.push_back(std::move(spec));
  return *this;
}

OptionSet& OptionSet::add_all(const OptionSet& other) {
  for (const auto& s : other.specs_) {
    add(s);
  }
  return *this;
}

const OptionSpec* OptionSet::find(std::string_view name) const {
  for (const auto& s : specs_) {
    if (s.name == name) {
      return &s;
    }
    for (const auto& a : s.aliases) {
      if (a == name) {
        return &s;
      }
    }
  }
  return nullptr;
}

OptionValues OptionSet::parse(const Node& block, const std::vector<std::string>& reserved,
                              Diagnostics& diags) const {
  OptionValues values;
  std::map<std::string, const MapEntry*> given;  // canonical name → entry
  std::map<std::string, std::map<std::string, std::string>> prefixed;
  std::vector<std::string> candidates;
  for (const auto& s : specs_) {
    candidates.push_back(s.type == OptionType::Prefix ? s.name + "*" : s.name);
  }

  for (const auto& e : block.map) {
    const std::string& key = e.key.scalar;
    if (std::find(reserved.begin(), reserved.end(), key) != reserved.end()) {
      continue;
    }
    const OptionSpec* spec = find(key);
    // `X.file` of a secret X is the secret's file, also when a prefix option would take it
    // (properties.sasl.password.file).
    const bool secret_file = spec == nullptr && key.size() > 5 &&
                             key.compare(key.size() - 5, 5, ".file") == 0 &&
                             find(key.substr(0, key.size() - 5)) != nullptr &&
                             find(key.substr(0, key.size() - 5))->secret;
    if (spec == nullptr && !secret_file) {
      for (const auto& s : specs_) {
        if (s.type == OptionType::Prefix && key.size() > s.name.size() &&
            key.compare(0, s.name.size(), s.name) == 0) {
          spec = &s;
          break;
        }
      }
      if (spec != nullptr) {
        if (!e.value.is_scalar()) {
          diags.error(e.value.loc, key + ": expected a value, got " + e.value.kind_name());
        } else {
          prefixed[spec->name][key.substr(spec->name.size())] = e.value.scalar;
          values.set_item_where(key, e.key.loc);
        }
        continue;
      }
    }
    // `password.file: /path` reads a secret from a file.
    if (spec == nullptr && key.size() > 5 && key.compare(key.size() - 5, 5, ".file") == 0) {
      const OptionSpec* base = find(key.substr(0, key.size() - 5));
      if (base != nullptr && base->secret) {
        if (block.find(base->name) != nullptr) {
          diags.error(e.key.loc, key + ": give either " + base->name + " or " + key + ", not both");
          continue;
        }
        if (!e.value.is_scalar()) {
          diags.error(e.value.loc, key + ": expected a file path, got " + e.value.kind_name());
          continue;
        }
        std::string err;
        if (auto secret = read_secret_file(e.value.scalar, e.value.loc, &err)) {
          values.set(base->name, {*secret, e.value.loc, true, true});
          given[base->name] = &e;
        } else {
          diags.error(e.value.loc, key + ": " + err);
          given[base->name] = &e;  // reported; not "missing" as well
        }
        continue;
      }
    }
    if (spec == nullptr) {
      std::string msg = key + ": unknown option";
      if (auto s = suggest(key, candidates)) {
        msg += "; did you mean '" + *s + "'?";
      } else {
        msg += " for " + title_;
      }
      diags.error(e.key.loc, msg);
      continue;
    }
    if (given.count(spec->name) != 0) {
      diags.error(e.key.loc, key + ": " + spec->name + " is already given (as " +
                                 given[spec->name]->key.scalar + ")");
      continue;
    }
    given[spec->name] = &e;

    const Node& v = e.value;
    OptionValue parsed;
    if (spec->type == OptionType::Node) {
      parsed = v;
    } else if (spec->type == OptionType::List && v.is_seq()) {
      std::vector<std::string> items;
      for (const auto& item : v.seq) {
        if (!item.is_scalar()) {
          diags.error(item.loc, key + ": list items must be values, got " + item.kind_name());
          continue;
        }
        items.push_back(item.scalar);
      }
      parsed = items;
    } else if (v.is_scalar()) {
      parsed = parse_scalar(*spec, key, v.scalar, v.loc, diags);
    } else if (v.is_null()) {
      diags.error(v.loc.line != 0 ? v.loc : e.key.loc, key + ": a value is required");
    } else {
      diags.error(
          v.loc, key + ": expected " +
                     std::string(spec->type == OptionType::List ? "a list or a value" : "a value") +
                     ", got " + v.kind_name());
    }
    if (spec->check) {
      if (const auto* str = std::get_if<std::string>(&parsed)) {
        if (auto problem = spec->check(*str)) {
          diags.error(v.loc, key + ": " + *problem);
        }
      } else if (const auto* list = std::get_if<std::vector<std::string>>(&parsed)) {
        for (const auto& item : *list) {
          if (auto problem = spec->check(item)) {
            diags.error(v.loc, key + ": " + *problem);
          }
        }
      }
    }
    if (!std::holds_alternative<std::monostate>(parsed)) {
      values.set(spec->name, {std::move(parsed), v.loc, true, spec->secret});
    } else {
      values.set(spec->name, {std::monostate{}, v.loc, true, spec->secret});
    }
  }

  for (const auto& s : specs_) {
    if (s.type == OptionType::Prefix) {
      values.set(s.name, {prefixed[s.name], block.loc, !prefixed[s.name].empty(), false});
      continue;
    }
    if (given.count(s.name) != 0) {
      continue;
    }
    if (s.required) {
      diags.error(block.loc, s.name + ": missing required option of " + title_);
      continue;
    }
    if (s.default_value) {
      Diagnostics ignored;
      values.set(s.name, {parse_scalar(s, s.name, *s.default_value, block.loc, ignored), block.loc,
                          false, s.secret});
    }
  }
  return values;
}

}  // namespace starcdc::config
