#include "sources/mysql/protocol/commands.hpp"

#include <catch2/catch.hpp>

#include "sources/mysql/protocol/connect_options.hpp"
#include "sources/mysql/protocol/result_set.hpp"
#include "tests/unit/sources/mysql/protocol/hex.hpp"

namespace starcdc::mysql::protocol {
namespace {

using test::hex;
using test::unhex;

Bytes column_definition(std::string_view name, uint8_t type) {
  Bytes out;
  WireWriter w(out);
  w.lenenc_string("def");
  w.lenenc_string("");
  w.lenenc_string("");
  w.lenenc_string("");
  w.lenenc_string(name);
  w.lenenc_string("");
  w.lenenc(0x0C);
  w.u16(45);
  w.u32(256);
  w.u8(type);
  w.u16(0x0001);
  w.u8(0);
  w.u16(0);
  return out;
}

}  // namespace

TEST_CASE("COM_QUERY, COM_PING and COM_QUIT are a command byte and their text",
          "[mysql][protocol]") {
  CHECK(hex(com_query("SELECT 1")) == "03" + hex(test::bytes_of("SELECT 1")));
  CHECK(hex(com_ping()) == "0e");
  CHECK(hex(com_quit()) == "01");
}

TEST_CASE("COM_REGISTER_SLAVE lays out id, host, user, password and port", "[mysql][protocol]") {
  RegisterReplica r;
  r.server_id = 1001;
  r.host = "cdc-host";
  r.port = 3307;
  CHECK(hex(com_register_slave(r)) ==
        "15"
        "e9030000"
        "08" +
            hex(test::bytes_of("cdc-host")) +
            "00"
            "00"
            "eb0c"
            "00000000"
            "00000000");
  r.host = std::string(300, 'h');  // truncated to 255
  CHECK(com_register_slave(r).size() == 1 + 4 + 1 + 255 + 1 + 1 + 2 + 4 + 4);
}

TEST_CASE("COM_BINLOG_DUMP carries position, flags, server id and the file name",
          "[mysql][protocol]") {
  BinlogDump d;
  d.file = "binlog.000001";
  d.position = 0x01020304;
  d.flags = dump_flag::kNonBlock;
  d.server_id = 77;
  CHECK(hex(com_binlog_dump(d)) ==
        "12"
        "04030201"
        "0100"
        "4d000000" +
            hex(test::bytes_of("binlog.000001")));
}

TEST_CASE("COM_BINLOG_DUMP_GTID always carries the GTID block", "[mysql][protocol]") {
  BinlogDumpGtid d;
  d.server_id = 2;
  d.position = 4;
  CHECK(hex(com_binlog_dump_gtid(d)) ==
        "1e"
        "0400"
        "02000000"
        "00000000"
        "0400000000000000"
        "00000000");
  d.file = "b.1";
  d.gtid_set = unhex("0100000000000000");
  CHECK(hex(com_binlog_dump_gtid(d)) ==
        "1e"
        "0400"
        "02000000"
        "03000000" +
            hex(test::bytes_of("b.1")) +
            "0400000000000000"
            "08000000"
            "0100000000000000");
}

TEST_CASE("column definitions and text rows parse with NULLs", "[mysql][protocol]") {
  const ColumnDefinition c = parse_column_definition(column_definition("File", 253));
  CHECK(c.name == "File");
  CHECK(c.type == 253);
  CHECK(c.charset == 45);
  CHECK(c.length == 256);
  const Row row = parse_text_row(unhex("0d62696e6c6f672e303030303031 fb 0431323334"), 3);
  REQUIRE(row.size() == 3);
  CHECK(row[0] == std::optional<std::string>("binlog.000001"));
  CHECK_FALSE(row[1].has_value());
  CHECK(row[2] == std::optional<std::string>("1234"));

  ResultSet rs;
  rs.columns = {c, parse_column_definition(column_definition("Position", 8))};
  rs.rows = {Row{std::string("binlog.000001"), std::string("328")}};
  CHECK(rs.column_index("position") == std::optional<size_t>(1));
  CHECK(rs.value(0, "FILE") == std::optional<std::string>("binlog.000001"));
  CHECK_FALSE(rs.value(0, "Executed_Gtid_Set").has_value());
  CHECK_FALSE(rs.value(1, "File").has_value());
}

TEST_CASE("ssl-mode names parse like the MySQL client's", "[mysql][protocol]") {
  CHECK(parse_ssl_mode("disabled") == SslMode::Disabled);
  CHECK(parse_ssl_mode("PREFERRED") == SslMode::Preferred);
  CHECK(parse_ssl_mode("required") == SslMode::Required);
  CHECK(parse_ssl_mode("VERIFY_CA") == SslMode::VerifyCa);
  CHECK(parse_ssl_mode("verify-identity") == SslMode::VerifyIdentity);
  CHECK_FALSE(parse_ssl_mode("verify").has_value());
  CHECK(ssl_mode_name(SslMode::VerifyCa) == "verify-ca");
  ConnectOptions o;
  o.host = "::1";
  o.port = 3306;
  CHECK(o.endpoint() == "[::1]:3306");
}

}  // namespace starcdc::mysql::protocol
