// A YAML document as a tree in which every node knows its file:line:column. yaml-cpp stays
// inside yaml_tree.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.hpp"

namespace starcdc::config {

struct MapEntry;

struct Node {
  enum class Kind : unsigned char { Null, Scalar, Map, Seq };
  Kind kind = Kind::Null;
  std::string scalar;         // Scalar
  bool quoted = false;        // Scalar written in quotes
  std::vector<MapEntry> map;  // Map, in file order
  std::vector<Node> seq;      // Seq
  Location loc;

  bool is_map() const { return kind == Kind::Map; }
  bool is_seq() const { return kind == Kind::Seq; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_null() const { return kind == Kind::Null; }
  // The value under key `key` of a Map, or nullptr.
  const Node* find(std::string_view key) const;
  const char* kind_name() const;
};

struct MapEntry {
  Node key;
  Node value;
};

// Parses `text` (named `file` in locations). Syntax errors and duplicate keys go to `diags`;
// returns nullopt when the text is not YAML at all.
std::optional<Node> parse_yaml(const std::string& text, const std::string& file,
                               Diagnostics& diags);
// Reads a whole file; an unreadable file is a diagnostic.
std::optional<std::string> read_text_file(const std::string& path, Diagnostics& diags);

}  // namespace starcdc::config
