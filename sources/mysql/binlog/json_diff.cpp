// JSON diffs of PARTIAL_UPDATE_ROWS_EVENT (sql/json_diff.cc): decoded, then applied to a small
// document tree built from the before image's text. Rare enough (binlog_row_value_options=
// PARTIAL_JSON) that the tree allocates freely.
#include "sources/mysql/binlog/json_diff.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/common/byte_buffer.hpp"
#include "sources/mysql/binlog/byte_reader.hpp"
#include "sources/mysql/binlog/json_binary.hpp"

namespace starcdc::mysql::binlog {
namespace {

enum class DiffOp : uint8_t { Replace = 0, Insert = 1, Remove = 2 };

struct Diff {
  DiffOp op = DiffOp::Replace;
  std::string_view path;
  std::span<const uint8_t> value;  // binary JSON with its type byte
};

std::vector<Diff> read_diffs(std::span<const uint8_t> bytes) {
  std::vector<Diff> diffs;
  ByteReader r(bytes);
  while (!r.empty()) {
    Diff d;
    const uint8_t op = r.u8("a JSON diff operation");
    if (op > 2) {
      throw_malformed("A JSON diff has an unknown operation.");
    }
    d.op = static_cast<DiffOp>(op);
    d.path = r.str(r.lenenc("a JSON diff path length"), "a JSON diff path");
    if (d.op != DiffOp::Remove) {
      d.value = r.bytes(r.lenenc("a JSON diff value length"), "a JSON diff value");
    }
    diffs.push_back(d);
  }
  return diffs;
}

// A parsed JSON document. Scalars keep their text; object keys keep their escaped text.
struct Node {
  enum class Kind : uint8_t { Scalar, Object, Array } kind = Kind::Scalar;
  // Not std::pair<std::string, Node>: a pair needs Node complete where Node is still being
  // defined (g++ accepts it, clang with libstdc++ does not), a vector of a nested struct does not.
  struct Member;
  std::string text;
  std::vector<Member> members;
  std::vector<Node> items;
};

struct Node::Member {
  std::string key;
  Node value;
};

// Parses the compact JSON text that json_binary.cpp writes.
class TextParser {
 public:
  explicit TextParser(std::string_view s) : s_(s) {}
  bool parse(Node& out) { return value(out, 0) && i_ == s_.size(); }

