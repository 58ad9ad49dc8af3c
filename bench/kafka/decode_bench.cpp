// Decodes N generated messages per Kafka format (a 10-column row: four integers, a decimal,
// three strings, a datetime, a double) and prints messages/s and MB/s for each.
//   starcdc_bench_kafka_decode [N]   (default 200000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "pipeline/common/byte_buffer.hpp"
#include "sources/kafka/formats/message.hpp"

namespace {

using starcdc::kafka::Format;

// Debezium's Decimal: base64 of the big-endian two's complement unscaled value.
std::string decimal_base64(int64_t unscaled) {
  unsigned char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<unsigned char>(unscaled & 0xFF);
    unscaled >>= 8;
  }
  int start = 0;
  while (start < 7 && ((b[start] == 0 && (b[start + 1] & 0x80) == 0) ||
                       (b[start] == 0xFF && (b[start + 1] & 0x80) != 0))) {
    ++start;
  }
  starcdc::ByteBuffer out;
  starcdc::append_base64(out, std::string_view(reinterpret_cast<const char*>(b + start),
                                               static_cast<size_t>(8 - start)));
  return std::string(out.view());
}

constexpr const char* kDebeziumColumns =
    R"([{"type":"int64","optional":false,"field":"id"},)"
    R"({"type":"int32","optional":true,"field":"customer_id"},)"
    R"({"type":"int32","optional":true,"field":"qty"},)"
    R"({"type":"int16","optional":true,"field":"flags"},)"
    R"({"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,)"
    R"("parameters":{"scale":"2","connect.decimal.precision":"12"},"field":"amount"},)"
    R"({"type":"string","optional":true,"field":"name"},)"
    R"({"type":"string","optional":true,"field":"email"},)"
    R"({"type":"string","optional":true,"field":"city"},)"
    R"({"type":"int64","optional":true,"name":"io.debezium.time.Timestamp","version":1,)"
    R"("field":"created"},{"type":"float64","optional":true,"field":"weight"}])";

std::string debezium_schema() {
  const std::string cols = kDebeziumColumns;
  return R"({"type":"struct","fields":[{"type":"struct","fields":)" + cols +
         R"(,"optional":true,"name":"srv.shop.orders.Value","field":"before"},)"
         R"({"type":"struct","fields":)" +
         cols +
         R"(,"optional":true,"name":"srv.shop.orders.Value","field":"after"},)"
         R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"version"},)"
         R"({"type":"string","optional":false,"field":"connector"},)"
         R"({"type":"string","optional":false,"field":"name"},)"
         R"({"type":"int64","optional":false,"field":"ts_ms"},)"
         R"({"type":"string","optional":true,"field":"snapshot"},)"
         R"({"type":"string","optional":false,"field":"db"},)"
         R"({"type":"string","optional":true,"field":"table"},)"
         R"({"type":"int64","optional":false,"field":"server_id"},)"
         R"({"type":"string","optional":false,"field":"file"},)"
         R"({"type":"int64","optional":false,"field":"pos"},)"
         R"({"type":"int32","optional":false,"field":"row"}],"optional":false,)"
         R"("name":"io.debezium.connector.mysql.Source","field":"source"},)"
         R"({"type":"string","optional":false,"field":"op"},)"
         R"({"type":"int64","optional":true,"field":"ts_ms"}],"optional":false,)"
         R"("name":"srv.shop.orders.Envelope","version":1})";
}

struct Row {
  int64_t id;
  std::string name, email, city;
  int64_t amount_cents;
  int64_t created_ms;
};

Row row(uint64_t i) {
  static const char* kCities[] = {"Lisbon", "Zürich", "Osaka", "Nairobi", "Lima"};
  return Row{static_cast<int64_t>(i),
             "customer " + std::to_string(i * 7 % 100003),
             "user" + std::to_string(i) + "@example.com",
             kCities[i % 5],
             static_cast<int64_t>(i * 37 % 1000000) - 500000,
             1700000000000 + static_cast<int64_t>(i) * 17};
}

std::string amount_text(int64_t cents) {
  const int64_t a = cents < 0 ? -cents : cents;
  char b[32];
  std::snprintf(b, sizeof b, "%s%lld.%02lld", cents < 0 ? "-" : "", static_cast<long long>(a / 100),
                static_cast<long long>(a % 100));
  return b;
}

std::string datetime_text(int64_t ms) {
  const int64_t s = ms / 1000;
  const int64_t days = s / 86400;
  // 2023-11-14 + days: good enough for a benchmark's text (a fixed day, moving time).
  char b[40];
  std::snprintf(b, sizeof b, "2023-11-%02lld %02lld:%02lld:%02lld.%03lld",
                static_cast<long long>(14 + days % 10), static_cast<long long>(s / 3600 % 24),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60),
                static_cast<long long>(ms % 1000));
  return b;
}

