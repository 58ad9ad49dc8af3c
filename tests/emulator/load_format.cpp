#include "load_format.hpp"

#include <rapidjson/document.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace emu {
namespace {

constexpr size_t kMaxErrorLines = 100;
constexpr size_t kPrimaryKeyLimitBytes = 128;  // BE primary_key_limit_size

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

struct ColumnsEntry {
  std::string name;
  bool derived = false;
  bool is_const = false;
  std::string value;  // referenced source name, or constant text
};

// Splits the `columns` header: `a`, b, tmp, __op = tmp, c = 'x'.
bool parse_columns(std::string_view text, std::vector<ColumnsEntry>* out, std::string* err) {
  std::vector<std::string> parts;
  std::string cur;
  char quote = 0;
  int parens = 0;
  for (char c : text) {
    if (quote != 0) {
      cur.push_back(c);
      if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
    } else if (c == '(') {
      ++parens;
    } else if (c == ')') {
      --parens;
    } else if (c == ',' && parens == 0) {
      parts.push_back(cur);
      cur.clear();
      continue;
    }
    cur.push_back(c);
  }
  parts.push_back(cur);
  for (const std::string& p : parts) {
    ColumnsEntry e;
    size_t eq = std::string::npos;
    char q = 0;
    for (size_t i = 0; i < p.size(); ++i) {
      if (q != 0) {
        q = p[i] == q ? 0 : q;
      } else if (p[i] == '\'' || p[i] == '"' || p[i] == '`') {
        q = p[i];
      } else if (p[i] == '=') {
        eq = i;
        break;
      }
    }
    if (eq == std::string::npos) {
      e.name = unquote_identifier(p);
      if (e.name.empty()) {
        *err = "empty column name in columns: " + std::string(text);
        return false;
      }
      out->push_back(std::move(e));
      continue;
    }
    e.name = unquote_identifier(p.substr(0, eq));
    e.derived = true;
    std::string expr = trim_copy(std::string_view(p).substr(eq + 1));
    if (expr.size() >= 2 && (expr.front() == '\'' || expr.front() == '"') &&
        expr.back() == expr.front()) {
      e.is_const = true;
      e.value = expr.substr(1, expr.size() - 2);
    } else if (!expr.empty() &&
               (std::isdigit(static_cast<unsigned char>(expr[0])) || expr[0] == '-')) {
      e.is_const = true;
      e.value = expr;
    } else {
      std::string ref = unquote_identifier(expr);
      bool ident = !ref.empty() && std::all_of(ref.begin(), ref.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
      });
      if (!ident) {
        *err =
            "The emulator supports only column references and constants in columns, got: " + expr;
        return false;
      }
      e.value = ref;
    }
    out->push_back(std::move(e));
  }
  return true;
}

// A field of the current record, as a view into the body (or into the nested-value arena).
struct Field {
  bool present = false;
  bool is_null = false;
  bool nested = false;
  const char* p = nullptr;
  size_t n = 0;
  size_t nested_off = 0;
};

// How the record's fields map to table columns.
struct Plan {
  const Table* table = nullptr;
  std::vector<std::string> source_names;
  std::vector<int> col_source;                        // per column: source index or -1
  std::vector<std::optional<std::string>> col_const;  // per column: constant from columns
  int op_source = -1;
  int op_const = -1;  // 0 upsert, 1 delete
  bool partial = false;
  bool per_row_presence = false;  // JSON partial update without `columns`
  bool strict = false;
  bool keep_rows = false;
};

std::optional<int> parse_op(std::string_view v) {
  if (v.size() == 1 && (v[0] == '0' || v[0] == '1')) {
    return v[0] - '0';
  }
  std::string t = trim_copy(v);
  for (char& c : t) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (t == "0" || t == "upsert") {
    return 0;
  }
  if (t == "1" || t == "delete") {
    return 1;
  }
  return std::nullopt;
}

bool build_plan(const LoadParams& params, const Table* table, bool keep_rows, Plan* plan,
                std::string* err) {
  plan->table = table;
  plan->keep_rows = keep_rows;
  plan->strict = params.strict_mode;
  plan->partial = params.partial_update;
  if (table == nullptr) {
    return true;
  }
  if (params.partial_update && table->keys_type != KeysType::kPrimary) {
    *err = "partial update failed: Only primary key table support partial update";
    return false;
  }
  if (!params.merge_condition.empty() && table->column_index(params.merge_condition) < 0) {
    *err = "Merge condition column " + params.merge_condition + " does not exist";
    return false;
  }
  size_t ncols = table->columns.size();
  plan->col_source.assign(ncols, -1);
  plan->col_const.assign(ncols, std::nullopt);
  bool is_pk = table->keys_type == KeysType::kPrimary;
  if (!params.columns) {
    for (const Column& c : table->columns) {
      plan->source_names.push_back(c.name);
    }
    for (size_t i = 0; i < ncols; ++i) {
      plan->col_source[i] = static_cast<int>(i);
    }
    if (params.json && is_pk) {
      plan->op_source = static_cast<int>(plan->source_names.size());
      plan->source_names.push_back("__op");
    }
    plan->per_row_presence = params.partial_update && params.json;
  } else {
    std::vector<ColumnsEntry> entries;
    if (!parse_columns(*params.columns, &entries, err)) {
      return false;
    }
    auto source_index = [&](std::string_view n) -> int {
      for (size_t i = 0; i < plan->source_names.size(); ++i) {
        if (iequals(plan->source_names[i], n)) {
          return static_cast<int>(i);
        }
      }
      return -1;
    };
    for (const ColumnsEntry& e : entries) {
      if (!e.derived) {
        plan->source_names.push_back(e.name);
      }
    }
    std::vector<bool> referenced(plan->source_names.size(), false);
    for (const ColumnsEntry& e : entries) {
      int src = -1;
      std::optional<std::string> cst;
      if (!e.derived) {
        src = source_index(e.name);
      } else if (e.is_const) {
        cst = e.value;
      } else {
        src = source_index(e.value);
        if (src < 0) {
          *err = "Unknown column '" + e.value + "' in columns expression";
          return false;
        }
        referenced[static_cast<size_t>(src)] = true;
      }
      if (iequals(e.name, "__op")) {
        if (!is_pk) {
          continue;
        }
        if (cst) {
          auto op = parse_op(*cst);
          if (!op) {
            *err = "Invalid __op value: " + *cst;
            return false;
          }
          plan->op_const = *op;
        } else {
          plan->op_source = src;
        }
        if (src >= 0) {
          referenced[static_cast<size_t>(src)] = true;
        }
        continue;
      }
      int ci = table->column_index(e.name);
      if (ci < 0) {
        continue;  // a temporary source column; checked below
      }
      if (src >= 0) {
        referenced[static_cast<size_t>(src)] = true;
      }
      plan->col_source[static_cast<size_t>(ci)] = src;
      plan->col_const[static_cast<size_t>(ci)] = cst;
    }
    for (size_t i = 0; i < plan->source_names.size(); ++i) {
      if (!referenced[i] && table->column_index(plan->source_names[i]) < 0) {
        *err = "Unknown column '" + plan->source_names[i] + "' in '" + table->name + "'";
        return false;
      }
    }
  }
  if (params.jsonpaths && params.json) {
    rapidjson::Document d;
    d.Parse(params.jsonpaths->c_str());
    if (d.HasParseError() || !d.IsArray()) {
      *err = "Invalid jsonpaths: " + *params.jsonpaths;
      return false;
    }
    std::vector<std::string> keys;
    for (const auto& v : d.GetArray()) {
      std::string path = v.IsString() ? v.GetString() : "";
      if (path.rfind("$.", 0) != 0 || path.find_first_of(".[", 2) != std::string::npos) {
        *err = "The emulator supports only top-level jsonpaths like \"$.key\", got: " + path;
        return false;
      }
      keys.push_back(path.substr(2));
    }
    if (keys.size() > plan->source_names.size()) {
      *err = "jsonpaths has more entries than columns";
      return false;
    }
    // The i-th path feeds the i-th source field: rename the lookup keys.
    for (size_t i = 0; i < keys.size(); ++i) {
      plan->source_names[i] = keys[i];
    }
    plan->source_names.resize(keys.size());
  }
  return true;
}

