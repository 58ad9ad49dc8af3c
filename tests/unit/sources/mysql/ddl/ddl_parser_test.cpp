// The DDL parser: the statement corpus (tests/fixtures/ddl/corpus.txt), then the cases a corpus
// line cannot show well: error texts, fields describe() leaves out, lexer corners.
#include "sources/mysql/ddl/ddl_parser.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/common/error.hpp"

namespace starcdc::mysql::ddl {
namespace {

const std::string kCorpus = std::string(STARCDC_SOURCE_DIR) + "/tests/fixtures/ddl/corpus.txt";

struct CorpusCase {
  size_t line = 0;  // of the statement's first line
  std::string db = "shop";
  SqlMode mode;
  std::string sql;
  std::string expected;
  size_t expected_begin = 0, expected_end = 0;  // line indexes of the expectation
};

struct Corpus {
  std::vector<std::string> lines;
  std::vector<CorpusCase> cases;
};

Corpus read_corpus() {
  Corpus corpus;
  std::ifstream in(kCorpus);
  REQUIRE(in.good());
  for (std::string line; std::getline(in, line);) {
    corpus.lines.push_back(line);
  }
  const std::vector<std::string>& lines = corpus.lines;
  size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].empty() || lines[i].rfind("//", 0) == 0) {
      ++i;
      continue;
    }
    CorpusCase c;
    for (; i < lines.size() && lines[i].rfind('@', 0) == 0; ++i) {
      std::istringstream words(lines[i]);
      std::string key;
      words >> key;
      if (key == "@db") {
        c.db.clear();
        words >> c.db;
        continue;
      }
      INFO("corpus.txt:" << i + 1);
      REQUIRE(key == "@mode");
      for (std::string mode; words >> mode;) {
        if (mode == "ansi_quotes") {
          c.mode.ansi_quotes = true;
        } else if (mode == "no_backslash_escapes") {
          c.mode.no_backslash_escapes = true;
        } else {
          REQUIRE(mode == "real_as_float");
          c.mode.real_as_float = true;
        }
      }
    }
    c.line = i + 1;
    for (; i < lines.size() && lines[i] != "----"; ++i) {
      c.sql += (c.sql.empty() ? "" : "\n") + lines[i];
    }
    INFO("corpus.txt:" << c.line << ": no ---- line after the statement");
    REQUIRE(i < lines.size());
    c.expected_begin = ++i;
    for (; i < lines.size() && !lines[i].empty(); ++i) {
      c.expected += (c.expected.empty() ? "" : "\n") + lines[i];
    }
    c.expected_end = i;
    corpus.cases.push_back(std::move(c));
  }
  return corpus;
}

std::string outcome(const std::string& sql, const std::string& db, const SqlMode& mode = {}) {
  try {
    return describe(parse(sql, db, mode));
  } catch (const Error& e) {
    REQUIRE(e.kind() == ErrorKind::Data);
    return std::string("error: ") + e.what();
  }
}

std::string error_of(const std::string& sql) {
  try {
    parse(sql, "shop");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Data);
    return e.what();
  }
  FAIL("no error for: " << sql);
  return {};
}

}  // namespace

