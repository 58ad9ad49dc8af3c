// What information_schema says about the captured tables, for the snapshot: which base tables
// the patterns capture, and each one's columns, types, collations and keys. Thread: pipeline.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pipeline/common/asio.hpp"
#include "pipeline/model/schema_change.hpp"
#include "sources/mysql/mysql_options.hpp"
#include "sources/mysql/protocol/connection.hpp"
#include "sources/mysql/snapshot/snapshotter.hpp"
#include "sources/mysql/table_tracker.hpp"

namespace starcdc::mysql {

// The columns of `id` in order (empty when the table is gone); with `charsets`, also each one's
// CHARACTER_SET_NAME and COLLATION_NAME ("" for non-character columns).
asio::awaitable<std::vector<InfoColumn>> read_info_columns(
    protocol::Connection& c, const TableId& id,
    std::vector<std::pair<std::string, std::string>>* charsets);

// The base tables `tracker` captures, as information_schema lists them now.
asio::awaitable<std::vector<TableId>> list_captured_tables(protocol::Connection& c,
                                                           TableTracker& tracker);

// What the snapshot needs to copy `id`: columns, select list, chunk key (the primary key, or
// the configured chunk key column) and its collations. Registers the table's schema with
// `tracker` (a CreateTable goes to `changes` for a table new to it). Throws Error(Data) for a
// column type the snapshot cannot read and Error(Config) for a table without a key to chunk by.
asio::awaitable<snapshot::TableCopy> describe_for_copy(protocol::Connection& c, const TableId& id,
                                                       const MysqlSettings& s,
                                                       TableTracker& tracker,
                                                       std::vector<SchemaChange>& changes);

}  // namespace starcdc::mysql