// Turns records into row ops and counters.
class RowProcessor {
 public:
  RowProcessor(const Plan& plan, LoadOutput* out) : plan_(plan), out_(out) {
    fields_.resize(plan.source_names.size());
    // The discard fast path applies when every column is fed by a source field.
    const Table* t = plan.table;
    fast_ = t != nullptr && !plan.keep_rows && !plan.partial && plan.op_const != 1;
    for (size_t c = 0; fast_ && c < t->columns.size(); ++c) {
      const Column& col = t->columns[c];
      int src = plan.col_source[c];
      fast_ = src >= 0;
      fast_cols_.push_back(
          {static_cast<size_t>(src > 0 ? src : 0), &col.type, col.is_key, col.type.is_string()});
    }
    pk_ = t != nullptr && t->keys_type == KeysType::kPrimary;
  }

  std::vector<Field>& fields() { return fields_; }
  void clear_fields() {
    for (Field& f : fields_) {
      f.present = false;
    }
  }
  const char* nested_base = nullptr;

  void filter_row(const std::string& reason, const std::string& row_text) {
    ++out_->counters.total;
    ++out_->counters.filtered;
    if (out_->errors.size() < kMaxErrorLines) {
      out_->errors.push_back("Error: " + reason + ". Row: " + row_text);
    }
  }

  // Processes the current fields as one record.
  void process() {
    const Table* t = plan_.table;
    if (t == nullptr || (fast_ && fast_row())) {
      ++out_->counters.total;
      ++out_->counters.loaded;
      return;
    }
    bool is_delete = false;
    if (plan_.op_const >= 0) {
      is_delete = plan_.op_const == 1;
    } else if (plan_.op_source >= 0) {
      const Field& f = fields_[static_cast<size_t>(plan_.op_source)];
      if (f.present && !f.is_null) {
        auto op = parse_op(view(f));
        if (!op) {
          filter_row("invalid value of __op: " + std::string(view(f)), row_text());
          return;
        }
        is_delete = *op == 1;
      }
    }
    size_t ncols = t->columns.size();
    RowOp* op = nullptr;
    if (plan_.keep_rows) {
      out_->ops.emplace_back();
      op = &out_->ops.back();
      op->is_delete = is_delete;
      op->values.resize(ncols);
      if (plan_.partial) {
        op->present.assign(ncols, true);
      }
    }
    size_t key_bytes = 0;
    for (size_t c = 0; c < ncols; ++c) {
      const Column& col = t->columns[c];
      if (is_delete && !col.is_key) {
        if (op != nullptr && plan_.partial) {
          op->present[c] = false;
        }
        continue;
      }
      int src = plan_.col_source[c];
      const Field* f = src >= 0 ? &fields_[static_cast<size_t>(src)] : nullptr;
      std::optional<std::string_view> in;
      bool missing = false;
      if (f != nullptr && f->present) {
        if (!f->is_null) {
          in = view(*f);
        }
      } else if (plan_.col_const[c]) {
        in = std::string_view(*plan_.col_const[c]);
      } else {
        missing = true;
      }
      if (missing) {
        if (plan_.partial && (plan_.per_row_presence || src < 0)) {
          if (col.is_key) {
            return reject(op, "the primary key column `" + col.name + "` is missing");
          }
          if (op != nullptr) {
            op->present[c] = false;
          }
          continue;
        }
        if (col.default_current_timestamp || col.default_value) {
          if (op != nullptr) {
            op->values[c] =
                col.default_current_timestamp ? now_datetime_text() : *col.default_value;
          }
          continue;
        }
        if (!col.nullable) {
          return reject(op, "column `" + col.name +
                                "` is NOT NULL and the load has no value "
                                "for it");
        }
        continue;  // NULL
      }
      if (!in) {
        if (!col.nullable) {
          return reject(op, "NULL value in non-nullable column '" + col.name + "'");
        }
        continue;
      }
      ConvertStatus st = convert_value(col.type, *in, op != nullptr ? &scratch_ : nullptr);
      // An over-long string is an unqualified value like a failed cast (strict mode doc page).
      if (st == ConvertStatus::kTooLong && (plan_.strict || !col.nullable)) {
        return reject(op, "Value length is beyond the capacity. column=" + col.name +
                              ", capacity=" + std::to_string(col.type.length));
      }
      if (st == ConvertStatus::kTooLong) {
        continue;  // non-strict mode: NULL
      }
      if (st == ConvertStatus::kInvalid) {
        if (plan_.strict || !col.nullable) {
          return reject(op, "Value '" + std::string(*in) + "' is invalid for column `" + col.name +
                                "` of type " + col.type.to_sql());
        }
        continue;  // non-strict mode: a failed conversion becomes NULL
      }
      if (col.is_key) {
        key_bytes += col.type.is_string() ? in->size() : 8;
      }
      if (op != nullptr) {
        op->values[c] = std::move(scratch_);
        scratch_.clear();
      }
    }
    if (t->keys_type == KeysType::kPrimary && key_bytes > kPrimaryKeyLimitBytes &&
        out_->fatal.empty()) {
      out_->fatal = "primary key size exceed the limit.";
    }
    ++out_->counters.total;
    ++out_->counters.loaded;
  }

