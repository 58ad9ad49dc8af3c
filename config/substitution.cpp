#include "config/substitution.hpp"

#include <cstdlib>

namespace starcdc::config {

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): before threads
    if (v == nullptr) {
      return std::nullopt;
    }
    return std::string(v);
  };
}

namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || (std::isdigit(static_cast<unsigned char>(name[0])) != 0)) {
    return false;
  }
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string substitute(const std::string& text, const Location& where, const EnvLookup& env,
                       Diagnostics& diags) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out.push_back(text[i++]);
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      diags.error(where, "unterminated ${ in '" + text + "'; write $${ for a literal ${");
      return text;
    }
    const std::string inner = text.substr(i + 2, close - i - 2);
    const size_t dflt = inner.find(":-");
    const std::string name = dflt == std::string::npos ? inner : inner.substr(0, dflt);
    if (!valid_name(name)) {
      diags.error(where, "'${" + inner + "}': '" + name + "' is not a variable name");
      return text;
    }
    if (auto v = env(name)) {
      out += *v;
    } else if (dflt != std::string::npos) {
      out += inner.substr(dflt + 2);
    } else {
      diags.error(where, "environment variable " + name + " is not set; set it or write ${" + name +
                             ":-default}");
      return text;
    }
    i = close + 1;
  }
  return out;
}

void substitute_tree(Node& node, const EnvLookup& env, Diagnostics& diags) {
  switch (node.kind) {
    case Node::Kind::Scalar:
      if (node.scalar.find('$') != std::string::npos) {
        node.scalar = substitute(node.scalar, node.loc, env, diags);
      }
      break;
    case Node::Kind::Map:
      for (auto& e : node.map) {
        substitute_tree(e.value, env, diags);
      }
      break;
    case Node::Kind::Seq:
      for (auto& item : node.seq) {
        substitute_tree(item, env, diags);
      }
      break;
    case Node::Kind::Null:
      break;
  }
}

}  // namespace starcdc::config