std::string message(Format f, bool with_schema, uint64_t i, const std::string& schema) {
  const Row r = row(i);
  const std::string id = std::to_string(r.id);
  const std::string cust = std::to_string(i % 5000);
  const std::string qty = std::to_string(i % 9 + 1);
  const std::string flags = std::to_string(i % 4);
  const std::string weight = std::to_string(static_cast<double>(i % 1000) / 8.0);
  switch (f) {
    case Format::DebeziumJson: {
      const std::string after =
          R"({"id":)" + id + R"(,"customer_id":)" + cust + R"(,"qty":)" + qty + R"(,"flags":)" +
          flags + R"(,"amount":")" + decimal_base64(r.amount_cents) + R"(","name":")" + r.name +
          R"(","email":")" + r.email + R"(","city":")" + r.city + R"(","created":)" +
          std::to_string(r.created_ms) + R"(,"weight":)" + weight + "}";
      const std::string payload =
          R"({"before":null,"after":)" + after +
          R"(,"source":{"version":"2.5.0.Final","connector":"mysql","name":"srv","ts_ms":)" +
          std::to_string(r.created_ms) +
          R"(,"snapshot":"false","db":"shop","table":"orders","server_id":1,)"
          R"("file":"mysql-bin.000003","pos":)" +
          std::to_string(1000 + i * 300) + R"(,"row":0},"op":"c","ts_ms":)" +
          std::to_string(r.created_ms + 5) + "}";
      return with_schema ? R"({"schema":)" + schema + R"(,"payload":)" + payload + "}" : payload;
    }
    case Format::CanalJson:
      return R"({"data":[{"id":")" + id + R"(","customer_id":")" + cust + R"(","qty":")" + qty +
             R"(","flags":")" + flags + R"(","amount":")" + amount_text(r.amount_cents) +
             R"(","name":")" + r.name + R"(","email":")" + r.email + R"(","city":")" + r.city +
             R"(","created":")" + datetime_text(r.created_ms) + R"(","weight":")" + weight +
             R"("}],"database":"shop","es":)" + std::to_string(r.created_ms) + R"(,"id":)" +
             std::to_string(i) +
             R"j(,"isDdl":false,"mysqlType":{"id":"bigint(20)","customer_id":"int(11)",)j"
             R"j("qty":"int(11)","flags":"tinyint(4)","amount":"decimal(12,2)",)j"
             R"j("name":"varchar(64)","email":"varchar(128)","city":"varchar(32)",)j"
             R"j("created":"datetime(3)","weight":"double"},"old":null,"pkNames":["id"],)j"
             R"("sql":"","sqlType":{"id":-5,"customer_id":4,"qty":4,"flags":-6,"amount":3,)"
             R"("name":12,"email":12,"city":12,"created":93,"weight":8},"table":"orders",)"
             R"("ts":)" +
             std::to_string(r.created_ms + 5) + R"(,"type":"INSERT"})";
    case Format::MaxwellJson:
      return R"({"database":"shop","table":"orders","type":"insert","ts":)" +
             std::to_string(r.created_ms / 1000) + R"(,"xid":)" + std::to_string(i) +
             R"(,"commit":true,"data":{"id":)" + id + R"(,"customer_id":)" + cust + R"(,"qty":)" +
             qty + R"(,"flags":)" + flags + R"(,"amount":)" + amount_text(r.amount_cents) +
             R"(,"name":")" + r.name + R"(","email":")" + r.email + R"(","city":")" + r.city +
             R"(","created":")" + datetime_text(r.created_ms) + R"(","weight":)" + weight + "}}";
    case Format::Json:
      return R"({"id":)" + id + R"(,"customer_id":)" + cust + R"(,"qty":)" + qty + R"(,"flags":)" +
             flags + R"(,"amount":)" + amount_text(r.amount_cents) + R"(,"name":")" + r.name +
             R"(","email":")" + r.email + R"(","city":")" + r.city + R"(","created":")" +
             datetime_text(r.created_ms) + R"(","weight":)" + weight + "}";
  }
  return {};
}

void run(const char* label, Format f, bool with_schema, uint64_t n) {
  const std::string schema = debezium_schema();
  std::vector<std::string> values;
  std::vector<std::string> keys;
  values.reserve(n);
  uint64_t bytes = 0;
  for (uint64_t i = 0; i < n; ++i) {
    values.push_back(message(f, with_schema, i, schema));
    keys.push_back(f == Format::DebeziumJson ? R"({"id":)" + std::to_string(i) + "}" : "");
    bytes += values.back().size() + keys.back().size();
  }
  starcdc::kafka::DecoderOptions options;
  options.primary_key = {"id"};
  auto decoder = starcdc::kafka::make_decoder(f, options);
  uint64_t rows = 0;
  uint64_t check = 0;
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < n; ++i) {
    auto r = decoder->decode("orders", keys[i], values[i]);
    if (!r.ok()) {
      std::fprintf(stderr, "%s: message %llu: %s\n", label, static_cast<unsigned long long>(i),
                   r.error().what());
      std::exit(1);
    }
    for (const auto& change : r.value()->rows) {
      ++rows;
      for (const auto& field : change.after) {
        check += field.value.u + field.value.size;
      }
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%-24s %8llu msgs %8.0f B/msg %12.0f msgs/s %8.1f MB/s  (rows %llu, check %llu)\n",
              label, static_cast<unsigned long long>(n),
              static_cast<double>(bytes) / static_cast<double>(n), static_cast<double>(n) / s,
              static_cast<double>(bytes) / s / 1e6, static_cast<unsigned long long>(rows),
              static_cast<unsigned long long>(check % 1000));
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  run("debezium-json (schema)", Format::DebeziumJson, true, n);
  run("debezium-json (bare)", Format::DebeziumJson, false, n);
  run("canal-json", Format::CanalJson, false, n);
  run("maxwell-json", Format::MaxwellJson, false, n);
  run("json", Format::Json, false, n);
  return 0;
}
