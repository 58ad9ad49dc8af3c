// Stream Load request parameters (headers) and the body readers for CSV and JSON. The readers
// parse the body in place and turn each record into a RowOp against the table's columns,
// counting and explaining rows that fail StarRocks' conversion rules.
// Thread: the emulator's single io_context thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "decompress.hpp"

namespace emu {

using HeaderMap = std::map<std::string, std::string>;  // lower-case header name -> value

struct LoadParams {
  bool json = false;
  // Whole-body compression: `compression`/`Content-Encoding` (JSON) or `format: gzip|...` (CSV).
  Codec codec = Codec::kNone;
  std::string column_separator = "\t";
  std::string row_delimiter = "\n";
  // CSV options of plain Stream Load (the transaction `load` handler does not read them): first
  // byte of `enclose` / `escape` (0 = unset), `trim_space`, `skip_header`.
  char enclose = 0;
  char escape = 0;
  bool trim_space = false;
  int64_t skip_header = 0;
  std::optional<std::string> columns;
  std::optional<std::string> jsonpaths;
  bool strip_outer_array = false;
  bool ignore_json_size = false;
  bool partial_update = false;
  std::string merge_condition;
  double max_filter_ratio = 0;
  bool strict_mode = false;
  std::optional<double> timeout_s;
  std::string where;
  std::string fingerprint;  // every load parameter, to detect drift between txn loads
};

// Reads the Stream Load headers; returns nullopt with the StarRocks error text on a bad value.
// txn_load: the headers of a transaction `load` request, which StarRocks' BE maps to fewer
// parameters (TransactionStreamLoadAction::_parse_request: no enclose, escape, trim_space,
// skip_header).
std::optional<LoadParams> parse_load_params(const HeaderMap& headers, std::string* error,
                                            bool txn_load = false);

struct LoadCounters {
  uint64_t total = 0;
  uint64_t loaded = 0;
  uint64_t filtered = 0;
  uint64_t unselected = 0;
  void add(const LoadCounters& o) {
    total += o.total;
    loaded += o.loaded;
    filtered += o.filtered;
    unselected += o.unselected;
  }
};

struct LoadOutput {
  LoadCounters counters;
  std::vector<RowOp> ops;           // only when rows are kept
  std::vector<std::string> errors;  // first rejected rows with their reason
  std::string fatal;                // non-empty: the whole load fails with this message
};

// Parses body[0, size) (body[size] must be '\0'; the buffer is modified). table == nullptr
// only counts records (discard mode with an unknown table). keep_rows == false validates
// values without storing them (discard mode): no allocation per row.
void run_load(const LoadParams& params, const Table* table, char* body, size_t size, bool keep_rows,
              LoadOutput* out);

// Trims ASCII whitespace; strips one pair of backticks from an identifier.
std::string trim_copy(std::string_view s);
std::string unquote_identifier(std::string s);

// True when filtered / (total - unselected) exceeds max_filter_ratio (stream_load_executor.cpp).
bool too_many_filtered(const LoadCounters& c, double max_filter_ratio);

}  // namespace emu
