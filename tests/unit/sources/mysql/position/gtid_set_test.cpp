#include "sources/mysql/position/gtid_set.hpp"

#include <catch2/catch.hpp>

#include "sources/mysql/position/binlog_position.hpp"

namespace starcdc::mysql {

TEST_CASE("MySQL GTID sets parse, merge and print canonically", "[mysql][position]") {
  std::string err;
  auto s = MysqlGtidSet::parse(
      "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7-9:6,\n 0ad9e5b0-0000-11e1-0000-000000000001:3",
      &err);
  REQUIRE(s);
  CHECK(s->text() ==
        "0ad9e5b0-0000-11e1-0000-000000000001:3,3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9");
  CHECK(s->contains("3e11fa47-71ca-11e1-9e33-c80aa9429562", 9));
  CHECK_FALSE(s->contains("3e11fa47-71ca-11e1-9e33-c80aa9429562", 10));
  s->add("3e11fa47-71ca-11e1-9e33-c80aa9429562", 10);
  s->add("3e11fa47-71ca-11e1-9e33-c80aa9429562", 12);
  CHECK(s->text() ==
        "0ad9e5b0-0000-11e1-0000-000000000001:3,3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10:12");
  auto sub = MysqlGtidSet::parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:2-4", &err);
  CHECK(s->contains(*sub));
  CHECK_FALSE(sub->contains(*s));
  CHECK(MysqlGtidSet::parse("", &err)->empty());
  CHECK_FALSE(MysqlGtidSet::parse("nonsense:1", &err));
  CHECK_FALSE(MysqlGtidSet::parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:5-2", &err));
  CHECK(err.find("5-2") != std::string::npos);
}

TEST_CASE("GTID sets round-trip through the binary form, with end exclusive", "[mysql][position]") {
  std::string err;
  auto s = MysqlGtidSet::parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7", &err);
  const std::string bin = s->encode();
  REQUIRE(bin.size() == 8 + 16 + 8 + 2 * 16);
  CHECK(static_cast<unsigned char>(bin[0]) == 1);               // one sid
  CHECK(static_cast<unsigned char>(bin[8 + 16 + 8 + 8]) == 6);  // [1,6)
  auto back = MysqlGtidSet::decode(bin, &err);
  REQUIRE(back);
  CHECK(*back == *s);
  auto tagged = MysqlGtidSet::parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3:Blue:4", &err);
  REQUIRE(tagged);
  CHECK(tagged->text() ==
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3,3e11fa47-71ca-11e1-9e33-c80aa9429562:blue:4");
  auto tagged_back = MysqlGtidSet::decode(tagged->encode(), &err);
  REQUIRE(tagged_back);
  CHECK(*tagged_back == *tagged);
  CHECK_FALSE(MysqlGtidSet::decode(bin.substr(0, 20), &err));
}

TEST_CASE("MariaDB GTID lists keep one GTID per domain", "[mysql][position]") {
  std::string err;
  auto l = MariaGtidList::parse("1-2-7, 0-1-5", &err);
  REQUIRE(l);
  CHECK(l->text() == "0-1-5,1-2-7");
  l->update(MariaGtid{0, 3, 9});
  CHECK(l->text() == "0-3-9,1-2-7");
  CHECK_FALSE(MariaGtidList::parse("0-1-5,0-1-6", &err));
  CHECK_FALSE(MariaGtidList::parse("0-1", &err));
}

TEST_CASE("binlog positions round-trip through the checkpoint JSON", "[mysql][position]") {
  BinlogPosition p{"mysql-bin.000042", 1234, "0-1-5", 7, 1764000000, "", ""};
  std::string err;
  auto back = BinlogPosition::from_position(p.to_position(), &err);
  REQUIRE(back);
  CHECK(*back == p);
  // The snapshot's progress rides along verbatim.
  p.snapshot = R"({"tables":{"a.b":{"state":"done","chunks":3}}})";
  back = BinlogPosition::from_position(p.to_position(), &err);
  REQUIRE(back);
  CHECK(back->snapshot == p.snapshot);
  p.schemas = R"({"a.b":{"columns":[["id","int",false]],"key":[0]}})";
  back = BinlogPosition::from_position(p.to_position(), &err);
  REQUIRE(back);
  CHECK(back->schemas == p.schemas);
  CHECK(p.where() == "mysql-bin.000042:1234");
  CHECK_FALSE(BinlogPosition::from_position(Position::from_json("{\"row\":3}"), &err));
  CHECK(err.find("another source") != std::string::npos);
}

}  // namespace starcdc::mysql
