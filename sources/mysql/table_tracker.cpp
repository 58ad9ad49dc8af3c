#include "sources/mysql/table_tracker.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

#include "pipeline/common/error.hpp"
#include "pipeline/model/columns_json.hpp"
#include "sources/mysql/binlog/table_map.hpp"
#include "sources/mysql/mysql_events.hpp"

namespace starcdc::mysql {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool system_database(const std::string& db) {
  const std::string d = lower(db);
  return d == "mysql" || d == "sys" || d == "information_schema" || d == "performance_schema";
}

std::vector<config::TablePattern> parse_patterns(const std::vector<std::string>& texts) {
  std::vector<config::TablePattern> out;
  for (const auto& t : texts) {
    std::string error;
    if (auto p = config::TablePattern::parse(t, &error)) {
      out.push_back(std::move(*p));
    }
  }
  return out;
}

}  // namespace

std::string normalize_info_type(const std::string& column_type) {
  std::string t = lower(column_type);
  // Integer display widths: "int(11)" → "int"; keep lengths of char/decimal/temporal types.
  for (const char* kind : {"tinyint", "smallint", "mediumint", "bigint", "int", "year"}) {
    const std::string k = kind;
    if (t.rfind(k + "(", 0) == 0) {
      const auto close = t.find(')');
      if (close != std::string::npos) {
        t.erase(k.size(), close + 1 - k.size());
      }
      break;
    }
  }
  for (const char* extra : {" zerofill"}) {
    if (auto p = t.find(extra); p != std::string::npos) {
      t.erase(p, std::string(extra).size());
    }
  }
  return t;
}

TableTracker::TableTracker(SchemaRegistry& schemas, const std::vector<std::string>& include,
                           const std::vector<std::string>& exclude)
    : schemas_(schemas), include_(parse_patterns(include)), exclude_(parse_patterns(exclude)) {}

bool TableTracker::captured(const std::string& database, const std::string& table) {
  const TableId id{database, table};
  auto it = captured_.find(id);
  if (it != captured_.end()) {
    return it->second;
  }
  bool yes = !system_database(database);
  if (yes && !include_.empty()) {
    yes = std::any_of(include_.begin(), include_.end(),
                      [&](const auto& p) { return p.matches(database, table); });
  }
  if (yes) {
    yes = std::none_of(exclude_.begin(), exclude_.end(),
                       [&](const auto& p) { return p.matches(database, table); });
  }
  captured_.emplace(id, yes);
  return yes;
}

const TableSchema* TableTracker::find(const TableId& id) const {
  auto it = tracked_.find(id);
  return it == tracked_.end() ? nullptr : it->second;
}

std::vector<TableId> TableTracker::tracked() const {
  std::vector<TableId> out;
  for (const auto& [id, s] : tracked_) {
    out.push_back(id);
  }
  return out;
}

bool TableTracker::mentions(const std::string& sql, const TableId& id) {
  return lower(sql).find(lower(id.table)) != std::string::npos;
}

void TableTracker::announce(const TableId& id, const TableSchema* s,
                            std::vector<SchemaChange>& changes) {
  if (announce_.erase(id) > 0) {
    // Restored from the history: announced to this run's sink with the history's shape.
    SchemaChange c;
    c.kind = SchemaChangeKind::CreateTable;
    c.table = id;
    c.schema = s;
    changes.push_back(std::move(c));
  }
}

void TableTracker::evolve(const TableId& id, const std::vector<Column>& columns,
                          const std::vector<std::string>& primary_key,
                          const std::map<std::string, std::string>& defaults,
                          std::vector<SchemaChange>& changes) {
  std::vector<uint16_t> key;
  for (const auto& k : primary_key) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == k) {
        key.push_back(static_cast<uint16_t>(i));
      }
    }
  }
  const TableSchema* current = find(id);
  if (current != nullptr && current->columns().size() == columns.size() &&
      std::equal(key.begin(), key.end(), current->primary_key().begin(),
                 current->primary_key().end())) {
    bool same = true;
    for (size_t i = 0; i < columns.size() && same; ++i) {
      const Column& old = current->columns()[i];
      same = old.name == columns[i].name && old.nullable == columns[i].nullable &&
             normalize_info_type(old.type) == normalize_info_type(columns[i].type);
    }
    if (same) {
      return;
    }
  }
  std::vector<InfoColumn> info;
  for (const auto& c : columns) {
    InfoColumn ic;
    ic.name = c.name;
    auto d = defaults.find(c.name);
    ic.default_value = d == defaults.end() ? "" : d->second;
    info.push_back(std::move(ic));
  }
  register_version(id, columns, std::move(key), changes, &info);
}

