// Stream Load request headers -> LoadParams (stream_load.cpp header parsing, spec §2.2).
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "load_format.hpp"

namespace emu {
namespace {

std::string decode_separator(std::string_view s) {
  std::string r;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      if (n == 't') {
        r.push_back('\t');
        ++i;
        continue;
      }
      if (n == 'n') {
        r.push_back('\n');
        ++i;
        continue;
      }
      if ((n == 'x' || n == 'X') && i + 3 < s.size() + 0 && std::isxdigit(s[i + 2]) &&
          std::isxdigit(s[i + 3])) {
        r.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 2, 2)), nullptr, 16)));
        i += 3;
        continue;
      }
    }
    r.push_back(s[i]);
  }
  return r;
}

std::optional<bool> parse_bool(std::string_view v) {
  std::string l = trim_copy(v);
  for (char& c : l) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (l == "true") {
    return true;
  }
  if (l == "false") {
    return false;
  }
  return std::nullopt;
}

std::string lower_copy(std::string_view s) {
  std::string l(s);
  for (char& c : l) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return l;
}

const std::string* find_header(const HeaderMap& h, const char* k) {
  auto it = h.find(k);
  return it == h.end() || it->second.empty() ? nullptr : &it->second;
}

// `compression` / `Content-Encoding` (stream_load.cpp, transaction_stream_load.cpp): at most
// one of them; the FE maps the value with CompressionUtils.findTCompressionByName (a
// case-insensitive map) and fails planning on an unknown name; the BE's stream decompressor
// then handles GZIP, DEFLATE, BZIP2, LZ4_FRAME, ZSTD (and SNAPPY, not modelled).
bool parse_compression(const HeaderMap& h, LoadParams* p, std::string* error) {
  const std::string* ce = find_header(h, "content-encoding");
  const std::string* cp = find_header(h, "compression");
  if (ce != nullptr && cp != nullptr) {
    *error = "Only one of http header content-encoding and compression can be set";
    return false;
  }
  const std::string* v = ce != nullptr ? ce : cp;
  if (v == nullptr) {
    return true;
  }
  std::string l = lower_copy(*v);
  Codec c = Codec::kNone;
  if (l == "gzip") {
    c = Codec::kGzip;
  } else if (l == "deflate") {
    c = Codec::kDeflate;
  } else if (l == "bzip2") {
    c = Codec::kBzip2;
  } else if (l == "lz4_frame") {
    c = Codec::kLz4Frame;
  } else if (l == "zstd") {
    c = Codec::kZstd;
  } else if (l == "no_compression") {
    return true;
  } else if (l == "lz4" || l == "zlib") {
    // Known to the FE, but StreamCompression::create_decompressor has no stream decoder for
    // them (CompressionTypePB LZ4 = 4, ZLIB = 6).
    *error = std::string("Unknown compress type: ") + (l == "lz4" ? "4" : "6");
    return false;
  } else if (l == "snappy") {
    *error = "The emulator does not model SNAPPY body compression";
    return false;
  } else {
    *error = "Unsupported compression type: " + *v;
    return false;
  }
  if (!p->json) {
    // The header is documented for JSON; CSV announces compression with `format`. Releases
    // differ in what they do with the header on CSV, so the emulator refuses it.
    *error =
        "The emulator models the compression/Content-Encoding header for JSON only; "
        "compressed CSV is announced with format: gzip|bzip2|lz4|deflate|zstd";
    return false;
  }
  p->codec = c;
  return true;
}

// trim_space, skip_header, enclose, escape (StreamLoadAction::_process_put).
bool parse_csv_options(const HeaderMap& h, LoadParams* p, std::string* error) {
  if (const std::string* v = find_header(h, "skip_header")) {
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(v->c_str(), &end, 10);
    if (end == v->c_str() || errno != 0) {  // std::stoll: invalid_argument
      *error = "Invalid csv load skip_header format";
      return false;
    }
    if (n < 0) {
      *error = "skip_header must be equal or greater than 0";
      return false;
    }
    p->skip_header = n;
  }
  if (const std::string* v = find_header(h, "trim_space")) {
    std::string l = lower_copy(*v);
    if (l != "true" && l != "false") {
      *error = "Invalid trim space format. Must be bool type";
      return false;
    }
    p->trim_space = l == "true";
  }
  if (const std::string* v = find_header(h, "enclose")) {
    p->enclose = (*v)[0];
  }
  if (const std::string* v = find_header(h, "escape")) {
    p->escape = (*v)[0];
  }
  return true;
}

}  // namespace