TEST_CASE("every corpus statement parses into its expected outcome", "[mysql][ddl]") {
  Corpus corpus = read_corpus();
  std::map<std::string, size_t> per_kind;
  for (const CorpusCase& c : corpus.cases) {
    const std::string actual = outcome(c.sql, c.db, c.mode);
    INFO("corpus.txt:" << c.line << "\n" << c.sql);
    CHECK(actual == c.expected);
    per_kind[actual.substr(0, actual.find_first_of(" :\n"))]++;
    // STARCDC_UPDATE_GOLDEN=1 writes the outcomes into the corpus (review the diff).
    if (std::getenv("STARCDC_UPDATE_GOLDEN") != nullptr) {  // NOLINT(concurrency-mt-unsafe)
      std::vector<std::string> replaced;
      std::istringstream split(actual);
      for (std::string line; std::getline(split, line);) {
        replaced.push_back(line);
      }
      corpus.lines.erase(corpus.lines.begin() + static_cast<std::ptrdiff_t>(c.expected_begin),
                         corpus.lines.begin() + static_cast<std::ptrdiff_t>(c.expected_end));
      corpus.lines.insert(corpus.lines.begin() + static_cast<std::ptrdiff_t>(c.expected_begin),
                          replaced.begin(), replaced.end());
      std::ofstream out(kCorpus, std::ios::trunc);
      for (const std::string& line : corpus.lines) {
        out << line << '\n';
      }
      corpus = read_corpus();
    }
  }
  CHECK(corpus.cases.size() >= 150);
  for (const char* kind :
       {"irrelevant", "create_table", "create_table_like", "create_table_select", "alter_table",
        "rename_tables", "truncate_table", "drop_tables", "error"}) {
    INFO(kind);
    CHECK(per_kind[kind] >= 3);
  }
}

TEST_CASE("every prefix of a corpus statement parses or fails with Error(Data)", "[mysql][ddl]") {
  for (const CorpusCase& c : read_corpus().cases) {
    for (size_t n = 0; n <= c.sql.size(); ++n) {
      INFO(c.sql.substr(0, n));
      outcome(c.sql.substr(0, n), c.db, c.mode);
    }
  }
}

TEST_CASE("an error says what is wrong, at which offset, and the text there", "[mysql][ddl]") {
  CHECK(error_of("CREATE TABLE t (a int, b frobnicator(3) NOT NULL, c int, d int, e int)") ==
        "unknown data type 'frobnicator' of column b, at offset 25 near "
        "'frobnicator(3) NOT NULL, c int, d int, e...'");
  CHECK(error_of("ALTER TABLE t ADD COLUMN") ==
        "expected a column name, at offset 24 (the end of the statement)");
  CHECK(error_of("RENAME TABLE a TO b c") ==
        "unexpected text after RENAME TABLE, at offset 20 near 'c'");
  // On one line, and never half a UTF-8 character.
  CHECK(error_of("CREATE TABLE t (a int\n\tBOGUS\nx)") ==
        "unexpected 'BOGUS' in the definition of column a, at offset 23 near 'BOGUS x)'");
  const std::string e = error_of("CREATE TABLE t (a int ZZ" + std::string(37, 'x') + "\xc3\xa9)");
  CHECK(e.substr(e.find("near")) == "near 'ZZ" + std::string(37, 'x') + "...'");
  CHECK(error_of("CREATE TABLE t (a varchar(10) DEFAULT 'x)") ==
        "unterminated string, at offset 38 near ''x)'");
}

TEST_CASE("statements that change no table are irrelevant, however long or broken",
          "[mysql][ddl]") {
  const std::string insert = "INSERT INTO t VALUES ('" + std::string(1 << 20, 'x') + "\\'";
  CHECK(parse(insert, "shop").kind == Kind::Irrelevant);
  CHECK(parse("", "shop").kind == Kind::Irrelevant);
  CHECK(parse("  \n\t", "shop").kind == Kind::Irrelevant);
  CHECK(parse("/* unterminated", "shop").kind == Kind::Irrelevant);
  CHECK(parse("CREATE VIEW v AS SELECT (((", "shop").kind == Kind::Irrelevant);
  CHECK(parse("DROP INDEX idx ON t", "shop").kind == Kind::Irrelevant);
  CHECK(parse("(CREATE TABLE t (a int))", "shop").kind == Kind::Irrelevant);
  CHECK(describe(parse("SELECT 1", "shop")) == "irrelevant");
}

