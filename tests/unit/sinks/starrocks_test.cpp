#include <catch2/catch.hpp>

#include "sinks/starrocks/body_compression.hpp"
#include "sinks/starrocks/csv_encoder.hpp"
#include "sinks/starrocks/json_encoder.hpp"
#include "sinks/starrocks/label.hpp"
#include "sinks/starrocks/response.hpp"
#include "sinks/starrocks/starrocks_options.hpp"
#include "sinks/starrocks/type_mapping.hpp"

namespace starcdc::starrocks {
namespace {

TableSchema orders() {
  return TableSchema(TableId{"shop", "orders"}, 1,
                     {Column{"id", "bigint unsigned", false}, Column{"name", "varchar(10)", true},
                      Column{"amount", "decimal(12,2)", true}, Column{"at", "datetime(3)", true}},
                     {0});
}

}  // namespace

TEST_CASE("labels are deterministic, valid, and hash awkward table names", "[starrocks]") {
  CHECK(make_label("orders", TableId{"shop", "orders"}, 41) == "orders-shop_orders-41");
  const std::string odd = make_label("p", TableId{"shop", "order items"}, 7);
  CHECK(odd.rfind("p-t", 0) == 0);
  CHECK(odd.size() == std::string("p-t0123456789abcdef-7").size());
  CHECK(odd == make_label("p", TableId{"shop", "order items"}, 7));
  CHECK(odd != make_label("p", TableId{"shop", "order_items"}, 7));
  const std::string long_name(200, 'x');
  CHECK(make_label("p", TableId{"db", long_name}, 1).size() <= 128);
  CHECK(make_batch_label("p", TableId{"a", "b"}, 3, 9, "run1") == "p-a_b-3-9-run1");
}

TEST_CASE("MySQL types map to StarRocks types as Flink CDC maps them", "[starrocks]") {
  std::string err;
  auto t = [&](const char* type, bool key = false) {
    auto m = map_type(Column{"c", type, true}, key, 3, &err);
    return m ? m->sql : "error: " + err;
  };
  CHECK(t("tinyint(1)") == "BOOLEAN");
  CHECK(t("tinyint unsigned") == "SMALLINT");
  CHECK(t("int unsigned") == "BIGINT");
  CHECK(t("bigint unsigned") == "DECIMAL(20, 0)");
  CHECK(t("bigint unsigned", true) == "VARCHAR(21)");
  CHECK(t("decimal(12,2)") == "DECIMAL(12, 2)");
  CHECK(t("decimal(12,2)", true) == "VARCHAR(14)");
  CHECK(t("decimal(65,4)") == "VARCHAR(1048576)");
  CHECK(t("varchar(64)") == "VARCHAR(192)");
  CHECK(t("char(10)") == "CHAR(30)");
  CHECK(t("char(100)") == "VARCHAR(300)");
  CHECK(t("longtext") == "VARCHAR(1048576)");
  CHECK(t("datetime(6)") == "DATETIME");
  CHECK(t("time(3)") == "VARCHAR(14)");
  CHECK(t("time") == "VARCHAR(10)");
  CHECK(t("bit(10)") == "BIGINT");
  CHECK(t("set('a','b')") == "VARCHAR(1048576)");
  CHECK(t("blob") == "VARBINARY");
  CHECK(t("double", true).rfind("error: c: double cannot be a StarRocks key", 0) == 0);
  CHECK(t("frobnicate(3)").rfind("error:", 0) == 0);
}

TEST_CASE("CREATE TABLE puts the key first and quotes names and properties", "[starrocks]") {
  TableSchema s(
      TableId{"shop", "orders"}, 1,
      {Column{"note", "text", true}, Column{"id", "bigint", false}, Column{"we`ird", "int", true}},
      {1});
  std::string err;
  auto sql = create_table_sql(s, TableId{"ods", "orders"}, 3, 4,
                              {{"replication_num", "1"}, {"x", "a\"b"}}, &err);
  REQUIRE(sql);
  CHECK(*sql ==
        "CREATE TABLE IF NOT EXISTS `ods`.`orders` (\n"
        "`id` BIGINT NOT NULL,\n`note` VARCHAR(1048576) NULL,\n`we``ird` INT NULL\n"
        ") PRIMARY KEY (`id`)\nDISTRIBUTED BY HASH (`id`) BUCKETS 4\nPROPERTIES (\n"
        "\"replication_num\" = \"1\",\n\"x\" = \"a\\\"b\"\n)");
  TableSchema no_key(TableId{"a", "b"}, 1, {Column{"x", "int", true}}, {});
  CHECK_FALSE(create_table_sql(no_key, no_key.id(), 3, 0, {}, &err));
  CHECK(err.find("has no primary key") != std::string::npos);
}

TEST_CASE("JSON rows carry __op and exact decimals", "[starrocks]") {
  const TableSchema s = orders();
  JsonRowEncoder enc(s);
  std::vector<Value> row = {Value::uint64(7), Value::string("a\"b"), Value::decimal("-1.50"),
                            Value::temporal(ValueKind::DateTime, 1764000723517000, 3)};
  ByteBuffer out;
  ChangeEvent e;
  e.schema = &s;
  e.op = Op::Update;
  e.after = RowImage{row, {}};
  e.before = RowImage{row, {}};
  enc.encode(e, out);
  e.op = Op::Delete;
  enc.encode(e, out);
  CHECK(out.view() ==
        "{\"id\":7,\"name\":\"a\\\"b\",\"amount\":-1.50,\"at\":\"2025-11-24 16:12:03.517\","
        "\"__op\":0},{\"id\":7,\"name\":\"a\\\"b\",\"amount\":-1.50,\"at\":\"2025-11-24 "
        "16:12:03.517\",\"__op\":1},");
}

TEST_CASE("CSV rows end with __op and the delimiter; separators inside values are refused",
          "[starrocks]") {
  const TableSchema s = orders();
  CsvRowEncoder enc(s, decode_separator("\\t"), decode_separator("\\n"));
  std::vector<Value> row = {Value::uint64(7), Value::null(), Value::decimal("2.00"),
                            Value::temporal(ValueKind::DateTime, 0, 0)};
  ChangeEvent e;
  e.schema = &s;
  e.after = RowImage{row, {}};
  ByteBuffer out;
  enc.encode(e, out);
  CHECK(out.view() == "7\t\\N\t2.00\t1970-01-01 00:00:00\t0\n");
  row[1] = Value::string("tab\there");
  CHECK_THROWS_WITH(enc.encode(e, out), Catch::Contains("CSV"));
  CHECK(decode_separator("\\x01") == std::string(1, '\x01'));
  CHECK(decode_separator("|") == "|");
}

TEST_CASE("replies of every family parse case-insensitively", "[starrocks]") {
  auto be = parse_reply(200, R"({"TxnId":5,"Label":"l","Status":"OK","Message":""})");
  CHECK(be.ok());
  CHECK(be.txn_id == 5);
  auto dup = parse_reply(200, R"({"Status":"LABEL_ALREADY_EXISTS","ExistingJobStatus":"RUNNING",
      "Message":"Label [l] has already been used."})");
  CHECK_FALSE(dup.ok());
  CHECK(dup.existing_job_status == "RUNNING");
  auto state = parse_reply(200, R"({"status":"OK","code":"0","msg":"Success","state":"PREPARED"})");
  CHECK(state.state == "PREPARED");
  auto filtered = parse_reply(200, R"({"Status":"Fail","Message":"too many filtered rows",
      "NumberFilteredRows":3,"ErrorURL":"http://be/api/_load_error_log?file=x"})");
  CHECK(filtered.filtered_rows == 3);
  CHECK(filtered.describe() ==
        "HTTP 200, Status Fail: too many filtered rows (rejected rows: "
        "http://be/api/_load_error_log?file=x)");
  auto html = parse_reply(502, "<html>Bad Gateway</html>");
  CHECK_FALSE(html.parsed);
  CHECK_FALSE(html.ok());
  CHECK(html.describe() == "HTTP 502: <html>Bad Gateway</html>");
  CHECK(parse_reply(200, R"({"Status":"Publish Timeout"})").ok());
  CHECK_FALSE(parse_reply(200, R"({"Status":"SOMETHING_NEW"})").ok());
}

