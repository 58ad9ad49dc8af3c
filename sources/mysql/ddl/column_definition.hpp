// Column definitions (CREATE TABLE, ALTER TABLE ADD/MODIFY/CHANGE): the data type, normalized,
// and the column attributes that matter to a copy (nullability, default, key, generation,
// visibility, charset, comment); the others (COLUMN_FORMAT, STORAGE, CHECK, REFERENCES, SRID,
// engine attributes, ...) are read and dropped. Thread: any.
#pragma once

#include <string>
#include <vector>

#include "sources/mysql/ddl/ddl_parser.hpp"
#include "sources/mysql/ddl/parser.hpp"

namespace starcdc::mysql::ddl {

// "name type attributes...", up to ',', ')', the end or a word that ends a column in ALTER
// TABLE (FIRST, AFTER, PARTITION). Throws Error(Data) for an unknown type or attribute.
ColumnSpec parse_column(Parser& p);

// The value after DEFAULT (also ALTER COLUMN ... SET DEFAULT).
void parse_default(Parser& p, ColumnSpec& column);

// "(a, b(10) DESC, (expr))" → {"a", "b"}: the columns of a key; functional parts and MariaDB
// "period WITHOUT OVERLAPS" parts are left out.
std::vector<std::string> parse_key_parts(Parser& p);

// [FIRST | AFTER name]
Position parse_position(Parser& p);

}  // namespace starcdc::mysql::ddl
