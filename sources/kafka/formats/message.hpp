// Kafka message formats: what a change message on a topic says, decoded into row changes with
// typed values. One decoder per format; each keeps its buffers between messages, so the steady
// state allocates nothing. Thread: the thread that owns the decoder (one per consumer thread).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/common/result.hpp"
#include "pipeline/model/change_event.hpp"
#include "pipeline/model/table_id.hpp"
#include "pipeline/model/table_schema.hpp"
#include "pipeline/model/value.hpp"

namespace starcdc::kafka {

enum class Format : uint8_t { DebeziumJson, CanalJson, MaxwellJson, Json };

// "debezium-json", "canal-json", "maxwell-json", "json"; nullopt for anything else.
std::optional<Format> format_from(std::string_view name);
const char* format_name(Format f);

// One column of a row image. Name and value views stay valid until the decoder's next decode().
struct Field {
  std::string_view name;
  Value value;
};

struct RowChange {
  Op op = Op::Insert;
  std::span<const Field> before;  // Update, Delete (empty when the message has no before image)
  std::span<const Field> after;   // Insert, Update, Read
};

struct DecodedMessage {
  enum class Kind : uint8_t {
    Rows,      // `rows` holds one or more row changes
    Skip,      // nothing to apply: tombstone, heartbeat, bootstrap marker...; see skip_reason
    Truncate,  // the table was truncated
    Ddl,       // a schema statement; `ddl` holds its text, `declared` the new shape if told
  };
  Kind kind = Kind::Skip;
  TableId table;
  // Columns with the types the message declares (Debezium schema, Canal mysqlType, Maxwell
  // def), in declaration order; empty when the message declares none.
  std::vector<Column> declared;
  // Key column names when the message (or the options) tell them; else empty.
  std::vector<std::string> primary_key;
  std::vector<RowChange> rows;
  std::string ddl;
  int64_t commit_ms = 0;  // source commit time (Unix ms) when the message carries it, else 0
  std::string skip_reason;
};

struct DecoderOptions {
  // json: the key columns of every table (the json format carries none). Other formats: used
  // when a message names no key.
  std::vector<std::string> primary_key;
  // json: the field holding the table name; "" = the topic name is the table name.
  std::string table_field;
  // json: the field holding the database name; "" = `database` below.
  std::string database_field;
  // json: the database when no database field is configured.
  std::string database;
  // json: the field whose value says the operation; it is never a column.
  std::string op_field = "__op";
  // debezium-json: refuse messages without the {"schema", "payload"} wrapper (values would be
  // typed from JSON alone: dates as numbers, decimals as base64).
  bool require_schema = false;
};

class MessageDecoder {
 public:
  virtual ~MessageDecoder() = default;
  // Decodes one Kafka message. `value` holds the message value (empty = tombstone). The
  // decoder copies what it keeps, so the result and every view in it stay valid until the next
  // decode() whatever happens to `value` and `key`. Bad input returns Error(ErrorKind::Data)
  // naming the place inside the message as a JSON path ($.payload.after.price) or a byte
  // offset; the decoder stays usable for the next message.
  virtual Result<const DecodedMessage*> decode(std::string_view topic, std::string_view key,
                                               std::span<char> value) = 0;
};

std::unique_ptr<MessageDecoder> make_decoder(Format format, const DecoderOptions& options);

// The declared type given to a column first seen without one, from its first non-null value:
//   Int → bigint, UInt → bigint unsigned, Double → double, Decimal → decimal(38,s) with the
//   value's fraction digits (at most 18), String → varchar(65533), Bool → boolean,
//   Json (objects, arrays) → json, Bytes → varbinary(65533), Date → date,
//   Time/DateTime/Timestamp → time(s)/datetime(s)/timestamp(s) with the value's scale,
//   Null → varchar(65533).
Column infer_column(std::string_view name, const Value& v);

}  // namespace starcdc::kafka
