// DDL statements: CREATE/DROP DATABASE, CREATE/DROP/TRUNCATE TABLE, ALTER TABLE column changes
// (as jobs), SHOW CREATE TABLE text. Sources: spec §6.2/§6.3 (StarRocks CREATE TABLE, ALTER
// TABLE and SHOW ALTER TABLE doc pages, AlterJobV2.java).
#pragma once

#include <string>

#include "catalog.hpp"
#include "options.hpp"
#include "sql_executor.hpp"
#include "sql_lexer.hpp"

namespace emu::sql {

struct DdlContext {
  Catalog& catalog;
  const Options& options;
  const std::string& current_db;
  int64_t* next_job_id;
};

// Each parses the statement after its leading keywords (CREATE DATABASE, CREATE TABLE, ...).
SqlResult create_database(Cursor& c, DdlContext& ctx);
SqlResult drop_database(Cursor& c, DdlContext& ctx);
SqlResult create_table(Cursor& c, DdlContext& ctx);
SqlResult drop_table(Cursor& c, DdlContext& ctx);
SqlResult truncate_table(Cursor& c, DdlContext& ctx);
SqlResult alter_table(Cursor& c, DdlContext& ctx);
std::string show_create_table(const Table& t);
// Resolves [db.]table against the session database, or sets *error.
Table* resolve_table(DdlContext& ctx, const std::string& db, const std::string& name,
                     SqlResult* error);

}  // namespace emu::sql