const std::string& TableTracker::history_json() {
  if (!history_dirty_) {
    return history_;
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  for (const auto& [id, s] : tracked_) {
    const std::string name = id.str();
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartObject();
    write_columns_json(w, s->columns(), s->primary_key());
    w.EndObject();
  }
  w.EndObject();
  history_.assign(sb.GetString(), sb.GetSize());
  history_dirty_ = false;
  return history_;
}

void TableTracker::restore_history(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) {
    throw Error(ErrorKind::Data, "the checkpoint's schema history is not readable", "checkpoint",
                "the state directory belongs to another version or source");
  }
  for (const auto& m : d.GetObject()) {
    const std::string name = m.name.GetString();
    const size_t dot = name.find('.');
    std::vector<Column> columns;
    std::vector<uint16_t> key;
    if (dot == std::string::npos || !read_columns_json(m.value, columns, key)) {
      throw Error(ErrorKind::Data,
                  "the checkpoint's schema history of " + name + " is not readable", "checkpoint",
                  "the state directory belongs to another version or source");
    }
    const TableId id{name.substr(0, dot), name.substr(dot + 1)};
    tracked_[id] = schemas_.add(id, std::move(columns), std::move(key));
    announce_.insert(id);
  }
  history_dirty_ = true;
}

const TableSchema* TableTracker::register_version(const TableId& id, std::vector<Column> columns,
                                                  std::vector<uint16_t> key,
                                                  std::vector<SchemaChange>& out,
                                                  const std::vector<InfoColumn>* info) {
  const TableSchema* old = find(id);
  const TableSchema* now = schemas_.add(id, columns, std::move(key));
  tracked_[id] = now;
  history_dirty_ = true;
  announce_.erase(id);
  if (old == nullptr) {
    SchemaChange c;
    c.kind = SchemaChangeKind::CreateTable;
    c.table = id;
    c.schema = now;
    out.push_back(std::move(c));
    return now;
  }
  // By name: dropped, added (after their left neighbour), retyped.
  auto index_of = [](std::span<const Column> cols, const std::string& name) -> int {
    for (size_t i = 0; i < cols.size(); ++i) {
      if (cols[i].name == name) {
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  for (const auto& c : old->columns()) {
    if (index_of(now->columns(), c.name) < 0) {
      SchemaChange ch;
      ch.kind = SchemaChangeKind::DropColumn;
      ch.table = id;
      ch.schema = now;
      ch.column = c.name;
      out.push_back(std::move(ch));
    }
  }
  for (size_t i = 0; i < now->columns().size(); ++i) {
    const Column& c = now->columns()[i];
    const int before = index_of(old->columns(), c.name);
    if (before < 0) {
      SchemaChange ch;
      ch.kind = SchemaChangeKind::AddColumn;
      ch.table = id;
      ch.schema = now;
      ch.column = c.name;
      ch.definition = c;
      ch.after_column = i == 0 ? "" : now->columns()[i - 1].name;
      if (info != nullptr) {
        for (const InfoColumn& ic : *info) {
          if (ic.name == c.name) {
            ch.default_value = ic.default_value;
          }
        }
      }
      out.push_back(std::move(ch));
    } else if (old->columns()[static_cast<size_t>(before)].type != c.type) {
      SchemaChange ch;
      ch.kind = SchemaChangeKind::AlterColumnType;
      ch.table = id;
      ch.schema = now;
      ch.column = c.name;
      ch.definition = c;
      out.push_back(std::move(ch));
    }
  }
  return now;
}

const TableSchema* TableTracker::resolve(const binlog::TableMap& m,
                                         const std::vector<InfoColumn>* info,
                                         std::vector<SchemaChange>& changes) {
  const TableId id = m.id();
  const TableSchema* current = find(id);
  const bool named = m.present.names;
  if (current != nullptr && current->columns().size() == m.columns.size()) {
    bool same = true;
    for (size_t i = 0; named && i < m.columns.size() && same; ++i) {
      same = m.columns[i].name == current->columns()[i].name;
    }
    if (same) {
      announce(id, current, changes);
      return current;
    }
  }
  const std::string where = id.str();
  if (!named && (info == nullptr || info->size() != m.columns.size())) {
    throw Error(ErrorKind::Data,
                "the binlog rows of the table have " + std::to_string(m.columns.size()) +
                    " columns but information_schema lists " +
                    std::to_string(info == nullptr ? 0 : info->size()),
                where,
                "set binlog_row_metadata=FULL on the server so the binlog names its columns "
                "(the table changed since these events were written)");
  }
  std::vector<Column> columns;
  std::vector<uint16_t> key;
  for (size_t i = 0; i < m.columns.size(); ++i) {
    const auto& c = m.columns[i];
    Column col;
    col.name = named ? c.name : (*info)[i].name;
    col.type = binlog::column_sql_type(c);
    col.nullable = c.nullable;
    columns.push_back(std::move(col));
    if (!m.present.primary_key && info != nullptr && (*info)[i].key) {
      key.push_back(static_cast<uint16_t>(i));
    }
  }
  if (m.present.primary_key) {
    key = m.primary_key;
  }
  const TableSchema* s = register_version(id, std::move(columns), std::move(key), changes);
  mysql_events::table_seen(where, s->version(), s->columns().size(), named);
  return s;
}

void TableTracker::refresh(const TableId& id, const std::vector<InfoColumn>& info,
                           std::vector<SchemaChange>& changes) {
  const TableSchema* current = find(id);
  if (current == nullptr || info.empty()) {
    return;  // unseen tables are created by their first rows; dropped ones are kept
  }
  std::vector<Column> columns;
  std::vector<uint16_t> key;
  bool same = info.size() == current->columns().size();
  for (size_t i = 0; i < info.size(); ++i) {
    Column col;
    col.name = info[i].name;
    col.nullable = info[i].nullable;
    // Keep the binlog's spelling of a type unless information_schema says it changed.
    col.type = normalize_info_type(info[i].type);
    for (const auto& old : current->columns()) {
      if (old.name == col.name && normalize_info_type(old.type) == col.type) {
        col.type = old.type;
      }
    }
    if (info[i].key) {
      key.push_back(static_cast<uint16_t>(i));
    }
    same = same && current->columns()[i] == col;
    columns.push_back(std::move(col));
  }
  if (same) {
    return;
  }
  register_version(id, std::move(columns), std::move(key), changes, &info);
}

const TableSchema* TableTracker::adopt(const TableId& id, const std::vector<InfoColumn>& info,
                                       const std::vector<std::string>& primary_key,
                                       std::vector<SchemaChange>& changes) {
  std::vector<Column> columns;
  for (const auto& c : info) {
    Column col;
    col.name = c.name;
    col.nullable = c.nullable;
    col.type = normalize_info_type(c.type);
    columns.push_back(std::move(col));
  }
  std::vector<uint16_t> key;
  for (const auto& name : primary_key) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == name) {
        key.push_back(static_cast<uint16_t>(i));
      }
    }
  }
  const TableSchema* current = find(id);
  if (current != nullptr && current->columns().size() == columns.size()) {
    bool same = true;
    for (size_t i = 0; i < columns.size() && same; ++i) {
      same = current->columns()[i].name == columns[i].name;
    }
    if (same) {
      announce(id, current, changes);
      return current;
    }
  }
  return register_version(id, std::move(columns), std::move(key), changes);
}

}  // namespace starcdc::mysql