TEST_CASE("FE address lists parse in both notations", "[starrocks]") {
  std::vector<HostPort> hosts;
  std::string err;
  REQUIRE(parse_host_list("fe1:8030; http://fe2:8030/", false, &hosts, &err));
  REQUIRE(hosts.size() == 2);
  CHECK(hosts[1].str() == "fe2:8030");
  hosts.clear();
  REQUIRE(parse_host_list("jdbc:mysql://fe1:9030,fe2:9030/db", true, &hosts, &err));
  CHECK(hosts.size() == 2);
  hosts.clear();
  CHECK_FALSE(parse_host_list("fe1", false, &hosts, &err));
  CHECK(err == "'fe1' is not host:port");
  CHECK_FALSE(parse_host_list("mysql://fe1:9030", true, &hosts, &err));
  CHECK_FALSE(parse_host_list("https://fe1:8443", false, &hosts, &err));
}

TEST_CASE("load bodies compress and decompress to the same bytes with every codec", "[starrocks]") {
  std::string rows;
  for (int i = 0; i < 20000; ++i) {
    rows += "{\"id\":" + std::to_string(i) + ",\"name\":\"n" + std::to_string(i % 97) + "\"},";
  }
  const std::vector<std::string_view> parts{"[", std::string_view(rows).substr(0, rows.size() - 1),
                                            "]"};
  const std::string whole = "[" + rows.substr(0, rows.size() - 1) + "]";
  for (const char* name : {"lz4_frame", "LZ4", "zstd", "GZIP"}) {
    INFO(name);
    const auto codec = parse_compression(name);
    REQUIRE(codec);
    std::string packed;
    compress_body(*codec, parts, packed);
    CHECK(packed.size() < whole.size() / 3);
    CHECK(decompress_body(*codec, packed) == whole);
  }
  CHECK_FALSE(parse_compression("bzip2"));
  CHECK(std::string(compression_header_value(Compression::Lz4Frame)) == "LZ4_FRAME");
  CHECK(std::string(compressed_csv_format(Compression::Zstd)) == "zstd");
}

