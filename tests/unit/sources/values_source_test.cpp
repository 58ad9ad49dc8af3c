#include "sources/values/values_source.hpp"

#include <catch2/catch.hpp>

#include "../pipeline/test_support.hpp"
#include "config/pipeline_file.hpp"
#include "sinks/common/json_lines_encoder.hpp"
#include "sources/values/values_options.hpp"

namespace starcdc {
namespace {

// Encodes every event as the file sink would, and schema changes as a marker line.
struct Capture : Emitter {
  std::vector<std::string> lines;
  void event(const ChangeEvent& e) override {
    sink_common::JsonLinesEncoder enc(*e.schema);
    ByteBuffer b;
    ChangeEvent copy = e;
    copy.commit_ms = 0;
    enc.encode(copy, b);
    lines.push_back(e.schema->id().str() + " " + std::string(b.view()));
  }
  void schema_change(const SchemaChange& c) override {
    lines.push_back(std::string("ddl ") + schema_change_name(c.kind) + " " + c.table.str() + " " +
                    c.column + " @" + c.position_before.json());
  }
};

config::OptionValues options(const std::string& yaml) {
  config::Diagnostics d;
  auto node = config::parse_yaml(yaml, "t.yaml", d);
  auto v = values::values_options().parse(*node, {}, d);
  INFO(d.str());
  REQUIRE(d.empty());
  return v;
}

std::vector<std::string> read_all(const config::OptionValues& o, std::optional<Position> from,
                                  Position* end) {
  asio::io_context io;
  SchemaRegistry schemas;
  auto src = values::values_source_factory().create(SourceContext{"p", schemas, io}, o);
  Capture cap;
  test::run_sync(io, src->open(from));
  for (;;) {
    PollResult r = test::run_sync(io, src->poll(cap, 4096));
    if (r.status == PollStatus::EndOfInput) {
      *end = *r.boundary;
      break;
    }
  }
  return cap.lines;
}

}  // namespace

TEST_CASE("the values source replays the same stream from any checkpoint", "[values]") {
  const auto o = options(
      "table.count: 3\nrows.total: 120\ntransaction.size: 4\nschema-change.every: 40\n"
      "columns: 7\n");
  Position end;
  const auto all = read_all(o, std::nullopt, &end);
  CHECK(end.json() == "{\"row\":120}");
  std::vector<std::string> data;
  for (const auto& l : all) {
    if (l.rfind("ddl create", 0) != 0) {
      data.push_back(l);
    }
  }
  // 3 create + 2 add-column (before events 40 and 80) + 120 events.
  CHECK(all.size() == 3 + 2 + 120);
  CHECK(std::count_if(all.begin(), all.end(), [](const std::string& l) {
          return l.find("\"op\":\"d\"") != std::string::npos;
        }) == 30);
  for (uint64_t resume : {40, 44, 80, 100}) {
    Position e2;
    const auto rest =
        read_all(o, Position::from_json("{\"row\":" + std::to_string(resume) + "}"), &e2);
    std::vector<std::string> rest_data;
    for (const auto& l : rest) {
      if (l.rfind("ddl create", 0) != 0) {
        rest_data.push_back(l);
      }
    }
    // The tail of the full run, event for event (a schema change at the resume point repeats).
    INFO("resume at " << resume);
    REQUIRE(rest_data.size() <= data.size());
    CHECK(std::equal(rest_data.rbegin(), rest_data.rend(), data.rbegin()));
  }
}

TEST_CASE("inline events become schema changes and rows", "[values]") {
  const auto o = options(R"yaml(events:
  - create: app.orders
    columns: {id: bigint not null, amount: "decimal(10,2)", at: datetime(3), note: varchar(8)}
    primary-key: [id]
  - insert: app.orders
    row: {id: 1, amount: "9.99", at: "2026-11-24 09:12:03.5", note: null}
  - update: app.orders
    row: {id: 1, amount: "12.50"}
  - add-column: app.orders
    column: extra
    type: int
  - delete: app.orders
    row: {id: 1}
)yaml");
  Position end;
  const auto lines = read_all(o, std::nullopt, &end);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "ddl create.table app.orders  @{\"row\":0}");
  CHECK(lines[1] ==
        "app.orders {\"op\":\"c\",\"after\":{\"id\":1,\"amount\":\"9.99\",\"at\":\"2026-11-24 "
        "09:12:03.500\",\"note\":null},\"ts_ms\":0}\n");
  CHECK(lines[3] == "ddl add.column app.orders extra @{\"row\":3}");
  CHECK(lines[4] ==
        "app.orders {\"op\":\"d\",\"before\":{\"id\":1,\"amount\":null,\"at\":null,\"note\":null,"
        "\"extra\":null},\"ts_ms\":0}\n");
}

}  // namespace starcdc