 private:
  std::string_view view(const Field& f) const {
    if (f.nested) {
      return std::string_view(nested_base + f.nested_off, f.n);
    }
    return std::string_view(f.p, f.n);
  }

  void reject(RowOp* op, const std::string& reason) {
    if (op != nullptr) {
      out_->ops.pop_back();
    }
    filter_row(reason, row_text());
  }

  std::string row_text() const {
    std::string r = "{";
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (!fields_[i].present) {
        continue;
      }
      if (r.size() > 1) {
        r += ",";
      }
      r += "\"" + plan_.source_names[i] + "\":";
      r += fields_[i].is_null ? "null" : "\"" + std::string(view(fields_[i])) + "\"";
    }
    return r + "}";
  }

  // Discard mode, common case: an upsert whose every column has a present, non-NULL, scalar
  // field that converts. Anything else (deletes, missing or NULL fields, failed conversions,
  // over-long keys) returns false and goes through the general path, which decides.
  bool fast_row() const {
    if (plan_.op_source >= 0) {
      const Field& f = fields_[static_cast<size_t>(plan_.op_source)];
      if (f.present && (f.is_null || f.nested || f.n != 1 || f.p[0] != '0')) {
        return false;
      }
    }
    size_t key_bytes = 0;
    for (const FastCol& fc : fast_cols_) {
      const Field& f = fields_[fc.src];
      if (!f.present || f.is_null || f.nested ||
          convert_value(*fc.type, std::string_view(f.p, f.n), nullptr) != ConvertStatus::kOk) {
        return false;
      }
      if (fc.is_key) {
        key_bytes += fc.string_key ? f.n : 8;
      }
    }
    return !pk_ || key_bytes <= kPrimaryKeyLimitBytes;
  }

  struct FastCol {
    size_t src;
    const ColumnType* type;
    bool is_key;
    bool string_key;
  };

  const Plan& plan_;
  LoadOutput* out_;
  std::vector<Field> fields_;
  std::string scratch_;
  bool fast_ = false;
  bool pk_ = false;
  std::vector<FastCol> fast_cols_;
};

// True when s[0, n) is well-formed UTF-8 (no overlong forms, no surrogates, <= U+10FFFF).
bool valid_utf8(const char* s, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  const unsigned char* e = p + n;
  while (p < e) {
    if (e - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (static_cast<size_t>(e - p) < len) {
      return false;
    }
    for (size_t i = 1; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    p += len;
  }
  return true;
}

// Offset of the first byte equal to a or b in [p, end), or end - p.
inline size_t find_either(const char* p, const char* end, char a, char b) {
  const char* q = p;
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  while (end - q >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)));
    if (mask != 0) {
      return static_cast<size_t>(q - p) + static_cast<size_t>(__builtin_ctz(mask));
    }
    q += 16;
  }
#endif
  while (q < end && *q != a && *q != b) {
    ++q;
  }
  return static_cast<size_t>(q - p);
}