TEST_CASE("column fields carry defaults, generation and nullability as written", "[mysql][ddl]") {
  const Statement s = parse(
      "CREATE TABLE t (a timestamp NULL DEFAULT NULL, b int NOT NULL DEFAULT -0, "
      "c int AS (a+1) STORED, d datetime(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE now(3), "
      "e int, f varchar(3) DEFAULT 'x' COMMENT 'say \\'hi\\'')",
      "shop");
  REQUIRE(s.columns.size() == 6);
  CHECK(s.columns[0].null_specified);
  CHECK(s.columns[0].nullable);
  CHECK(s.columns[0].default_kind == DefaultKind::Null);
  CHECK(s.columns[1].default_kind == DefaultKind::Number);
  CHECK(s.columns[1].default_value == "-0");
  CHECK_FALSE(s.columns[1].nullable);
  CHECK(s.columns[2].generated == Generated::Stored);
  CHECK(s.columns[2].expression == "a+1");
  CHECK(s.columns[3].default_kind == DefaultKind::Expression);
  CHECK(s.columns[3].default_value == "CURRENT_TIMESTAMP(3)");
  CHECK(s.columns[3].on_update == "now(3)");
  CHECK_FALSE(s.columns[4].null_specified);
  CHECK(s.columns[4].default_kind == DefaultKind::None);
  CHECK(s.columns[5].default_kind == DefaultKind::String);
  CHECK(s.columns[5].comment == "say 'hi'");
}

TEST_CASE("executable comments are read as SQL, plain comments and hints are not", "[mysql][ddl]") {
  const Statement s = parse(
      "CREATE TABLE t (a varchar(3) /*!50000 DEFAULT '*/' */, b int /*M!100301 INVISIBLE*/, "
      "c int /*!*/, d int /*!80023 NOT NULL */ /* NULL */ -- DEFAULT 1\n"
      ", e int DEFAULT 5--\n, f int # DEFAULT 2\n) /*+ SET_VAR(x=1) */",
      "shop");
  REQUIRE(s.columns.size() == 6);
  CHECK(s.columns[0].default_value == "*/");
  CHECK(s.columns[1].invisible);
  CHECK_FALSE(s.columns[3].nullable);
  CHECK(s.columns[3].default_kind == DefaultKind::None);
  CHECK(s.columns[4].default_value == "5");
  CHECK(s.columns[5].default_kind == DefaultKind::None);
  // "--" without a blank after it is two minus signs, and a comment may end the statement.
  CHECK(parse("CREATE TABLE t (a int DEFAULT --1) --", "shop").columns[0].default_value == "1");
}

TEST_CASE("Windows line ends and tabs are blanks, also after a -- comment", "[mysql][ddl]") {
  const Statement s =
      parse("ALTER TABLE t\r\n\tADD COLUMN c int -- note\r\n\t, DROP d #x\r\n", "db");
  REQUIRE(s.ops.size() == 2);
  CHECK(s.ops[0].column.type == "int");
  CHECK(s.ops[1].column.name == "d");
}

TEST_CASE("names: quoted, double-quoted, ANSI_QUOTES, case kept, keywords in any case",
          "[mysql][ddl]") {
  const Statement s = parse("cReAtE TaBlE `My``Db`.\"Tbl\" (`A b` INT, \"c\"\"d\" int)", "x");
  CHECK(s.kind == Kind::CreateTable);
  CHECK(s.table == TableId{"My`Db", "Tbl"});
  REQUIRE(s.columns.size() == 2);
  CHECK(s.columns[0].name == "A b");
  CHECK(s.columns[1].name == "c\"d");
  // Without ANSI_QUOTES "x" is a string where a value stands; with it, a name.
  CHECK(parse("CREATE TABLE t (a varchar(3) DEFAULT \"x\")", "db").columns[0].default_kind ==
        DefaultKind::String);
  SqlMode ansi;
  ansi.ansi_quotes = true;
  CHECK_THROWS_AS(parse("CREATE TABLE t (a varchar(3) DEFAULT \"x\" \"y\")", "db", ansi), Error);
}

