#include <catch2/catch.hpp>

#include "pipeline/common/byte_buffer.hpp"
#include "pipeline/common/log.hpp"
#include "pipeline/common/metrics.hpp"
#include "pipeline/model/value.hpp"

namespace starcdc {

TEST_CASE("JSON escaping covers quotes, backslashes and control bytes", "[common]") {
  ByteBuffer b;
  append_json_string(b, std::string_view("a\"b\\c\n\x01\xc3\xa9", 9));
  CHECK(b.view() == "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
}

TEST_CASE("temporal values print in MySQL's text form", "[common]") {
  ByteBuffer b;
  append_temporal_text(Value::temporal(ValueKind::Date, 20416, 0), b);  // 2025-11-24
  b.push_back('|');
  append_temporal_text(Value::temporal(ValueKind::DateTime, 1764000723517000, 3), b);
  b.push_back('|');
  append_temporal_text(Value::temporal(ValueKind::DateTime, -1, 6), b);
  b.push_back('|');
  append_temporal_text(
      Value::temporal(ValueKind::Time, -(838LL * 3600 + 59 * 60 + 59) * 1000000, 0), b);
  CHECK(b.view() == "2025-11-24|2025-11-24 16:12:03.517|1969-12-31 23:59:59.999999|-838:59:59");
}

TEST_CASE("values print as JSON", "[common]") {
  ByteBuffer b;
  for (const Value& v :
       {Value::null(), Value::boolean(true), Value::int64(-5),
        Value::uint64(18446744073709551615ULL), Value::float64(0.5), Value::decimal("12.30"),
        Value::view(ValueKind::Bytes, "\x01\x02\x03\x04")}) {
    append_json_value(v, b);
    b.push_back(' ');
  }
  CHECK(b.view() == "null true -5 18446744073709551615 0.5 \"12.30\" \"AQIDBA==\" ");
}

TEST_CASE("log lines are one JSON object with the contract's fields, secrets redacted",
          "[common][log]") {
  log::configure(log::Format::Json, log::Level::Info, "orders");
  log::add_redaction("hunter2-secret");
  const std::string line =
      log::format_for_test(log::Level::Warn, "sink.starrocks", "Transaction committed.",
                           {{"table", "shop.orders"},
                            {"rows", uint64_t{18000}},
                            {"ms", 87},
                            {"error", "auth failed for password hunter2-secret"}},
                           1764000723517);
  CHECK(line ==
        "{\"ts\":\"2025-11-24T16:12:03.517Z\",\"level\":\"warn\",\"pipeline\":\"orders\","
        "\"component\":\"sink.starrocks\",\"msg\":\"Transaction committed.\","
        "\"table\":\"shop.orders\",\"rows\":18000,\"ms\":87,"
        "\"error\":\"auth failed for password ***\"}");
  CHECK(log::redact("x hunter2-secret y") == "x *** y");
  // std::string values, named and temporary, longer than any small-string buffer.
  const std::string table(40, 't');
  auto field_line = [&](std::string temp) {
    return log::format_for_test(log::Level::Info, "x", "m.",
                                {{"a", table}, {"b", temp + std::string(40, 'u')}}, 0);
  };
  const std::string logged = field_line(std::string(30, 's'));
  CHECK(logged.find("\"a\":\"" + table + "\"") != std::string::npos);
  CHECK(logged.find("\"b\":\"" + std::string(30, 's') + std::string(40, 'u') + "\"") !=
        std::string::npos);
  log::configure(log::Format::Text, log::Level::Info, "orders");
  CHECK(log::format_for_test(log::Level::Info, "daemon", "Starting.", {{"file", "a b"}},
                             1764000723517) ==
        "2025-11-24T16:12:03.517Z INFO  daemon: Starting. file=\"a b\"");
  log::configure(log::Format::Json, log::Level::Error, "test");
}

TEST_CASE("metrics render as Prometheus text with pipeline and table labels", "[common]") {
  Metrics& m = Metrics::global();
  m.set_pipeline("orders");
  m.counter("starcdc_test_rows_total", "Rows.", "shop.orders").add(5);
  m.gauge("starcdc_test_lag_seconds", "Lag.").set(1.5);
  const std::string text = m.render_prometheus();
  CHECK(text.find("# TYPE starcdc_test_rows_total counter\n"
                  "starcdc_test_rows_total{pipeline=\"orders\",table=\"shop.orders\"} 5\n") !=
        std::string::npos);
  CHECK(text.find("starcdc_test_lag_seconds{pipeline=\"orders\"} 1.5\n") != std::string::npos);
}

}  // namespace starcdc