 private:
  bool string_end(size_t& end) {
    size_t j = i_ + 1;
    while (j < s_.size() && s_[j] != '"') {
      j += s_[j] == '\\' ? 2 : 1;
    }
    if (j >= s_.size()) {
      return false;
    }
    end = j;
    return true;
  }
  bool value(Node& out, int depth) {
    if (i_ >= s_.size() || depth > 200) {
      return false;
    }
    const char c = s_[i_];
    if (c == '{' || c == '[') {
      const bool object = c == '{';
      out.kind = object ? Node::Kind::Object : Node::Kind::Array;
      ++i_;
      if (i_ < s_.size() && s_[i_] == (object ? '}' : ']')) {
        ++i_;
        return true;
      }
      for (;;) {
        if (object) {
          size_t end = 0;
          if (i_ >= s_.size() || s_[i_] != '"' || !string_end(end)) {
            return false;
          }
          std::string key(s_.substr(i_ + 1, end - i_ - 1));
          i_ = end + 1;
          if (i_ >= s_.size() || s_[i_] != ':') {
            return false;
          }
          ++i_;
          out.members.push_back(Node::Member{std::move(key), Node{}});
          if (!value(out.members.back().value, depth + 1)) {
            return false;
          }
        } else {
          out.items.emplace_back();
          if (!value(out.items.back(), depth + 1)) {
            return false;
          }
        }
        if (i_ >= s_.size()) {
          return false;
        }
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (s_[i_] == (object ? '}' : ']')) {
          ++i_;
          return true;
        }
        return false;
      }
    }
    const size_t start = i_;
    if (c == '"') {
      size_t end = 0;
      if (!string_end(end)) {
        return false;
      }
      i_ = end + 1;
    } else {
      while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']') {
        ++i_;
      }
    }
    out.kind = Node::Kind::Scalar;
    out.text = std::string(s_.substr(start, i_ - start));
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

void write(const Node& n, ByteBuffer& out) {
  switch (n.kind) {
    case Node::Kind::Scalar:
      out.append(n.text);
      return;
    case Node::Kind::Object:
      out.push_back('{');
      for (size_t i = 0; i < n.members.size(); ++i) {
        if (i > 0) {
          out.push_back(',');
        }
        out.push_back('"');
        out.append(n.members[i].key);
        out.append("\":");
        write(n.members[i].value, out);
      }
      out.push_back('}');
      return;
    case Node::Kind::Array:
      out.push_back('[');
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i > 0) {
          out.push_back(',');
        }
        write(n.items[i], out);
      }
      out.push_back(']');
      return;
  }
}

bool node_from_binary(std::span<const uint8_t> doc, Node& out) {
  ByteBuffer text;
  append_json_document(doc, text);
  return TextParser(text.view()).parse(out);
}

// One step of a JSON path: a member (key as escaped JSON text) or an array cell.
struct Leg {
  bool member = false;
  std::string key;
  bool last = false;   // [last] or [last-N]
  uint64_t index = 0;  // N of [N] or [last-N]
};

bool parse_path(std::string_view p, std::vector<Leg>& legs) {
  size_t i = 0;
  while (i < p.size() && p[i] == ' ') {
    ++i;
  }
  if (i >= p.size() || p[i] != '$') {
    return false;
  }
  ++i;
  while (i < p.size()) {
    Leg leg;
    if (p[i] == '.') {
      ++i;
      leg.member = true;
      std::string raw;
      if (i < p.size() && p[i] == '"') {
        // A quoted key: its inside is JSON string text already.
        size_t j = i + 1;
        while (j < p.size() && p[j] != '"') {
          j += p[j] == '\\' ? 2 : 1;
        }
        if (j >= p.size()) {
          return false;
        }
        leg.key = std::string(p.substr(i + 1, j - i - 1));
        i = j + 1;
      } else {
        const size_t j = p.find_first_of(".[", i);
        const std::string_view k = p.substr(i, j == std::string_view::npos ? p.size() - i : j - i);
        ByteBuffer esc;
        append_json_escaped(esc, k);
        leg.key = std::string(esc.view());
        i += k.size();
      }
    } else if (p[i] == '[') {
      const size_t j = p.find(']', i);
      if (j == std::string_view::npos) {
        return false;
      }
      std::string_view in = p.substr(i + 1, j - i - 1);
      if (in.starts_with("last")) {
        leg.last = true;
        in.remove_prefix(4);
        if (!in.empty()) {
          if (in[0] != '-') {
            return false;
          }
          in.remove_prefix(1);
        }
      }
      for (const char c : in) {
        if (c < '0' || c > '9') {
          return false;
        }
        leg.index = leg.index * 10 + static_cast<uint64_t>(c - '0');
      }
      i = j + 1;
    } else {
      return false;
    }
    legs.push_back(std::move(leg));
  }
  return true;
}

size_t cell(const Leg& leg, size_t size) {
  if (!leg.last) {
    return static_cast<size_t>(leg.index);
  }
  return leg.index + 1 > size ? size_t(-1) : size - 1 - static_cast<size_t>(leg.index);
}

Node* child(Node& n, const Leg& leg) {
  if (leg.member) {
    if (n.kind != Node::Kind::Object) {
      return nullptr;
    }
    for (auto& m : n.members) {
      if (m.key == leg.key) {
        return &m.value;
      }
    }
    return nullptr;
  }
  if (n.kind != Node::Kind::Array) {
    return nullptr;
  }
  const size_t k = cell(leg, n.items.size());
  return k < n.items.size() ? &n.items[k] : nullptr;
}

// MySQL keeps object keys sorted by length, then bytes.
bool key_less(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

bool apply(Node& root, const Diff& d) {
  std::vector<Leg> legs;
  if (!parse_path(d.path, legs)) {
    return false;
  }
  Node value;
  if (d.op != DiffOp::Remove && !node_from_binary(d.value, value)) {
    return false;
  }
  if (legs.empty()) {
    if (d.op != DiffOp::Replace) {
      return false;
    }
    root = std::move(value);
    return true;
  }
  Node* parent = &root;
  for (size_t i = 0; i + 1 < legs.size(); ++i) {
    parent = child(*parent, legs[i]);
    if (parent == nullptr) {
      return false;
    }
  }
  const Leg& leg = legs.back();
  Node* target = child(*parent, leg);
  switch (d.op) {
    case DiffOp::Replace:
      if (target == nullptr) {
        return false;
      }
      *target = std::move(value);
      return true;
    case DiffOp::Insert:
      if (target != nullptr && leg.member) {
        *target = std::move(value);
        return true;
      }
      if (leg.member) {
        if (parent->kind != Node::Kind::Object) {
          return false;
        }
        auto it = parent->members.begin();
        while (it != parent->members.end() && key_less(it->key, leg.key)) {
          ++it;
        }
        parent->members.insert(it, Node::Member{leg.key, std::move(value)});
        return true;
      }
      if (parent->kind != Node::Kind::Array) {
        return false;
      }
      {
        const size_t k = std::min(cell(leg, parent->items.size()), parent->items.size());
        parent->items.insert(parent->items.begin() + static_cast<std::ptrdiff_t>(k),
                             std::move(value));
      }
      return true;
    case DiffOp::Remove:
      if (target == nullptr) {
        return false;
      }
      if (leg.member) {
        for (auto it = parent->members.begin(); it != parent->members.end(); ++it) {
          if (&it->value == target) {
            parent->members.erase(it);
            break;
          }
        }
      } else {
        parent->items.erase(parent->items.begin() + (target - parent->items.data()));
      }
      return true;
  }
  return false;
}

}  // namespace

void append_json_diff_list(std::span<const uint8_t> diffs, ByteBuffer& out) {
  static constexpr const char* kOps[] = {"replace", "insert", "remove"};
  out.push_back('[');
  bool first = true;
  for (const Diff& d : read_diffs(diffs)) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    out.append("{\"op\":\"");
    out.append(kOps[static_cast<size_t>(d.op)]);
    out.append("\",\"path\":");
    append_json_string(out, d.path);
    if (d.op != DiffOp::Remove) {
      out.append(",\"value\":");
      append_json_document(d.value, out);
    }
    out.push_back('}');
  }
  out.push_back(']');
}

bool apply_json_diffs(std::span<const uint8_t> before, std::span<const uint8_t> diffs,
                      ByteBuffer& out) {
  const std::vector<Diff> list = read_diffs(diffs);
  Node root;
  if (!node_from_binary(before, root)) {
    return false;
  }
  for (const Diff& d : list) {
    if (!apply(root, d)) {
      return false;
    }
  }
  write(root, out);
  return true;
}

}  // namespace starcdc::mysql::binlog
