#include "sources/mysql/snapshot/chunk_planner.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "pipeline/common/assert.hpp"
#include "pipeline/common/error.hpp"
#include "pipeline/common/sql_text.hpp"
#include "sources/mysql/snapshot/text_values.hpp"

namespace starcdc::mysql::snapshot {
namespace {

enum LiteralKind : uint8_t {
  kNumber,    // integers, DECIMAL, FLOAT, DOUBLE, YEAR: the text itself
  kTemporal,  // DATE, TIME, DATETIME, TIMESTAMP: a quoted string (digits and separators only)
  kBinary,    // BINARY, VARBINARY, BLOB, BIT: X'hex'
  kText,      // character columns and anything else: CONVERT(X'hex' USING utf8mb4)
};

constexpr uint64_t kSignBit = uint64_t{1} << 63;

struct KeyType {
  LiteralKind literal = kText;
  bool integer = false;
  bool is_unsigned = false;
};

KeyType key_type(const KeyColumn& k) {
  using binlog::DecodeKind;
  KeyType t;
  binlog::ColumnDef c;
  try {
    c = column_from_information_schema(k.name, k.column_type);
  } catch (const Error&) {
    return t;  // compared as text
  }
  switch (c.kind) {
    case DecodeKind::Int8:
    case DecodeKind::Int16:
    case DecodeKind::Int24:
    case DecodeKind::Int32:
    case DecodeKind::Int64:
      t.integer = true;
      t.is_unsigned = c.is_unsigned;
      t.literal = kNumber;
      break;
    case DecodeKind::NewDecimal:
    case DecodeKind::Float:
    case DecodeKind::Double:
    case DecodeKind::Year:
      t.literal = kNumber;
      break;
    case DecodeKind::Date:
    case DecodeKind::Time2:
    case DecodeKind::DateTime2:
    case DecodeKind::Timestamp2:
      t.literal = kTemporal;
      break;
    case DecodeKind::Bit:
      t.literal = kBinary;
      break;
    default:
      t.literal = c.charset == binlog::Charset::Binary ? kBinary : kText;
      break;
  }
  return t;
}

std::string hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 2);
  for (const char ch : s) {
    const auto b = static_cast<uint8_t>(ch);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// The integer text as an order-preserving unsigned value.
std::optional<uint64_t> biased(const std::string& text, bool is_signed) {
  const char* end = text.data() + text.size();
  if (is_signed) {
    int64_t v = 0;
    const auto r = std::from_chars(text.data(), end, v);
    if (r.ec != std::errc() || r.ptr != end) {
      return std::nullopt;
    }
    return static_cast<uint64_t>(v) ^ kSignBit;
  }
  uint64_t v = 0;
  const auto r = std::from_chars(text.data(), end, v);
  if (r.ec != std::errc() || r.ptr != end) {
    return std::nullopt;
  }
  return v;
}

// ENUM and SET sort by their index but compare with a text literal as strings, so a range of
// labels would not be a range of rows.
void check_orderable(const std::vector<KeyColumn>& key, const std::string& where) {
  for (const KeyColumn& k : key) {
    const auto open = k.column_type.find('(');
    std::string base = k.column_type.substr(0, open);
    for (char& ch : base) {
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    if (base == "enum" || base == "set") {
      throw Error(ErrorKind::Config,
                  "the snapshot of " + where + " cannot be split by the " + base + " column '" +
                      k.name + "'",
                  where,
                  "set scan.incremental.snapshot.chunk.key-column to a numeric, string or "
                  "temporal column with an index");
    }
  }
}

}  // namespace

std::vector<KeyColumn> chunk_key_columns(const TableId& table, std::span<const KeyColumn> columns,
                                         std::span<const std::string> primary_key,
                                         const std::optional<std::string>& chunk_key) {
  const std::string where = table.database + "." + table.table;
  auto find = [&](const std::string& name) -> const KeyColumn* {
    for (const KeyColumn& c : columns) {
      if (c.name == name) {
        return &c;
      }
    }
    return nullptr;
  };
  std::vector<KeyColumn> key;
  if (chunk_key) {
    const KeyColumn* c = find(*chunk_key);
    if (c == nullptr) {
      throw Error(ErrorKind::Config,
                  "the chunk key column '" + *chunk_key + "' is not a column of " + where, where,
                  "set scan.incremental.snapshot.chunk.key-column to a column of the table");
    }
    key.push_back(*c);
    check_orderable(key, where);
    return key;
  }
  if (primary_key.empty()) {
    throw Error(ErrorKind::Config,
                "the table " + where + " has no primary key, so its snapshot cannot be split",
                where,
                "set scan.incremental.snapshot.chunk.key-column to an indexed column of the "
                "table, or add a primary key");
  }
  for (const std::string& name : primary_key) {
    const KeyColumn* c = find(name);
    if (c == nullptr) {
      throw Error(ErrorKind::Data,
                  "the primary key column '" + name + "' is not a column of " + where, where);
    }
    key.push_back(*c);
    key.back().nullable = false;
  }
  check_orderable(key, where);
  return key;
}

ChunkPlanner::ChunkPlanner(TableId table, std::vector<KeyColumn> key, ChunkOptions options)
    : table_(std::move(table)), key_(std::move(key)), options_(options) {
  STARCDC_CHECK(!key_.empty(), "a chunk planner needs key columns");
  if (options_.chunk_rows == 0) {
    options_.chunk_rows = 1;
  }
  for (const KeyColumn& k : key_) {
    literal_kind_.push_back(key_type(k).literal);
  }
}

std::string ChunkPlanner::table_sql() const {
  return quote_identifier(table_.database) + "." + quote_identifier(table_.table);
}

std::string ChunkPlanner::key_list() const {
  std::string out;
  for (const KeyColumn& k : key_) {
    if (!out.empty()) {
      out += ", ";
    }
    out += quote_identifier(k.name);
  }
  return out;
}

std::string ChunkPlanner::literal(size_t column, const std::string& text) const {
  switch (static_cast<LiteralKind>(literal_kind_[column])) {
    case kNumber:
      for (const char ch : text) {
        if (!((ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == '.' || ch == 'e' ||
              ch == 'E')) {
          return "CONVERT(X'" + hex(text) + "' USING utf8mb4)";
        }
      }
      return text.empty() ? std::string("''") : text;
    case kTemporal:
      return sql_string_literal(text);
    case kBinary:
      return "X'" + hex(text) + "'";
    case kText:
      break;
  }
  return "CONVERT(X'" + hex(text) + "' USING utf8mb4)";
}

std::string ChunkPlanner::compare(const char* op, const KeyTuple& k) const {
  STARCDC_CHECK(k.size() == key_.size(), "a key tuple has one value per key column");
  const std::string op_text = op;
  if (k.size() == 1) {
    return quote_identifier(key_[0].name) + " " + op_text + " " + literal(0, k[0]);
  }
  // MariaDB scans the whole index for a row-value comparison (a, b) >= (x, y); the expanded
  // form a > x OR (a = x AND b >= y) is a range, and the leading a >= x bounds it for sure.
  const bool upper = op_text[0] == '<';
  const std::string strict = upper ? "<" : ">";
  std::string expanded;
  for (size_t i = k.size(); i-- > 0;) {
    const std::string col = quote_identifier(key_[i].name);
    const std::string lit = literal(i, k[i]);
    if (i + 1 == k.size()) {
      expanded = col + " " + op_text + " " + lit;
    } else {
      expanded =
          col + " " + strict + " " + lit + " OR (" + col + " = " + lit + " AND (" + expanded + "))";
    }
  }
  return "(" + quote_identifier(key_[0].name) + (upper ? " <= " : " >= ") + literal(0, k[0]) +
         " AND (" + expanded + "))";
}

std::string ChunkPlanner::bounds_sql() const {
  const std::string first = quote_identifier(key_[0].name);
  return "SELECT MIN(" + first + "), MAX(" + first +
         "), (SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
         sql_string_literal(table_.database) +
         " AND TABLE_NAME = " + sql_string_literal(table_.table) + ") FROM " + table_sql();
}

void ChunkPlanner::set_bounds(std::span<const std::optional<std::string>> row) {
  started_ = true;
  const KeyType t = key_type(key_[0]);
  if (row.size() >= 3 && row[2]) {
    std::from_chars(row[2]->data(), row[2]->data() + row[2]->size(), estimate_);
  }
  if (row.size() < 3 || !row[0] || !row[1]) {
    empty_ = !resume_;  // no rows now: one chunk without bounds takes whatever comes
  } else if (key_.size() == 1 && t.integer && row[2]) {
    const auto lo = biased(*row[0], !t.is_unsigned);
    const auto hi = biased(*row[1], !t.is_unsigned);
    uint64_t estimate = 0;
    std::from_chars(row[2]->data(), row[2]->data() + row[2]->size(), estimate);
    if (lo && hi && *hi >= *lo && estimate > 0) {
      const double factor = (static_cast<double>(*hi - *lo) + 1.0) / static_cast<double>(estimate);
      if (factor >= options_.even_lower && factor <= options_.even_upper) {
        even_ = true;
        key_signed_ = !t.is_unsigned;
        const double step = std::floor(static_cast<double>(options_.chunk_rows) * factor);
        step_ = step < 1.0 ? 1 : step >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(step);
        cursor_ = *lo;
        max_biased_ = *hi;
      }
    }
  }
  if (resume_) {
    auto [id, low] = std::move(*resume_);
    resume_.reset();
    resume(id, std::move(low));
  }
}

uint64_t ChunkPlanner::estimated_chunks() const {
  if (even_ && step_ > 0) {
    const uint64_t span = max_biased_ >= cursor_ ? max_biased_ - cursor_ : 0;
    return next_id_ + span / step_ + 1;
  }
  const uint64_t rows = std::max<uint64_t>(options_.chunk_rows, 1);
  return std::max<uint64_t>(next_id_, (estimate_ + rows - 1) / rows);
}

void ChunkPlanner::resume(uint64_t next_id, KeyTuple low) {
  if (!started_) {
    resume_.emplace(next_id, std::move(low));
    return;
  }
  next_id_ = next_id;
  empty_ = false;
  finished_ = false;
  min_after_low_ = false;
  if (even_) {
    const auto b = low.size() == 1 ? biased(low[0], key_signed_) : std::nullopt;
    if (!b) {
      throw Error(ErrorKind::Data, "the snapshot of " + table_.database + "." + table_.table +
                                       " cannot resume at a key that is not an integer");
    }
    cursor_ = *b;
  }
  low_ = std::move(low);
}

bool ChunkPlanner::needs_query() const { return started_ && !finished_ && !even_ && !empty_; }

std::string ChunkPlanner::next_sql() const {
  if (min_after_low_) {
    const std::string k = quote_identifier(key_[0].name);
    return "SELECT MIN(" + k + ") FROM " + table_sql() + " WHERE " + compare(">", *low_);
  }
  std::string where;
  if (low_) {
    where = " WHERE " + compare(">=", *low_);
  } else if (key_.size() == 1 && key_[0].nullable) {
    where = " WHERE " + quote_identifier(key_[0].name) + " IS NOT NULL";
  }
  return "SELECT " + key_list() + " FROM " + table_sql() + where + " ORDER BY " + key_list() +
         " LIMIT 1 OFFSET " + std::to_string(options_.chunk_rows);
}

KeyTuple ChunkPlanner::step_value(uint64_t b) const {
  if (key_signed_) {
    return {std::to_string(static_cast<int64_t>(b ^ kSignBit))};
  }
  return {std::to_string(b)};
}

std::optional<Chunk> ChunkPlanner::next(const std::optional<KeyTuple>& answer) {
  STARCDC_CHECK(started_, "set_bounds() comes before next()");
  if (finished_) {
    return std::nullopt;
  }
  Chunk c;
  c.id = next_id_;
  c.low = low_;
  if (empty_) {
    finished_ = true;
  } else if (even_) {
    // The first chunk is open below, the last above: keys inserted past MIN or MAX since the
    // bounds were read belong to them.
    if (step_ > max_biased_ - std::min(cursor_, max_biased_) || cursor_ > max_biased_) {
      finished_ = true;
    } else {
      cursor_ += step_;
      c.high = step_value(cursor_);
    }
  } else if (!answer) {
    if (min_after_low_) {
      min_after_low_ = false;
    }
    finished_ = true;
  } else if (min_after_low_ || !low_ || *answer != *low_) {
    min_after_low_ = false;
    c.high = *answer;
  } else {
    // More than a chunk of rows share the low key value: the bound is the next value.
    min_after_low_ = true;
    return std::nullopt;
  }
  low_ = c.high;
  ++next_id_;
  return c;
}

std::string ChunkPlanner::chunk_condition(const Chunk& chunk) const {
  std::string cond;
  if (chunk.low) {
    cond = compare(">=", *chunk.low);
  }
  if (chunk.high) {
    const std::string upper = compare("<", *chunk.high);
    if (!cond.empty()) {
      cond += " AND " + upper;
    } else if (key_.size() == 1 && key_[0].nullable) {
      cond = "(" + quote_identifier(key_[0].name) + " IS NULL OR " + upper + ")";
    } else {
      cond = upper;
    }
  }
  return cond.empty() ? std::string("TRUE") : cond;
}

std::string ChunkPlanner::chunk_sql(const Chunk& chunk,
                                    std::span<const std::string> select_list) const {
  std::string list;
  for (const std::string& c : select_list) {
    list += (list.empty() ? "" : ", ") + c;
  }
  return "SELECT " + list + " FROM " + table_sql() + " WHERE " + chunk_condition(chunk) +
         " ORDER BY " + key_list();
}

asio::awaitable<std::optional<Chunk>> ChunkPlanner::next_chunk(protocol::Connection& conn) {
  if (!started_) {
    const protocol::ResultSet rs = co_await conn.query(bounds_sql());
    set_bounds(rs.rows.empty() ? std::span<const std::optional<std::string>>()
                               : std::span<const std::optional<std::string>>(rs.rows[0]));
  }
  while (!finished_) {
    std::optional<KeyTuple> answer;
    if (needs_query()) {
      const protocol::ResultSet rs = co_await conn.query(next_sql());
      if (!rs.rows.empty()) {
        KeyTuple k;
        for (const auto& f : rs.rows[0]) {
          if (!f) {
            k.clear();
            break;
          }
          k.push_back(*f);
        }
        if (!k.empty()) {
          answer = std::move(k);
        }
      }
    }
    if (std::optional<Chunk> c = next(answer)) {
      co_return c;
    }
  }
  co_return std::nullopt;
}

}  // namespace starcdc::mysql::snapshot
