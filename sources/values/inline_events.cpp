#include "sources/values/inline_events.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>

#include "pipeline/model/calendar.hpp"

namespace starcdc::values {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

bool starts_with(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

// "2026-11-24" or "2026-11-24 09:12:03.517" → days / micros.
bool parse_datetime(const std::string& t, bool with_time, int64_t* out, uint8_t* scale) {
  unsigned y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  unsigned h = 0;
  unsigned mi = 0;
  unsigned s = 0;
  char frac[8] = {0};
  int n = 0;
  if (std::sscanf(t.c_str(), "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3 || mo < 1 || mo > 12 || d < 1 ||
      d > 31) {
    return false;
  }
  const int64_t days = days_from_civil(y, mo, d);
  if (!with_time) {
    *out = days;
    return static_cast<size_t>(n) == t.size();
  }
  int64_t micros = days * 86'400'000'000;
  *scale = 0;
  if (static_cast<size_t>(n) < t.size()) {
    int m = 0;
    if (std::sscanf(t.c_str() + n, " %2u:%2u:%2u%n", &h, &mi, &s, &m) != 3 || h > 23 || mi > 59 ||
        s > 59) {
      return false;
    }
    micros += ((int64_t{h} * 60 + mi) * 60 + s) * 1'000'000;
    size_t pos = static_cast<size_t>(n + m);
    if (pos < t.size()) {
      if (t[pos] != '.') {
        return false;
      }
      ++pos;
      size_t k = 0;
      while (pos < t.size() && k < 6 && std::isdigit(static_cast<unsigned char>(t[pos])) != 0) {
        frac[k++] = t[pos++];
      }
      if (pos != t.size() || k == 0) {
        return false;
      }
      *scale = static_cast<uint8_t>(k);
      int64_t f = std::atoll(frac);
      for (size_t i = k; i < 6; ++i) {
        f *= 10;
      }
      micros += f;
    }
  }
  *out = micros;
  return true;
}

bool parse_decimal_text(const std::string& t) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) {
    ++i;
  }
  bool digits = false;
  bool dot = false;
  for (; i < t.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(t[i])) != 0) {
      digits = true;
    } else if (t[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

}  // namespace

std::optional<Value> value_from_text(const std::string& type_in, const std::string& text,
                                     std::string* error) {
  const std::string type = lower(type_in);
  auto fail = [&](const char* what) -> std::optional<Value> {
    *error = "'" + text + "' is not " + what;
    return std::nullopt;
  };
  if (starts_with(type, "tinyint") || starts_with(type, "smallint") ||
      starts_with(type, "mediumint") || starts_with(type, "int") || starts_with(type, "bigint")) {
    const bool is_unsigned = type.find("unsigned") != std::string::npos;
    if (is_unsigned) {
      uint64_t u = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), u);
      if (ec != std::errc() || p != text.data() + text.size()) {
        return fail("an unsigned integer");
      }
      return Value::uint64(u);
    }
    int64_t i = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
    if (ec != std::errc() || p != text.data() + text.size()) {
      return fail("an integer");
    }
    return Value::int64(i);
  }
  if (starts_with(type, "bool")) {
    if (text == "true" || text == "1") {
      return Value::boolean(true);
    }
    if (text == "false" || text == "0") {
      return Value::boolean(false);
    }
    return fail("a boolean");
  }
  if (starts_with(type, "float") || starts_with(type, "double") || starts_with(type, "real")) {
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) {
      return fail("a number");
    }
    return Value::float64(d);
  }
  if (starts_with(type, "decimal") || starts_with(type, "numeric")) {
    if (!parse_decimal_text(text)) {
      return fail("a decimal number");
    }
    return Value::decimal(text);
  }
  if (starts_with(type, "datetime") || starts_with(type, "timestamp")) {
    int64_t micros = 0;
    uint8_t scale = 0;
    if (!parse_datetime(text, true, &micros, &scale)) {
      return fail("a date-time (YYYY-MM-DD HH:MM:SS[.ffffff])");
    }
    const auto open = type.find('(');
    if (open != std::string::npos) {
      scale = static_cast<uint8_t>(std::atoi(type.c_str() + open + 1));
    }
    return Value::temporal(
        starts_with(type, "datetime") ? ValueKind::DateTime : ValueKind::Timestamp, micros, scale);
  }
  if (type == "date") {
    int64_t days = 0;
    uint8_t scale = 0;
    if (!parse_datetime(text, false, &days, &scale)) {
      return fail("a date (YYYY-MM-DD)");
    }
    return Value::temporal(ValueKind::Date, days, 0);
  }
  if (type == "json") {
    return Value::view(ValueKind::Json, text);
  }
  if (starts_with(type, "binary") || starts_with(type, "varbinary") ||
      type.find("blob") != std::string::npos) {
    return Value::view(ValueKind::Bytes, text);
  }
  return Value::string(text);
}

