// Walks the captured binlog files of ../shared/fixtures/binlog (provenance in its README) through
// BinlogFileReader and EventDecoder.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/binlog_file_reader.hpp"
#include "sources/mysql/binlog/event_decoder.hpp"

namespace starcdc::mysql::binlog {
namespace {

std::string fixture(const std::string& name) {
  return std::string(STARCDC_FIXTURES_DIR) + "/binlog/" + name;
}

bool have_fixtures() { return std::filesystem::is_directory(fixture("")); }

struct Walk {
  std::map<uint8_t, int> types;
  int events = 0;
  int rows = 0;
  std::vector<std::string> queries;
  std::vector<std::vector<std::string>> string_rows;  // text of String values per row
};

// Decodes every event and every row of a file; inner payload events are counted too.
Walk walk(const std::string& name, DecoderOptions options = {}) {
  BinlogFileReader file(fixture(name));
  EventDecoder decoder(options);
  decoder.set_file_name(file.name());
  Walk w;
  auto visit = [&](const DecodedEvent& ev) {
    ++w.events;
    ++w.types[ev.header.type_code];
    if (const auto* q = ev.as<QueryEvent>()) {
      w.queries.emplace_back(q->sql);
    }
    if (const auto* r = ev.as<RowsEvent>()) {
      RowReader reader = decoder.rows(*r);
      RowChange row;
      while (reader.next(row)) {
        ++w.rows;
        std::vector<std::string> texts;
        for (const Value& v : row.after.values) {
          if (v.kind == ValueKind::String) {
            texts.emplace_back(v.text());
          }
        }
        w.string_rows.push_back(std::move(texts));
      }
    }
  };
  while (auto bytes = file.next()) {
    const DecodedEvent ev = decoder.decode(*bytes);
    visit(ev);
    if (ev.as<TransactionPayloadEvent>() != nullptr) {
      while (auto inner = decoder.next_payload_event()) {
        visit(*inner);
      }
    }
  }
  return w;
}

TEST_CASE("every event of every fixture file decodes", "[mysql][binlog]") {
  if (!have_fixtures()) {
    WARN("fixtures folder absent: " << fixture(""));
    return;
  }
  for (const char* name :
       {"mysql-bin.aurora-padding", "mysql-bin.checksum-crc32", "mysql-bin.checksum-none",
        "mysql-bin.compressed", "mysql-bin.sakila.gz"}) {
    INFO(name);
    REQUIRE_NOTHROW(walk(name));
  }
}

TEST_CASE("the CRC32 file has the event counts of its provenance", "[mysql][binlog]") {
  if (!have_fixtures()) {
    WARN("fixtures folder absent");
    return;
  }
  const Walk w = walk("mysql-bin.checksum-crc32");
  CHECK(w.events == 303);
  CHECK(w.types.at(static_cast<uint8_t>(EventType::TableMap)) == 60);
  CHECK(w.types.at(static_cast<uint8_t>(EventType::WriteRows)) == 34);
  CHECK(w.types.at(static_cast<uint8_t>(EventType::UpdateRows)) == 20);
  CHECK(w.types.at(static_cast<uint8_t>(EventType::DeleteRows)) == 6);
  CHECK(w.types.at(static_cast<uint8_t>(EventType::Xid)) == 60);
  const Walk none = walk("mysql-bin.checksum-none");
  CHECK(none.events == 191);
  CHECK(none.types.at(static_cast<uint8_t>(EventType::Stop)) == 1);
}

TEST_CASE("the sakila file's rows include the known actors", "[mysql][binlog]") {
  if (!have_fixtures()) {
    WARN("fixtures folder absent");
    return;
  }
  const Walk w = walk("mysql-bin.sakila.gz");
  CHECK(w.events == 1462);
  CHECK(w.types.at(static_cast<uint8_t>(EventType::WriteRowsV1)) == 1374);
  bool penelope = false;
  bool nick = false;
  for (const auto& row : w.string_rows) {
    if (row.size() >= 2 && row[0] == "PENELOPE" && row[1] == "GUINESS") {
      penelope = true;
    }
    if (row.size() >= 2 && row[0] == "NICK" && row[1] == "WAHLBERG") {
      nick = true;
    }
  }
  CHECK(penelope);
  CHECK(nick);
  CHECK(w.rows > 40000);
}

}  // namespace
}  // namespace starcdc::mysql::binlog