// csv_scanner.cpp string_2_asc: a separator as the column-count error prints it.
std::string separator_text(std::string_view s) {
  std::string r = "'";
  for (char c : s) {
    if (c == '\n') {
      r += "\\n";
    } else if (c == '\t') {
      r += "\\t";
    } else if (std::isprint(static_cast<unsigned char>(c))) {
      r.push_back(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "0x%x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      r += buf;
    }
  }
  return r + "'";
}

// Splits a CSV body into records and fields the way StarRocks' CSV scanner does
// (exec/file_scanner/csv_scanner.cpp, formats/csv/csv_reader.cpp):
//  - without enclose and escape: records end at row_delimiter, fields at column_separator
//    (CSVReader::next_record + split_record), trim_space trims spaces on both sides;
//  - with enclose or escape: the state machine of CSVReader::more_rows (see next_v2).
// A body that does not end with row_delimiter gets one appended (ScannerCSVReader::_fill_buffer),
// so the data seen is body + (missing delimiter).
class CsvReader {
 public:
  CsvReader(const LoadParams& p, const char* body, size_t size)
      : d_(body),
        size_(size),
        cs_(p.column_separator),
        rd_(p.row_delimiter),
        enc_(p.enclose),
        esc_(p.escape),
        trim_(p.trim_space),
        v2_(p.enclose != 0 || p.escape != 0) {
    bool ends =
        size_ >= rd_.size() && std::memcmp(d_ + size_ - rd_.size(), rd_.data(), rd_.size()) == 0;
    n_ = size_ + (ends ? 0 : rd_.size());
    for (char c : {cs_[0], rd_[0], enc_, esc_}) {
      special_[static_cast<unsigned char>(c)] = true;
    }
    // START tests delimiters, then escape, then enclose: the enclosed-field fast path needs an
    // enclose character that is none of those.
    enc_fast_ = enc_ != esc_ && enc_ != cs_[0] && enc_ != rd_[0];
  }

  // Skips `n` records delimited by row_delimiter alone (skip_header uses next_record(Record*)
  // even when enclose/escape are set); false when the data ends first.
  bool skip_records(int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      if (pos_ >= n_) {
        return false;
      }
      pos_ = find_rd(pos_) + rd_.size();
    }
    return true;
  }

  // Next non-empty record: its fields (views into the body or into a per-record buffer) and
  // its raw text without the final delimiter. False at the end of the data.
  bool next(std::vector<std::string_view>* fields, std::string_view* raw) {
    return v2_ ? next_v2(fields, raw) : next_v1(fields, raw);
  }

 private:
  char at(size_t i) const { return i < size_ ? d_[i] : rd_[i - size_]; }
  bool match(const std::string& s, size_t i) const {
    if (s.size() == 1) {
      return i < n_ && at(i) == s[0];
    }
    if (i + s.size() > n_) {
      return false;
    }
    for (size_t k = 0; k < s.size(); ++k) {
      if (at(i + k) != s[k]) {
        return false;
      }
    }
    return true;
  }
  // Start of the next row delimiter at or after i (n_ - rd size at worst: the data ends with one).
  size_t find_rd(size_t i) const {
    if (i < size_) {
      if (rd_.size() == 1) {
        const void* p = std::memchr(d_ + i, rd_[0], size_ - i);
        if (p != nullptr) {
          return static_cast<size_t>(static_cast<const char*>(p) - d_);
        }
      } else {
        std::string_view data(d_, size_);
        size_t f = data.find(rd_, i);
        if (f != std::string_view::npos) {
          return f;
        }
      }
    }
    return n_ - rd_.size();
  }
  std::string_view view(size_t b, size_t e) const {
    // Fields never reach into the appended delimiter except at the very end of the data.
    return std::string_view(d_ + b, std::min(e, size_) - std::min(b, size_));
  }

  static std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') {
      s.remove_prefix(1);
    }
    while (!s.empty() && s.back() == ' ') {
      s.remove_suffix(1);
    }
    return s;
  }

  bool next_v1(std::vector<std::string_view>* fields, std::string_view* raw) {
    while (pos_ < n_) {
      size_t end = find_rd(pos_);
      std::string_view line = view(pos_, end);
      pos_ = end + rd_.size();
      if (line.empty()) {
        continue;  // blank rows are always skipped
      }
      *raw = line;
      fields->clear();
      size_t f = 0;
      while (true) {
        size_t e = cs_.size() == 1 ? line.find(cs_[0], f) : line.find(cs_, f);
        std::string_view piece = line.substr(f, e == std::string_view::npos ? e : e - f);
        fields->push_back(trim_ ? trim_spaces(piece) : piece);
        if (e == std::string_view::npos) {
          break;
        }
        f = e + cs_.size();
      }
      return true;
    }
    return false;
  }

  // One field of the state machine: raw bytes [b, e) without the positions in removed_ (escape
  // characters and the first of two enclose characters), minus its last byte when the field
  // was enclosed (the closing enclose character). Kept as offsets until the record is complete
  // (unescaped_ may grow meanwhile).
  struct FieldRef {
    bool copied;
    size_t off;
    size_t len;
  };
  void push_field(size_t b, size_t e, bool enclosed) {
    if (removed_.empty() && e <= size_) {
      size_t len = e - b;
      if (enclosed && len > 0) {
        --len;
      }
      refs_.push_back({false, b, len});
      return;
    }
    size_t start = unescaped_.size();
    size_t from = b;
    for (size_t k = 0; k <= removed_.size(); ++k) {
      size_t to = k < removed_.size() ? std::min(removed_[k], e) : e;
      if (to > from) {  // copy [from, to): from the body, then from the appended delimiter
        size_t body_end = std::min(to, size_);
        if (body_end > from) {
          unescaped_.append(d_ + from, body_end - from);
        }
        for (size_t i = std::max(from, size_); i < to; ++i) {
          unescaped_.push_back(at(i));
        }
      }
      from = to + 1;
      if (from >= e) {
        break;
      }
    }
    size_t len = unescaped_.size() - start;
    if (enclosed && len > 0) {
      --len;
    }
    refs_.push_back({true, start, len});
    removed_.clear();
  }
  void resolve(std::vector<std::string_view>* fields) const {
    fields->clear();
    for (const FieldRef& r : refs_) {
      fields->push_back(r.copied ? std::string_view(unescaped_.data() + r.off, r.len)
                                 : std::string_view(d_ + r.off, r.len));
    }
  }

  // CSVReader::more_rows: states START, ORDINARY, ENCLOSE, ENCLOSE_ESCAPE, ESCAPE.
  //  START: leading spaces skipped with trim_space; a delimiter ends the (empty) field; the
  //    escape character is dropped and the next byte taken literally; an enclose character opens
  //    an enclosed field, except that two of them followed by a delimiter are an empty field
  //    and two followed by anything else make the field's first byte an enclose character.
  //  ENCLOSE: separators and delimiters are data; two enclose characters are one; one enclose
  //    character ends the enclosure (the rest of the field is ORDINARY); the escape character
  //    is dropped and escapes the next enclose, escape, row delimiter or column separator; any
  //    other byte after it is taken as ORDINARY data, which ends the enclosure.
  //  ORDINARY: a delimiter ends the field; an escape character escapes the next byte as above;
  //    an enclose character is dropped and the byte after it is taken literally.
  // A field equal to \N after this is NULL (NullableConverter), so with escape `\` the NULL
  // marker must be written \\N, and a plain \N loads as the string "N".
  bool next_v2(std::vector<std::string_view>* fields, std::string_view* raw) {
    enum class S { kStart, kOrdinary, kEnclose, kEncloseEscape, kEscape };
    const size_t csl = cs_.size();
    const size_t rdl = rd_.size();
    while (pos_ < n_) {
      const size_t row_start = pos_;
      refs_.clear();
      removed_.clear();
      unescaped_.clear();
      S st = S::kStart;
      S pre = S::kStart;
      size_t p = pos_;
      size_t col_start = p;
      size_t ws = std::string::npos;  // trim_space: first space after a closing enclose
      bool enclosed = false;
      bool row_done = false;
      bool empty_row = false;
      auto end_field = [&](size_t delim_len) {
        size_t e = trim_ && ws != std::string::npos ? ws : p - delim_len;
        push_field(col_start, e, enclosed);
        enclosed = false;
        ws = std::string::npos;
        st = S::kStart;
      };
      while (!row_done) {
        if (p >= n_) {
          // The data ends inside a field (open enclosure, or an escaped final delimiter): the
          // reader appends one more delimiter and ends the row there.
          if (!(refs_.empty() && col_start == n_)) {
            p = n_ + rdl;
            end_field(rdl);
          }
          pos_ = n_;
          *raw = view(row_start, n_);
          resolve(fields);
          return !fields->empty();
        }
        switch (st) {
          case S::kStart: {
            if (!trim_ && p < size_) {
              // Fast paths for the two common shapes; anything else runs the state machine
              // from this same position. `"text"` with no enclose or escape character inside,
              // followed by a delimiter:
              char c0 = d_[p];
              size_t b = 0;
              size_t q = 0;
              if (c0 == enc_ && enc_fast_) {
                b = p + 1;
                if (b < size_ && d_[b] != enc_) {
                  q = b + find_either(d_ + b, d_ + size_, enc_, esc_);
                  if (q < size_ && d_[q] == enc_ && (q + 1 >= size_ || d_[q + 1] != enc_)) {
                    ++q;  // past the closing enclose
                  } else {
                    q = 0;
                  }
                }
              } else if (!special_[static_cast<unsigned char>(c0)]) {
                // plain bytes up to a delimiter:
                b = p;
                q = p + 1;
                while (q < size_ && !special_[static_cast<unsigned char>(d_[q])]) {
                  ++q;
                }
              }
              if (q != 0) {
                size_t len = (c0 == enc_ ? q - 1 : q) - b;
                if (match(rd_, q)) {
                  refs_.push_back({false, b, len});
                  p = q + rdl;
                  row_done = true;
                  break;
                }
                if (match(cs_, q)) {
                  refs_.push_back({false, b, len});
                  p = q + csl;
                  break;
                }
              }
            }
            if (trim_) {
              while (p < n_ && at(p) == ' ') {
                ++p;
              }
              if (p >= n_) {
                continue;
              }
            }
            col_start = p;
            if (match(rd_, p)) {
              p += rdl;
              if (refs_.empty() && p - rdl == col_start) {
                empty_row = true;
              } else {
                end_field(rdl);
              }
              row_done = true;
              break;
            }
            if (match(cs_, p)) {
              p += csl;
              end_field(csl);
              break;
            }
            char c = at(p);
            if (c == esc_) {
              pre = S::kOrdinary;
              st = S::kEscape;
              removed_.push_back(p++);
              break;
            }
            if (c == enc_) {
              ++p;
              col_start = p;
              if (p >= n_) {
                continue;
              }
              if (at(p) != enc_) {
                st = S::kEnclose;
                enclosed = true;
                break;
              }
              ++p;  // "" : an empty field, or an escaped enclose character
              if (p >= n_) {
                enclosed = true;
                continue;
              }
              if (match(rd_, p)) {
                p += rdl;
                enclosed = true;
                end_field(rdl);
                row_done = true;
              } else if (match(cs_, p)) {
                p += csl;
                enclosed = true;
                end_field(csl);
              } else {
                st = S::kOrdinary;
              }
              break;
            }
            st = S::kOrdinary;
            ++p;
            break;
          }
          case S::kEnclose: {
            // Fast path: skip bytes that are neither the enclose nor the escape character.
            p += find_either(d_ + p, d_ + std::max(p, size_), enc_, esc_);
            if (p >= n_) {
              continue;
            }
            char c = at(p);
            if (c == enc_) {
              ++p;
              if (p >= n_) {
                enclosed = true;
                continue;
              }
              pre = S::kEnclose;
              if (at(p) == enc_) {
                st = S::kEncloseEscape;
                removed_.push_back(p - 1);
              } else {
                st = S::kOrdinary;
              }
            } else if (c == esc_) {
              pre = S::kEnclose;
              st = S::kEscape;
              removed_.push_back(p++);
            } else {
              ++p;
            }
            break;
          }
          case S::kEncloseEscape:
            st = pre;
            ++p;
            break;
          case S::kEscape: {
            char c = at(p);
            if (c == enc_ || c == esc_) {
              st = pre;
              ++p;
              break;
            }
            if (match(rd_, p)) {
              p += rdl;
              st = pre;
              break;
            }
            if (match(cs_, p)) {
              p += csl;
              st = pre;
              break;
            }
            // Any other byte: taken as ORDINARY data (the switch falls through in StarRocks).
            if (trim_ && pre == S::kEnclose) {
              if (c == ' ') {
                ws = p;
              }
              pre = S::kOrdinary;
            }
            ++p;
            st = S::kOrdinary;
            break;
          }
          case S::kOrdinary: {
            if (trim_ && pre == S::kEnclose) {
              if (at(p) == ' ') {
                ws = p;
              }
              pre = S::kOrdinary;
            }
            // Fast path: bytes that start no delimiter and are neither enclose nor escape.
            while (p < size_ && !special_[static_cast<unsigned char>(d_[p])]) {
              ++p;
            }
            if (p >= n_) {
              continue;
            }
            if (match(rd_, p)) {
              p += rdl;
              end_field(rdl);
              row_done = true;
              break;
            }
            if (match(cs_, p)) {
              p += csl;
              end_field(csl);
              break;
            }
            char c = at(p);
            if (c == esc_) {
              pre = S::kOrdinary;
              st = S::kEscape;
              removed_.push_back(p++);
            } else if (c == enc_) {
              pre = S::kOrdinary;
              st = S::kEncloseEscape;
              removed_.push_back(p++);
            } else {
              ++p;
            }
            break;
          }
        }
      }
      pos_ = p;
      if (empty_row) {
        continue;
      }
      *raw = view(row_start, p - rdl);
      resolve(fields);
      return true;
    }
    return false;
  }

  const char* d_;
  size_t size_;
  size_t n_;
  const std::string& cs_;
  const std::string& rd_;
  char enc_;
  char esc_;
  bool trim_;
  bool v2_;
  size_t pos_ = 0;
  bool special_[256] = {};  // first bytes of the delimiters, enclose, escape
  bool enc_fast_ = false;
  std::vector<size_t> removed_;
  std::string unescaped_;
  std::vector<FieldRef> refs_;
};

