// The `events` list of the values source: change events written in the pipeline file.
//
//   events:
//     - create: app.orders
//       columns: {id: bigint not null, name: varchar(32), amount: decimal(10,2)}
//       primary-key: [id]
//     - insert: app.orders
//       row: {id: 1, name: widget, amount: "9.99"}
//     - update: app.orders
//       before: {id: 1, name: widget, amount: "9.99"}   # optional
//       row: {id: 1, name: widget, amount: "12.50"}
//     - update: app.orders                             # a partial image, as binlog_row_image
//       partial: true                                  # MINIMAL logs: only the listed columns
//       before: {id: 1}                                # (and the key) change
//       row: {amount: "13.00"}
//     - delete: app.orders
//       row: {id: 1}
//     - add-column: app.orders
//       column: note
//       type: varchar(64)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.hpp"
#include "config/yaml_tree.hpp"
#include "pipeline/model/table_schema.hpp"
#include "pipeline/model/value.hpp"

namespace starcdc::values {

struct InlineCell {
  std::string column;
  std::optional<std::string> text;  // nullopt = NULL
  config::Location where;
};

struct InlineEvent {
  enum class Kind : unsigned char { Create, Insert, Update, Delete, AddColumn };
  Kind kind = Kind::Insert;
  TableId table;
  std::vector<Column> columns;        // Create
  std::vector<uint16_t> primary_key;  // Create
  Column added;                       // AddColumn
  std::vector<InlineCell> before;     // Update (optional), Delete
  std::vector<InlineCell> after;      // Insert, Update
  bool partial = false;               // Update: the images carry only the listed columns
  config::Location where;
};

// Parses and checks the list (tables created before use, known columns, values that fit their
// column types). Problems go to `diags`; returns nullopt when there were any.
std::optional<std::vector<InlineEvent>> parse_inline_events(const config::Node& list,
                                                            config::Diagnostics& diags);

// Converts `text` to a Value of the column type `type` (a MySQL type name). The value may view
// into `text`. Returns nullopt and sets *error when the text does not fit the type.
std::optional<Value> value_from_text(const std::string& type, const std::string& text,
                                     std::string* error);

}  // namespace starcdc::values