TEST_CASE("sql_mode bits select the lexer's options", "[mysql][ddl]") {
  const SqlMode m = SqlMode::from_bits(SqlMode::kAnsiQuotes | SqlMode::kNoBackslashEscapes);
  CHECK(m.ansi_quotes);
  CHECK(m.no_backslash_escapes);
  CHECK_FALSE(m.real_as_float);
  CHECK(SqlMode::from_bits(1).real_as_float);
  const Statement s = parse("CREATE TABLE t (p varchar(9) DEFAULT 'C:\\')", "db", m);
  CHECK(s.columns[0].default_value == "C:\\");
}

TEST_CASE("tables take the event's database unless qualified", "[mysql][ddl]") {
  CHECK(parse("TRUNCATE t", "").table == TableId{"", "t"});
  CHECK(parse("TRUNCATE other.t", "shop").table == TableId{"other", "t"});
  const Statement r = parse("ALTER TABLE a.t ADD c int, RENAME TO t2", "b");
  REQUIRE(r.renames.size() == 1);
  CHECK(r.renames[0] == std::pair<TableId, TableId>{{"a", "t"}, {"b", "t2"}});
  CHECK(r.ops.back().new_table == TableId{"b", "t2"});
}

TEST_CASE("a ';' ends the statement", "[mysql][ddl]") {
  const Statement s = parse("DROP TABLE a; DROP TABLE b", "shop");
  CHECK(s.dropped == std::vector<TableId>{{"shop", "a"}});
  CHECK(parse("ALTER TABLE t ADD c int;;", "shop").ops.size() == 1);
}

TEST_CASE("online schema change helper tables name their origin", "[mysql][ddl]") {
  CHECK(shadow_table_origin("_orders_gho") == "orders");
  CHECK(shadow_table_origin("_orders_ghc") == "orders");
  CHECK(shadow_table_origin("_orders_del") == "orders");
  CHECK(shadow_table_origin("_order_items_new") == "order_items");
  CHECK(shadow_table_origin("__orders_old") == "_orders");
  CHECK_FALSE(shadow_table_origin("orders_new"));
  CHECK_FALSE(shadow_table_origin("_new"));
  CHECK_FALSE(shadow_table_origin("orders"));
}

TEST_CASE("inline primary keys become key ops in ALTER TABLE", "[mysql][ddl]") {
  const Statement s = parse("ALTER TABLE t ADD COLUMN id int AUTO_INCREMENT PRIMARY KEY", "db");
  REQUIRE(s.ops.size() == 2);
  CHECK(s.ops[0].kind == OpKind::AddColumn);
  CHECK(s.ops[0].column.primary_key);
  CHECK_FALSE(s.ops[0].column.nullable);
  CHECK(s.ops[1].kind == OpKind::AddPrimaryKey);
  CHECK(s.ops[1].key_columns == std::vector<std::string>{"id"});
}

TEST_CASE("the tables a statement names are known even when it cannot be parsed", "[mysql][ddl]") {
  using Tables = std::vector<TableId>;
  CHECK(named_tables("ALTER TABLE shop.t ADD COLUMN c frobnicator", "db") == Tables{{"shop", "t"}});
  CHECK(named_tables("RENAME TABLE a TO b, c", "db") ==
        Tables{{"db", "a"}, {"db", "b"}, {"db", "c"}});
  CHECK(named_tables("DROP TABLE a, `b", "db") == Tables{{"db", "a"}});
  CHECK(named_tables("CREATE TABLE c (p int REFERENCES parent (id), q)", "db") ==
        Tables{{"db", "c"}});
  CHECK(named_tables("CREATE TABLE t2 LIKE t1", "db") == Tables{{"db", "t2"}, {"db", "t1"}});
  CHECK(named_tables("ALTER TABLE `unterminated", "db").empty());
  CHECK(named_tables("INSERT INTO t VALUES (1)", "db").empty());
  CHECK(named_tables("DROP INDEX i ON t", "db").empty());
}

}  // namespace starcdc::mysql::ddl