void run_csv(const LoadParams& params, const Plan& plan, char* body, size_t size, LoadOutput* out) {
  RowProcessor proc(plan, out);
  CsvReader reader(params, body, size);
  if (params.skip_header > 0 && !reader.skip_records(params.skip_header)) {
    // "The parameter 'skip_header' is set to N, but there are only M rows in the csv file"
    // comes back as end of file, which ends the scan without an error.
    return;
  }
  const size_t nsrc = plan.source_names.size();
  std::vector<std::string_view> fields;
  std::string_view raw;
  while (reader.next(&fields, &raw)) {
    if (plan.table == nullptr) {
      proc.process();
      continue;
    }
    if (fields.size() != nsrc) {
      proc.filter_row(
          "Target column count: " + std::to_string(nsrc) +
              " doesn't match source value column count: " + std::to_string(fields.size()) +
              ". Column separator: " + separator_text(params.column_separator) +
              ", Row delimiter: " + separator_text(params.row_delimiter),
          std::string(raw));
      continue;
    }
    if (!valid_utf8(raw.data(), raw.size())) {
      proc.filter_row("Invalid UTF-8 row", std::string(raw));
      continue;
    }
    std::vector<Field>& f = proc.fields();
    for (size_t i = 0; i < nsrc; ++i) {
      f[i].present = true;
      f[i].nested = false;
      f[i].is_null = fields[i] == "\\N";
      f[i].p = fields[i].data();
      f[i].n = fields[i].size();
    }
    proc.process();
    proc.clear_fields();
  }
}

// Forwards a nested JSON value to a Writer, numbers as their original text (as the row reader
// keeps them), to store nested objects and arrays compactly for JSON columns.
class NestedWriter : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NestedWriter> {
 public:
  explicit NestedWriter(rapidjson::Writer<rapidjson::StringBuffer>* w) : w_(w) {}
  bool Null() { return w_->Null(); }
  bool Bool(bool b) { return w_->Bool(b); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return w_->RawValue(s, n, rapidjson::kNumberType);
  }
  bool String(const char* s, rapidjson::SizeType n, bool) { return w_->String(s, n); }
  bool Key(const char* s, rapidjson::SizeType n, bool) { return w_->Key(s, n); }
  bool StartObject() { return w_->StartObject(); }
  bool EndObject(rapidjson::SizeType n) { return w_->EndObject(n); }
  bool StartArray() { return w_->StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return w_->EndArray(n); }