namespace {

bool parse_table(const config::Node& n, TableId* out, config::Diagnostics& diags,
                 const std::string& key) {
  if (!n.is_scalar() || n.scalar.find('.') == std::string::npos) {
    diags.error(n.loc, "events: " + key + ": expected database.table");
    return false;
  }
  const auto dot = n.scalar.find('.');
  *out = TableId{n.scalar.substr(0, dot), n.scalar.substr(dot + 1)};
  return true;
}

std::vector<InlineCell> parse_row(const config::Node& n, const std::string& key,
                                  const std::vector<Column>& columns, config::Diagnostics& diags) {
  std::vector<InlineCell> cells;
  if (!n.is_map()) {
    diags.error(n.loc, "events: " + key + ": expected a map of column: value");
    return cells;
  }
  for (const auto& e : n.map) {
    const auto col = std::find_if(columns.begin(), columns.end(),
                                  [&](const Column& c) { return c.name == e.key.scalar; });
    if (col == columns.end()) {
      diags.error(e.key.loc, "events: " + key + "." + e.key.scalar + ": no such column");
      continue;
    }
    InlineCell cell{e.key.scalar, std::nullopt, e.value.loc};
    if (e.value.is_scalar() && !(e.value.scalar == "null" && !e.value.quoted) &&
        !(e.value.scalar == "~" && !e.value.quoted)) {
      cell.text = e.value.scalar;
      std::string error;
      if (!value_from_text(col->type, *cell.text, &error)) {
        diags.error(e.value.loc, "events: " + key + "." + e.key.scalar + ": " + error +
                                     " (column type " + col->type + ")");
      }
    } else if (!e.value.is_null() && !e.value.is_scalar()) {
      diags.error(e.value.loc, "events: " + key + "." + e.key.scalar + ": expected a value");
      continue;
    }
    cells.push_back(std::move(cell));
  }
  return cells;
}

}  // namespace

