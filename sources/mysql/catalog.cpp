#include "sources/mysql/catalog.hpp"

#include "pipeline/common/error.hpp"
#include "pipeline/common/sql_text.hpp"
#include "sources/mysql/protocol/packets.hpp"
#include "sources/mysql/snapshot/text_values.hpp"

namespace starcdc::mysql {

namespace {

std::string table_condition(const TableId& id) {
  return "TABLE_SCHEMA = " + sql_string_literal(id.database) +
         " AND TABLE_NAME = " + sql_string_literal(id.table);
}

}  // namespace

asio::awaitable<std::vector<InfoColumn>> read_info_columns(
    protocol::Connection& c, const TableId& id,
    std::vector<std::pair<std::string, std::string>>* charsets) {
  auto rs = co_await c.query(
      "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, CHARACTER_SET_NAME, "
      "COLLATION_NAME, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE " +
      table_condition(id) + " ORDER BY ORDINAL_POSITION");
  std::vector<InfoColumn> out;
  for (const auto& row : rs.rows) {
    InfoColumn col;
    col.name = row[0].value_or("");
    col.type = row[1].value_or("");
    col.nullable = row[2].value_or("YES") == "YES";
    col.key = row[3].value_or("") == "PRI";
    col.default_value = row[6].value_or("");
    if (col.default_value == "NULL") {
      col.default_value.clear();  // MariaDB spells "no default" and DEFAULT NULL this way
    }
    out.push_back(std::move(col));
    if (charsets != nullptr) {
      charsets->emplace_back(row[4].value_or(""), row[5].value_or(""));
    }
  }
  co_return out;
}

asio::awaitable<std::vector<TableId>> list_captured_tables(protocol::Connection& c,
                                                           TableTracker& tracker) {
  auto rs = co_await c.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = "
      "'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', "
      "'performance_schema', 'sys') ORDER BY TABLE_SCHEMA, TABLE_NAME");
  std::vector<TableId> out;
  for (const auto& row : rs.rows) {
    TableId id{row[0].value_or(""), row[1].value_or("")};
    if (tracker.captured(id.database, id.table)) {
      out.push_back(std::move(id));
    }
  }
  co_return out;
}

asio::awaitable<snapshot::TableCopy> describe_for_copy(protocol::Connection& c, const TableId& id,
                                                       const MysqlSettings& s,
                                                       TableTracker& tracker,
                                                       std::vector<SchemaChange>& changes) {
  std::vector<std::pair<std::string, std::string>> charsets;
  const std::vector<InfoColumn> info = co_await read_info_columns(c, id, &charsets);
  auto pk =
      co_await c.query("SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE " +
                       table_condition(id) + " AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX");
  snapshot::TableCopy t;
  t.id = id;
  t.map.database = id.database;
  t.map.table = id.table;
  t.map.present.names = true;
  std::vector<snapshot::KeyColumn> columns;
  for (const InfoColumn& col : info) {
    binlog::ColumnDef def;
    try {
      def = snapshot::column_from_information_schema(col.name, col.type);
    } catch (const Error& e) {
      throw Error(ErrorKind::Data, e.what(), id.str() + "." + col.name,
                  "leave the table out of `tables` (tables.exclude), or start from a binlog "
                  "position (scan.startup.mode: latest-offset)");
    }
    def.nullable = col.nullable;
    t.select.push_back(snapshot::select_expression(def));
    t.map.columns.push_back(std::move(def));
    t.shape += col.name + " " + col.type + (col.nullable ? "" : " not null") + ";";
    columns.push_back({col.name, col.type, col.nullable});
  }
  if (info.empty()) {
    throw Error(ErrorKind::Data, "information_schema lists no columns for the table", id.str(),
                "check that the user may SELECT it");
  }
  std::vector<std::string> primary_key;
  for (const auto& row : pk.rows) {
    primary_key.push_back(row[0].value_or(""));
  }
  auto ck = s.chunk_key_columns.find(id);
  t.key = snapshot::chunk_key_columns(
      id, columns, primary_key,
      ck == s.chunk_key_columns.end() ? std::nullopt : std::optional<std::string>(ck->second));
  std::vector<snapshot::KeyPart> parts;
  for (const auto& k : t.key) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == k.name) {
        t.key_index.push_back(i);
        parts.push_back({t.map.columns[i], charsets[i].first, charsets[i].second});
      }
    }
  }
  t.order = snapshot::KeyOrder(std::move(parts));
  t.schema = tracker.adopt(id, info, primary_key, changes);
  co_return t;
}

}  // namespace starcdc::mysql