 private:
  rapidjson::Writer<rapidjson::StringBuffer>* w_;
};

inline bool json_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(c | 0x20);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Length of the run of bytes at s that need no attention inside a JSON string: not '"', not
// '\\', not a control character (which includes the terminating NUL). 16 bytes at a time.
inline size_t plain_string_run(const char* s, const char* end) {
  const char* p = s;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i bslash = _mm_set1_epi8('\\');
  const __m128i ctl = _mm_set1_epi8(0x1F);
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                               _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
    int mask = _mm_movemask_epi8(hit);
    if (mask != 0) {
      return static_cast<size_t>(p - s) + static_cast<size_t>(__builtin_ctz(mask));
    }
    p += 16;
  }
#endif
  while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) {
    ++p;
  }
  return static_cast<size_t>(p - s);
}

// Reads a body of JSON records: objects at the top level, or the elements of top-level arrays
// with strip_outer_array. Parses in place (strings are unescaped where they stand), keeps
// numbers as their text, and validates the JSON syntax as RapidJSON does (same error texts),
// without building a document. Nested objects/arrays inside a record are validated without
// being modified and re-serialized compactly only when a column takes them.
class JsonReader {
 public:
  JsonReader(const LoadParams& params, const Plan& plan, LoadOutput* out, char* body, size_t size)
      : strip_(params.strip_outer_array),
        plan_(plan),
        out_(out),
        proc_(plan, out),
        begin_(body),
        p_(body),
        end_(body + size) {
    predicted_.assign(plan.source_names.size() + 8, -1);
    for (const std::string& n : plan.source_names) {
      // A name with '"', '\\' or control characters never takes the fast path (its raw key
      // bytes would differ); an empty quoted name never matches.
      bool plain = plain_string_run(n.data(), n.data() + n.size()) == n.size();
      quoted_names_.push_back(plain ? n + '"' : std::string());
      KeyWords kw{};
      const std::string& q = quoted_names_.back();
      for (size_t i = 0; i < q.size() && i < 16; ++i) {
        kw.w[i / 8] |= static_cast<uint64_t>(static_cast<unsigned char>(q[i])) << (8 * (i % 8));
        kw.mask[i / 8] |= uint64_t{0xFF} << (8 * (i % 8));
      }
      key_words_.push_back(kw);
      std::string l = n;
      for (char& c : l) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      lower_names_.push_back(std::move(l));
    }
  }

  void run() {
    while (true) {
      while (p_ < end_ && std::isspace(static_cast<unsigned char>(*p_))) {
        ++p_;
      }
      if (p_ >= end_) {
        return;
      }
      if (!top_value()) {
        return;
      }
    }
  }

 private:
  // --- errors ---------------------------------------------------------------------------------
  bool syntax_error(rapidjson::ParseErrorCode code) {
    if (out_->fatal.empty()) {
      out_->fatal = "Failed to parse JSON body at offset " + std::to_string(p_ - begin_) + ": " +
                    rapidjson::GetParseError_En(code);
    }
    return false;
  }
  bool handler_error(const char* msg) {
    if (out_->fatal.empty()) {
      out_->fatal = msg;
    }
    return false;
  }

  void skip_ws() {
    while (json_ws(*p_)) {
      ++p_;
    }
  }

  // --- top level ------------------------------------------------------------------------------
  bool top_value() {
    skip_ws();
    char c = *p_;
    if (c == '{') {
      return row();
    }
    if (c == '[') {
      if (!strip_) {
        return handler_error("JSON data is an array, strip_outer_array must be set true");
      }
      return outer_array();
    }
    if (c == '\0') {
      return syntax_error(rapidjson::kParseErrorDocumentEmpty);
    }
    std::string_view text;
    if (!scalar(&text)) {
      return false;
    }
    return handler_error("JSON root is not an object");
  }

  bool outer_array() {
    ++p_;
    skip_ws();
    if (*p_ == ']') {
      ++p_;
      return true;
    }
    while (true) {
      char c = *p_;
      if (c == '{') {
        if (!row()) {
          return false;
        }
      } else if (c == '[') {
        const char* b = p_;
        if (!skip_value(&b, 0)) {
          return false;
        }
        proc_.filter_row("JSON array element is not an object", "");
      } else {
        std::string_view text;
        if (!scalar(&text)) {
          return false;
        }
        proc_.filter_row("JSON array element is not an object", std::string(text));
      }
      skip_ws();
      if (*p_ == ',') {
        ++p_;
        skip_ws();
      } else if (*p_ == ']') {
        ++p_;
        return true;
      } else {
        return syntax_error(rapidjson::kParseErrorArrayMissCommaOrSquareBracket);
      }
    }
  }

  // A scalar outside a record: string (unescaped), number, true/false, null (empty text).
  bool scalar(std::string_view* text) {
    char c = *p_;
    if (c == '"') {
      char* s = nullptr;
      size_t n = 0;
      if (!string_in_place(&s, &n)) {
        return false;
      }
      *text = std::string_view(s, n);
      return true;
    }
    if (c == 't' || c == 'f' || c == 'n') {
      if (!literal(text)) {
        return false;
      }
      if (c == 'n') {
        *text = {};
      }
      return true;
    }
    const char* s = p_;
    if (!number()) {
      return false;
    }
    *text = std::string_view(s, static_cast<size_t>(p_ - s));
    return true;
  }