TEST_CASE("a partial update writes the changed columns and the key from the before image",
          "[starrocks]") {
  const TableSchema s = orders();
  // binlog_row_image=MINIMAL: the before image holds the key, the after image what changed.
  std::vector<Value> before = {Value::uint64(7), Value(), Value(), Value()};
  std::vector<Value> after = {Value(), Value(), Value::decimal("3.25"), Value()};
  const uint64_t key_only = 0b0001;
  const uint64_t amount_only = 0b0100;
  ChangeEvent e;
  e.schema = &s;
  e.op = Op::Update;
  e.before = RowImage{before, {&key_only}};
  e.after = RowImage{after, {&amount_only}};
  ByteBuffer json;
  JsonRowEncoder(s).encode(e, json);
  CHECK(json.view() == "{\"id\":7,\"amount\":3.25,\"__op\":0},");
  ByteBuffer csv;
  CsvRowEncoder(s, "|", "\n").encode(e, csv);
  CHECK(csv.view() == "7|3.25|0\n");
  e.op = Op::Delete;
  ByteBuffer del;
  CsvRowEncoder(s, "|", "\n").encode(e, del);
  CHECK(del.view() == "7|1\n");
}

TEST_CASE("enclosed CSV escapes quotes and backslashes and writes NULL so it unescapes to \\N",
          "[starrocks]") {
  const TableSchema s = orders();
  CsvRowEncoder enc(s, ",", "\n", true);
  std::vector<Value> row = {Value::uint64(7), Value::string("a\"b\\c,d\ne"), Value::null(),
                            Value::temporal(ValueKind::DateTime, 0, 0)};
  ChangeEvent e;
  e.schema = &s;
  e.after = RowImage{row, {}};
  ByteBuffer out;
  enc.encode(e, out);
  CHECK(out.view() == "7,\"a\\\"b\\\\c,d\ne\",\\\\N,1970-01-01 00:00:00,0\n");
  row[1] = Value::string("\\N");
  CHECK_THROWS_WITH(enc.encode(e, out), Catch::Contains("reads it as NULL"));
}

}  // namespace starcdc::starrocks
