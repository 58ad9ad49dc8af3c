// MySQL column types (as the source declared them) → StarRocks column types, following the Flink
// CDC pipeline connector's mapping (specs/starrocks-stream-load.md §6.5), so tables created by
// starcdc look like the ones users have today.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "pipeline/model/table_schema.hpp"

namespace starcdc::starrocks {

struct MappedType {
  std::string sql;  // e.g. "DECIMAL(12, 2)", "VARCHAR(192)", "DATETIME"
};

// `key`: the column is part of the primary key (some types change, e.g. DECIMAL → VARCHAR).
// `char_bytes`: bytes per character for CHAR/VARCHAR lengths. Returns nullopt and sets *error for
// a type StarRocks cannot hold (e.g. SET, FLOAT as a key).
std::optional<MappedType> map_type(const Column& column, bool key, int char_bytes,
                                   std::string* error);

// The CREATE TABLE statement for `schema` (primary key columns first, in key order).
std::optional<std::string> create_table_sql(const TableSchema& schema, const TableId& target,
                                            int char_bytes, int buckets,
                                            const std::map<std::string, std::string>& properties,
                                            std::string* error);

// `name` back-quoted for SQL (a back-quote inside is doubled).
std::string quote_identifier(const std::string& name);

}  // namespace starcdc::starrocks