std::optional<std::vector<InlineEvent>> parse_inline_events(const config::Node& list,
                                                            config::Diagnostics& diags) {
  const size_t errors_before = diags.size();
  std::vector<InlineEvent> out;
  if (!list.is_seq()) {
    diags.error(list.loc, std::string("events: expected a list, got ") + list.kind_name());
    return std::nullopt;
  }
  std::map<TableId, std::vector<Column>> tables;
  static const std::vector<std::pair<std::string, InlineEvent::Kind>> kKinds = {
      {"create", InlineEvent::Kind::Create},
      {"insert", InlineEvent::Kind::Insert},
      {"update", InlineEvent::Kind::Update},
      {"delete", InlineEvent::Kind::Delete},
      {"add-column", InlineEvent::Kind::AddColumn}};
  for (const auto& item : list.seq) {
    if (!item.is_map()) {
      diags.error(item.loc, "events: an event is a map such as {insert: app.t, row: {...}}");
      continue;
    }
    InlineEvent ev;
    ev.where = item.loc;
    const config::Node* table_node = nullptr;
    for (const auto& [name, kind] : kKinds) {
      if (const config::Node* t = item.find(name)) {
        ev.kind = kind;
        table_node = t;
        break;
      }
    }
    if (table_node == nullptr) {
      diags.error(item.loc,
                  "events: an event needs one of create, insert, update, delete, "
                  "add-column");
      continue;
    }
    if (!parse_table(*table_node, &ev.table, diags, "table")) {
      continue;
    }
    auto known = tables.find(ev.table);
    if (ev.kind == InlineEvent::Kind::Create) {
      const config::Node* cols = item.find("columns");
      if (cols == nullptr || !cols->is_map() || cols->map.empty()) {
        diags.error(item.loc, "events: create: columns: expected a map of name: type");
        continue;
      }
      for (const auto& c : cols->map) {
        if (!c.value.is_scalar()) {
          diags.error(c.value.loc, "events: columns." + c.key.scalar + ": expected a type");
          continue;
        }
        std::string type = lower(c.value.scalar);
        bool nullable = true;
        if (const auto nn = type.find(" not null"); nn != std::string::npos) {
          type.erase(nn);
          nullable = false;
        }
        ev.columns.push_back(Column{c.key.scalar, type, nullable});
      }
      if (const config::Node* pk = item.find("primary-key")) {
        std::vector<std::string> names;
        if (pk->is_seq()) {
          for (const auto& p : pk->seq) {
            names.push_back(p.scalar);
          }
        } else {
          names.push_back(pk->scalar);
        }
        for (const auto& name : names) {
          auto it = std::find_if(ev.columns.begin(), ev.columns.end(),
                                 [&](const Column& c) { return c.name == name; });
          if (it == ev.columns.end()) {
            diags.error(pk->loc, "events: primary-key: no column " + name);
            continue;
          }
          ev.primary_key.push_back(static_cast<uint16_t>(it - ev.columns.begin()));
        }
      }
      tables[ev.table] = ev.columns;
      out.push_back(std::move(ev));
      continue;
    }
    if (known == tables.end()) {
      diags.error(table_node->loc,
                  "events: " + ev.table.str() + ": table not created by an earlier create event");
      continue;
    }
    if (ev.kind == InlineEvent::Kind::AddColumn) {
      const config::Node* col = item.find("column");
      const config::Node* type = item.find("type");
      if (col == nullptr || !col->is_scalar() || type == nullptr || !type->is_scalar()) {
        diags.error(item.loc, "events: add-column needs column: NAME and type: TYPE");
        continue;
      }
      ev.added = Column{col->scalar, lower(type->scalar), true};
      known->second.push_back(ev.added);
      out.push_back(std::move(ev));
      continue;
    }
    const config::Node* row = item.find("row");
    if (row == nullptr) {
      diags.error(item.loc, "events: " + ev.table.str() + ": row: missing");
      continue;
    }
    if (ev.kind == InlineEvent::Kind::Delete) {
      ev.before = parse_row(*row, "row", known->second, diags);
    } else {
      ev.after = parse_row(*row, "row", known->second, diags);
      if (const config::Node* before = item.find("before")) {
        ev.before = parse_row(*before, "before", known->second, diags);
      }
      if (const config::Node* partial = item.find("partial")) {
        if (ev.kind != InlineEvent::Kind::Update || !partial->is_scalar() ||
            (partial->scalar != "true" && partial->scalar != "false")) {
          diags.error(partial->loc, "events: partial: only on update events, true or false");
        } else if (partial->scalar == "true") {
          ev.partial = true;
          if (ev.before.empty()) {
            diags.error(item.loc, "events: a partial update needs before: with the key");
          }
        }
      }
    }
    out.push_back(std::move(ev));
  }
  if (diags.size() != errors_before) {
    return std::nullopt;
  }
  return out;
}

}  // namespace starcdc::values
