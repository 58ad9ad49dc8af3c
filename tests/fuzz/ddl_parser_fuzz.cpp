// libFuzzer target: arbitrary bytes as the SQL of a QUERY event through ddl::parse, then
// describe() of what it returned, and ddl::named_tables (which never throws). A statement the
// parser cannot read must end in Error(Data); parsing the same text twice must give the same
// Statement; a statement about tables names at least one.
//
// Input layout (tests/fuzz/make_corpus.py writes seeds in it from tests/fixtures/ddl/corpus.txt):
//   byte 0   bit 0 ANSI_QUOTES, bit 1 NO_BACKSLASH_ESCAPES, bit 2 REAL_AS_FLOAT, bit 3 no
//            default database (else "shop")
//   then     the statement
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/common/error.hpp"
#include "sources/mysql/ddl/ddl_parser.hpp"

namespace starcdc::mysql::ddl {
namespace {

void run(const uint8_t* data, size_t size) {
  if (size == 0) {
    return;
  }
  SqlMode mode;
  mode.ansi_quotes = (data[0] & 1) != 0;
  mode.no_backslash_escapes = (data[0] & 2) != 0;
  mode.real_as_float = (data[0] & 4) != 0;
  const std::string_view db = (data[0] & 8) != 0 ? "" : "shop";
  // A copy of exactly the bytes given, so a read past them is a heap overflow ASan reports.
  const std::vector<char> sql(data + 1, data + size);
  const std::string_view text(sql.data(), sql.size());
  const std::vector<TableId> named = named_tables(text, db, mode);
  const Statement s = parse(text, db, mode);
  if (s.kind != Kind::Irrelevant && named.empty()) {
    throw Error(ErrorKind::Internal, "a table statement names no table");
  }
  const std::string described = describe(s);
  if (described.empty() || !(parse(text, db, mode) == s)) {
    throw Error(ErrorKind::Internal, "parse is not deterministic");
  }
  if (s.kind == Kind::Irrelevant && described != "irrelevant") {
    throw Error(ErrorKind::Internal, "an irrelevant statement describes as " + described);
  }
}

}  // namespace
}  // namespace starcdc::mysql::ddl

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    starcdc::mysql::ddl::run(data, size);
  } catch (const starcdc::Error& e) {
    if (e.kind() != starcdc::ErrorKind::Data) {
      throw;
    }
  }
  return 0;
}
