#include "config/yaml_tree.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace starcdc::config {

const Node* Node::find(std::string_view key) const {
  for (const auto& e : map) {
    if (e.key.scalar == key) {
      return &e.value;
    }
  }
  return nullptr;
}

const char* Node::kind_name() const {
  switch (kind) {
    case Kind::Null:
      return "nothing";
    case Kind::Scalar:
      return "a value";
    case Kind::Map:
      return "a map";
    case Kind::Seq:
      return "a list";
  }
  return "nothing";
}

namespace {

Location location(const std::string& file, const YAML::Mark& m) {
  return Location{file, m.line + 1, m.column + 1};
}

Node convert(const YAML::Node& y, const std::string& file, Diagnostics& diags) {
  Node n;
  n.loc = location(file, y.Mark());
  switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      n.kind = Node::Kind::Null;
      n.scalar = y.Scalar();  // "null", "~" or empty: kept for messages
      break;
    case YAML::NodeType::Scalar:
      n.kind = Node::Kind::Scalar;
      n.scalar = y.Scalar();
      n.quoted = y.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      n.kind = Node::Kind::Seq;
      for (const auto& item : y) {
        n.seq.push_back(convert(item, file, diags));
      }
      break;
    case YAML::NodeType::Map: {
      n.kind = Node::Kind::Map;
      std::set<std::string> seen;
      for (const auto& kv : y) {
        MapEntry e{convert(kv.first, file, diags), convert(kv.second, file, diags)};
        if (!e.key.is_scalar()) {
          diags.error(e.key.loc,
                      "a key must be a plain name, not " + std::string(e.key.kind_name()));
          continue;
        }
        if (!seen.insert(e.key.scalar).second) {
          diags.error(e.key.loc, e.key.scalar + ": duplicate key");
          continue;
        }
        n.map.push_back(std::move(e));
      }
      break;
    }
  }
  return n;
}

}  // namespace

std::optional<Node> parse_yaml(const std::string& text, const std::string& file,
                               Diagnostics& diags) {
  try {
    const YAML::Node root = YAML::Load(text);
    return convert(root, file, diags);
  } catch (const YAML::Exception& e) {
    // e.msg is yaml-cpp's sentence without the position; the mark gives the position.
    diags.error(location(file, e.mark), "invalid YAML: " + e.msg);
    return std::nullopt;
  }
}

std::optional<std::string> read_text_file(const std::string& path, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error(Location{path, 0, 0}, std::string("cannot read the file: ") + std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace starcdc::config
