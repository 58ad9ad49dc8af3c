#include "sources/kafka/message_applier.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "pipeline/common/log.hpp"
#include "sources/kafka/kafka_client.hpp"

namespace starcdc::kafka {
namespace {

constexpr std::string_view kComponent = "source.kafka";

bool starts_with_drop(const std::string& ddl) {
  std::string head;
  for (char c : ddl) {
    if (head.size() >= 10) {
      break;
    }
    if (c != '\n' && c != '\t') {
      head.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return head.rfind("DROP TABLE", 0) == 0;
}

}  // namespace

uint64_t MessageApplier::apply(const DecodedMessage& d, const rd_kafka_message_t* m, Emitter& out,
                               const std::function<Position()>& position_before) {
  switch (d.kind) {
    case DecodedMessage::Kind::Skip:
      return 0;
    case DecodedMessage::Kind::Truncate:
    case DecodedMessage::Kind::Ddl: {
      const TableSchema* schema = shapes_.find(d.table);
      const bool drop = d.kind == DecodedMessage::Kind::Ddl && starts_with_drop(d.ddl);
      if ((d.kind == DecodedMessage::Kind::Truncate || drop) && schema != nullptr) {
        SchemaChange c;
        c.kind = drop ? SchemaChangeKind::DropTable : SchemaChangeKind::TruncateTable;
        c.table = d.table;
        c.schema = drop ? nullptr : schema;
        c.position_before = position_before();
        if (drop) {
          shapes_.forget(d.table);
        }
        out.schema_change(c);
        return 0;
      }
      if (d.declared.empty()) {
        log::info(kComponent,
                  "Schema statement noted; the table follows the columns of its "
                  "next rows.",
                  {{"table", std::string_view(d.table.str())},
                   {"statement", std::string_view(d.ddl)},
                   {"message", std::string_view(where_of(m))}});
        return 0;
      }
      break;
    }
    case DecodedMessage::Kind::Rows:
      break;
  }
  changes_.clear();
  const TableSchema* schema = shapes_.resolve(d, changes_);
  if (!changes_.empty()) {
    const Position p = position_before();
    for (SchemaChange& c : changes_) {
      c.position_before = p;
      out.schema_change(c);
    }
  }
  uint64_t events = 0;
  for (const RowChange& r : d.rows) {
    ChangeEvent e;
    e.op = r.op;
    e.schema = schema;
    e.commit_ms = d.commit_ms != 0 ? d.commit_ms
                                   : std::max<int64_t>(0, rd_kafka_message_timestamp(m, nullptr));
    if (!r.after.empty()) {
      const bool full = shapes_.fill(schema, r.after, after_, after_mask_);
      e.after = RowImage{after_, ColumnMask{full ? nullptr : after_mask_.data()}};
    }
    if (!r.before.empty()) {
      const bool full = shapes_.fill(schema, r.before, before_, before_mask_);
      e.before = RowImage{before_, ColumnMask{full ? nullptr : before_mask_.data()}};
    }
    if (e.op == Op::Update && e.before.empty()) {
      e.op = Op::Insert;  // an upsert
    } else if (e.op == Op::Delete && e.before.empty()) {
      std::swap(e.before, e.after);
    }
    if ((e.op == Op::Delete && e.before.empty()) || (e.op != Op::Delete && e.after.empty())) {
      continue;
    }
    out.event(e);
    ++events;
  }
  return events;
}

}  // namespace starcdc::kafka