  // --- records --------------------------------------------------------------------------------
  bool row() {
    ++p_;
    proc_.clear_fields();
    arena_.Clear();
    size_t field_pos = 0;
    std::vector<Field>& fields = proc_.fields();
    skip_ws();
    if (*p_ == '}') {
      ++p_;
      proc_.nested_base = arena_.GetString();
      proc_.process();
      return true;
    }
    while (true) {
      if (*p_ != '"') {
        return syntax_error(rapidjson::kParseErrorObjectMissName);
      }
      int idx = predicted_key(field_pos);
      if (idx < 0) {
        char* key = nullptr;
        size_t key_len = 0;
        if (!string_in_place(&key, &key_len)) {
          return false;
        }
        idx = lookup(std::string_view(key, key_len), field_pos);
      }
      ++field_pos;
      skip_ws();
      if (*p_ != ':') {
        return syntax_error(rapidjson::kParseErrorObjectMissColon);
      }
      ++p_;
      skip_ws();
      Field* f = idx >= 0 ? &fields[static_cast<size_t>(idx)] : nullptr;
      char c = *p_;
      if (c == '"') {
        char* s = nullptr;
        size_t n = 0;
        if (!string_in_place(&s, &n)) {
          return false;
        }
        if (f != nullptr) {
          set(f, s, n, false);
        }
      } else if ((c >= '0' && c <= '9') || c == '-') {
        char* s = p_;
        if (!number()) {
          return false;
        }
        if (f != nullptr) {
          set(f, s, static_cast<size_t>(p_ - s), false);
        }
      } else if (c == '{' || c == '[') {
        const char* b = p_;
        if (!skip_value(&b, 0)) {
          return false;
        }
        if (f != nullptr) {
          nested(f, b, p_);
        }
      } else {
        std::string_view lit;
        if (!literal(&lit)) {
          return false;
        }
        if (f != nullptr) {
          set(f, lit.data(), lit.size(), c == 'n');
        }
      }
      skip_ws();
      if (*p_ == ',') {
        ++p_;
        skip_ws();
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        break;
      }
      return syntax_error(rapidjson::kParseErrorObjectMissCommaOrCurlyBracket);
    }
    proc_.nested_base = arena_.GetString();
    proc_.process();
    return true;
  }

  static void set(Field* f, const char* s, size_t n, bool is_null) {
    f->present = true;
    f->is_null = is_null;
    f->nested = false;
    f->p = s;
    f->n = n;
  }

  // A nested object/array value [b, e): stored compactly as JSON text.
  void nested(Field* f, const char* b, const char* e) {
    size_t start = arena_.GetSize();
    rapidjson::Writer<rapidjson::StringBuffer> w(arena_);
    NestedWriter h(&w);
    rapidjson::MemoryStream ms(b, static_cast<size_t>(e - b));
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> is(ms);
    rapidjson::Reader r;
    r.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag>(is, h);
    f->present = true;
    f->is_null = false;
    f->nested = true;
    f->nested_off = start;
    f->n = arena_.GetSize() - start;
  }

  // Fast path at the '"' of a key: the column predicted for this position, spelled exactly as
  // its name (names are plain identifiers, so the raw key bytes are the key), is consumed.
  int predicted_key(size_t field_pos) {
    if (field_pos >= predicted_.size()) {
      return -1;
    }
    int p = predicted_[field_pos];
    if (p < 0) {
      return -1;
    }
    const std::string& quoted = quoted_names_[static_cast<size_t>(p)];  // name + '"'
    size_t len = quoted.size();
    if (len == 0 || static_cast<size_t>(end_ - p_) <= len) {
      return -1;
    }
    const char* k = p_ + 1;
    const KeyWords& kw = key_words_[static_cast<size_t>(p)];
    if (len <= 16 && end_ - k >= 16) {
      uint64_t w0;
      uint64_t w1;
      std::memcpy(&w0, k, 8);
      std::memcpy(&w1, k + 8, 8);
      if (((w0 ^ kw.w[0]) & kw.mask[0]) != 0 || ((w1 ^ kw.w[1]) & kw.mask[1]) != 0) {
        return -1;
      }
    } else {
      for (size_t i = 0; i < len; ++i) {
        if (k[i] != quoted[i]) {
          return -1;
        }
      }
    }
    p_ += len + 1;
    return p;
  }

  int lookup(std::string_view key, size_t field_pos) {
    if (field_pos < predicted_.size()) {
      int p = predicted_[field_pos];
      if (p >= 0 && matches(static_cast<size_t>(p), key)) {
        return p;
      }
    }
    for (size_t i = 0; i < lower_names_.size(); ++i) {
      if (matches(i, key)) {
        if (field_pos < predicted_.size()) {
          predicted_[field_pos] = static_cast<int>(i);
        }
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  // Column names match keys case-insensitively.
  bool matches(size_t i, std::string_view key) const {
    const std::string& name = plan_.source_names[i];
    if (name.size() != key.size()) {
      return false;
    }
    if (std::memcmp(name.data(), key.data(), key.size()) == 0) {
      return true;
    }
    const std::string& lower = lower_names_[i];
    for (size_t k = 0; k < key.size(); ++k) {
      char c = key[k];
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c + 32);
      }
      if (c != lower[k]) {
        return false;
      }
    }
    return true;
  }

  // --- tokens ---------------------------------------------------------------------------------
  // At '"': unescapes the string where it stands; *s/*n is the decoded text.
  bool string_in_place(char** s, size_t* n) {
    char* start = ++p_;
    size_t run = plain_string_run(p_, end_);
    p_ += run;
    if (*p_ == '"') {
      *s = start;
      *n = run;
      ++p_;
      return true;
    }
    char* out = p_;  // decoded bytes are written from here on
    while (true) {
      char c = *p_;
      if (c == '"') {
        ++p_;
        break;
      }
      if (c == '\\') {
        char e = p_[1];
        p_ += 2;
        switch (e) {
          case '"':
            *out++ = '"';
            break;
          case '\\':
            *out++ = '\\';
            break;
          case '/':
            *out++ = '/';
            break;
          case 'b':
            *out++ = '\b';
            break;
          case 'f':
            *out++ = '\f';
            break;
          case 'n':
            *out++ = '\n';
            break;
          case 'r':
            *out++ = '\r';
            break;
          case 't':
            *out++ = '\t';
            break;
          case 'u': {
            uint32_t cp = 0;
            if (!hex4(&cp)) {
              return false;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (p_[0] != '\\' || p_[1] != 'u') {
                return syntax_error(rapidjson::kParseErrorStringUnicodeSurrogateInvalid);
              }
              p_ += 2;
              uint32_t lo = 0;
              if (!hex4(&lo)) {
                return false;
              }
              if (lo < 0xDC00 || lo > 0xDFFF) {
                return syntax_error(rapidjson::kParseErrorStringUnicodeSurrogateInvalid);
              }
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              return syntax_error(rapidjson::kParseErrorStringUnicodeSurrogateInvalid);
            }
            out = put_utf8(out, cp);
            break;
          }
          default:
            p_ -= 1;
            return syntax_error(rapidjson::kParseErrorStringEscapeInvalid);
        }
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return syntax_error(c == '\0' ? rapidjson::kParseErrorStringMissQuotationMark
                                      : rapidjson::kParseErrorStringEscapeInvalid);
      }
      size_t r = plain_string_run(p_, end_);
      if (r == 0) {
        *out++ = c;
        ++p_;
      } else {
        std::memmove(out, p_, r);
        out += r;
        p_ += r;
      }
    }
    *s = start;
    *n = static_cast<size_t>(out - start);
    return true;
  }

  bool hex4(uint32_t* v) {
    uint32_t r = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hex_value(p_[i]);
      if (h < 0) {
        return syntax_error(rapidjson::kParseErrorStringUnicodeEscapeInvalidHex);
      }
      r = (r << 4) | static_cast<uint32_t>(h);
    }
    p_ += 4;
    *v = r;
    return true;
  }