std::string trim_copy(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

std::string unquote_identifier(std::string s) {
  s = trim_copy(s);
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

// Decodes separator notations: "\t", "\n", "\xHH" hex escapes; anything else is literal.

std::optional<LoadParams> parse_load_params(const HeaderMap& h, std::string* error, bool txn_load) {
  LoadParams p;
  auto get = [&](const char* k) -> const std::string* {
    auto it = h.find(k);
    return it == h.end() ? nullptr : &it->second;
  };
  // parse_format (stream_load.cpp / transaction_stream_load.cpp): boost::iequals, no trimming.
  if (const std::string* f = get("format"); f != nullptr && !f->empty()) {
    std::string l = lower_copy(*f);
    if (l == "json") {
      p.json = true;
    } else if (l == "gzip") {
      p.codec = Codec::kGzip;
    } else if (l == "bzip2") {
      p.codec = Codec::kBzip2;
    } else if (l == "lz4") {
      p.codec = Codec::kLz4Frame;
    } else if (l == "deflate") {
      p.codec = Codec::kDeflate;
    } else if (l == "zstd") {
      p.codec = Codec::kZstd;
    } else if (l != "csv") {
      *error = "unknown data format, format=" + *f;
      return std::nullopt;
    }
  }
  if (const std::string* v = get("column_separator")) {
    p.column_separator = decode_separator(*v);
  }
  if (const std::string* v = get("row_delimiter")) {
    p.row_delimiter = decode_separator(*v);
  }
  if (p.column_separator.empty() || p.row_delimiter.empty()) {
    *error = "column_separator and row_delimiter must not be empty";
    return std::nullopt;
  }
  if (const std::string* v = get("columns")) {
    p.columns = *v;
  }
  if (const std::string* v = get("jsonpaths")) {
    p.jsonpaths = *v;
  }
  auto flag = [&](const char* name, bool* dst, const char* msg) {
    if (const std::string* v = get(name)) {
      auto b = parse_bool(*v);
      if (!b) {
        *error = msg;
        return false;
      }
      *dst = *b;
    }
    return true;
  };
  if (!flag("strip_outer_array", &p.strip_outer_array, "Invalid strip_outer_array format") ||
      !flag("ignore_json_size", &p.ignore_json_size, "Invalid ignore_json_size format") ||
      !flag("partial_update", &p.partial_update,
            "Invalid partial update flag format. Must be bool type") ||
      !flag("strict_mode", &p.strict_mode, "Invalid strict mode format. Must be bool type")) {
    return std::nullopt;
  }
  if (const std::string* v = get("merge_condition")) {
    p.merge_condition = unquote_identifier(*v);
  }
  if (const std::string* v = get("max_filter_ratio")) {
    char* end = nullptr;
    p.max_filter_ratio = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || p.max_filter_ratio < 0 || p.max_filter_ratio > 1) {
      *error = "Invalid max_filter_ratio: " + *v;
      return std::nullopt;
    }
  }
  if (const std::string* v = get("timeout")) {
    char* end = nullptr;
    long t = std::strtol(v->c_str(), &end, 10);
    if (end == v->c_str() || *end != '\0' || t <= 0) {
      *error = "Invalid timeout format";
      return std::nullopt;
    }
    p.timeout_s = static_cast<double>(t);
  }
  if (const std::string* v = get("where")) {
    p.where = *v;
    *error = "The emulator does not model the `where` header";
    return std::nullopt;
  }
  if (!txn_load && !parse_csv_options(h, &p, error)) {
    return std::nullopt;
  }
  if (!parse_compression(h, &p, error)) {
    return std::nullopt;
  }
  for (const char* k : {"format", "column_separator", "row_delimiter", "columns", "jsonpaths",
                        "strip_outer_array", "ignore_json_size", "partial_update",
                        "partial_update_mode", "merge_condition", "max_filter_ratio", "strict_mode",
                        "timezone", "json_root", "where", "compression", "content-encoding"}) {
    if (const std::string* v = get(k)) {
      p.fingerprint += std::string(k) + "=" + *v + "\n";
    }
  }
  return p;
}

}  // namespace emu