  static char* put_utf8(char* o, uint32_t cp) {
    if (cp < 0x80) {
      *o++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *o++ = static_cast<char>(0xC0 | (cp >> 6));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *o++ = static_cast<char>(0xE0 | (cp >> 12));
      *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *o++ = static_cast<char>(0xF0 | (cp >> 18));
      *o++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
    return o;
  }

  // A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number() {
    if (*p_ == '-') {
      ++p_;
    }
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      ++p_;
      while (*p_ >= '0' && *p_ <= '9') {
        ++p_;
      }
    } else {
      return syntax_error(rapidjson::kParseErrorValueInvalid);
    }
    if (*p_ == '.') {
      ++p_;
      if (*p_ < '0' || *p_ > '9') {
        return syntax_error(rapidjson::kParseErrorNumberMissFraction);
      }
      while (*p_ >= '0' && *p_ <= '9') {
        ++p_;
      }
    }
    if (*p_ == 'e' || *p_ == 'E') {
      ++p_;
      if (*p_ == '+' || *p_ == '-') {
        ++p_;
      }
      if (*p_ < '0' || *p_ > '9') {
        return syntax_error(rapidjson::kParseErrorNumberMissExponent);
      }
      while (*p_ >= '0' && *p_ <= '9') {
        ++p_;
      }
    }
    return true;
  }

  bool literal(std::string_view* text) {
    static constexpr std::string_view kTrue = "true";
    static constexpr std::string_view kFalse = "false";
    static constexpr std::string_view kNull = "null";
    for (std::string_view lit : {kTrue, kFalse, kNull}) {
      if (*p_ == lit[0]) {
        if (static_cast<size_t>(end_ - p_) >= lit.size() &&
            std::memcmp(p_, lit.data(), lit.size()) == 0) {
          p_ += lit.size();
          *text = lit;
          return true;
        }
        break;
      }
    }
    return syntax_error(rapidjson::kParseErrorValueInvalid);
  }

  // Validates any value at p_ without modifying it; *b is set to its start.
  bool skip_value(const char** b, int depth) {
    *b = p_;
    char c = *p_;
    if (c == '"') {
      return skip_string();
    }
    if (c == '{') {
      ++p_;
      skip_ws();
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      while (true) {
        if (*p_ != '"') {
          return syntax_error(rapidjson::kParseErrorObjectMissName);
        }
        if (!skip_string()) {
          return false;
        }
        skip_ws();
        if (*p_ != ':') {
          return syntax_error(rapidjson::kParseErrorObjectMissColon);
        }
        ++p_;
        skip_ws();
        const char* ignored = nullptr;
        if (!skip_value(&ignored, depth + 1)) {
          return false;
        }
        skip_ws();
        if (*p_ == ',') {
          ++p_;
          skip_ws();
        } else if (*p_ == '}') {
          ++p_;
          return true;
        } else {
          return syntax_error(rapidjson::kParseErrorObjectMissCommaOrCurlyBracket);
        }
      }
    }
    if (c == '[') {
      ++p_;
      skip_ws();
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      while (true) {
        const char* ignored = nullptr;
        if (!skip_value(&ignored, depth + 1)) {
          return false;
        }
        skip_ws();
        if (*p_ == ',') {
          ++p_;
          skip_ws();
        } else if (*p_ == ']') {
          ++p_;
          return true;
        } else {
          return syntax_error(rapidjson::kParseErrorArrayMissCommaOrSquareBracket);
        }
      }
    }
    if (c == 't' || c == 'f' || c == 'n') {
      std::string_view lit;
      return literal(&lit);
    }
    return number();
  }

  // Validates a string at '"' without unescaping it.
  bool skip_string() {
    ++p_;
    while (true) {
      p_ += plain_string_run(p_, end_);
      char c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        char e = p_[1];
        p_ += 2;
        if (e == 'u') {
          uint32_t cp = 0;
          if (!hex4(&cp)) {
            return false;
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = 0;
            if (p_[0] != '\\' || p_[1] != 'u') {
              return syntax_error(rapidjson::kParseErrorStringUnicodeSurrogateInvalid);
            }
            p_ += 2;
            if (!hex4(&lo)) {
              return false;
            }
            if (lo < 0xDC00 || lo > 0xDFFF) {
              return syntax_error(rapidjson::kParseErrorStringUnicodeSurrogateInvalid);
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return syntax_error(rapidjson::kParseErrorStringUnicodeSurrogateInvalid);
          }
        } else if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') {
          p_ -= 1;
          return syntax_error(rapidjson::kParseErrorStringEscapeInvalid);
        }
        continue;
      }
      return syntax_error(c == '\0' ? rapidjson::kParseErrorStringMissQuotationMark
                                    : rapidjson::kParseErrorStringEscapeInvalid);
    }
  }

  bool strip_;
  const Plan& plan_;
  LoadOutput* out_;
  RowProcessor proc_;
  char* begin_;
  char* p_;
  char* end_;
  std::vector<int> predicted_;
  std::vector<std::string> lower_names_;
  std::vector<std::string> quoted_names_;  // name + '"' for predicted_key
  struct KeyWords {  // the first 16 bytes of quoted_names_ as little-endian words, and masks
    uint64_t w[2];
    uint64_t mask[2];
  };
  std::vector<KeyWords> key_words_;
  rapidjson::StringBuffer arena_;
};

void run_json(const LoadParams& params, const Plan& plan, char* body, size_t size,
              LoadOutput* out) {
  JsonReader reader(params, plan, out, body, size);
  reader.run();
}

}  // namespace

void run_load(const LoadParams& params, const Table* table, char* body, size_t size, bool keep_rows,
              LoadOutput* out) {
  Plan plan;
  if (!build_plan(params, table, keep_rows, &plan, &out->fatal)) {
    return;
  }
  if (params.json) {
    run_json(params, plan, body, size, out);
  } else {
    run_csv(params, plan, body, size, out);
  }
}

bool too_many_filtered(const LoadCounters& c, double max_filter_ratio) {
  uint64_t denom = c.total - c.unselected;
  if (c.filtered == 0 || denom == 0) {
    return false;
  }
  return static_cast<double>(c.filtered) / static_cast<double>(denom) > max_filter_ratio;
}

}  // namespace emu
