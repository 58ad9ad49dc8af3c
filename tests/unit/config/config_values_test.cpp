#include <catch2/catch.hpp>

#include "config/pipeline_file.hpp"
#include "config/substitution.hpp"
#include "config/suggest.hpp"
#include "config/table_pattern.hpp"
#include "config/units.hpp"

namespace starcdc::config {

TEST_CASE("durations parse with Flink's units and bare milliseconds", "[config]") {
  CHECK(parse_duration("5s")->count() == 5000);
  CHECK(parse_duration("500ms")->count() == 500);
  CHECK(parse_duration("2min")->count() == 120000);
  CHECK(parse_duration("1 h")->count() == 3600000);
  CHECK(parse_duration("250")->count() == 250);
  CHECK_FALSE(parse_duration("fast"));
  CHECK_FALSE(parse_duration("5 parsecs"));
  CHECK_FALSE(parse_duration("-5s"));
  CHECK_FALSE(parse_duration("99999999999999999999s"));
}

TEST_CASE("sizes parse as powers of 1024", "[config]") {
  CHECK(*parse_bytes("64MiB") == 64ULL << 20);
  CHECK(*parse_bytes("64mb") == 64ULL << 20);
  CHECK(*parse_bytes("1g") == 1ULL << 30);
  CHECK(*parse_bytes("512") == 512);
  CHECK_FALSE(parse_bytes("lots"));
  CHECK(format_bytes(64ULL << 20) == "64MiB");
  CHECK(format_duration(std::chrono::milliseconds(5000)) == "5s");
}

TEST_CASE("did-you-mean finds plausible typos only", "[config]") {
  const std::vector<std::string> keys = {"sink.label-prefix", "sink.semantic", "path"};
  CHECK(*suggest("sink.label-prefx", keys) == "sink.label-prefix");
  CHECK(*suggest("pth", keys) == "path");
  CHECK_FALSE(suggest("parallelism", keys));
  CHECK(edit_distance("ab", "ba") == 1);
}

TEST_CASE("${VAR} and ${VAR:-default} substitute from the environment", "[config]") {
  EnvLookup env = [](const std::string& n) -> std::optional<std::string> {
    if (n == "HOST") {
      return std::string("db1");
    }
    return std::nullopt;
  };
  Diagnostics d;
  const Location at{"p.yaml", 3, 7};
  CHECK(substitute("${HOST}:3306", at, env, d) == "db1:3306");
  CHECK(substitute("${PORT:-3306}", at, env, d) == "3306");
  CHECK(substitute("$${HOST}", at, env, d) == "${HOST}");
  CHECK(substitute("a$b", at, env, d) == "a$b");
  CHECK(d.empty());
  substitute("${MISSING}", at, env, d);
  substitute("${HOST", at, env, d);
  substitute("${1X}", at, env, d);
  REQUIRE(d.size() == 3);
  CHECK(d.items()[0].str() ==
        "p.yaml:3:7: error: environment variable MISSING is not set; set it or write "
        "${MISSING:-default}");
}

TEST_CASE("table patterns follow Flink CDC's db.table syntax", "[config][route]") {
  std::string err;
  auto p = TablePattern::parse("app.order_\\.*", &err);
  REQUIRE(p);
  CHECK(p->matches("app", "order_1"));
  CHECK(p->matches("app", "order_"));
  CHECK_FALSE(p->matches("app", "orders"));
  CHECK_FALSE(p->matches("app2", "order_1"));
  auto g = TablePattern::parse("db_(\\.*).(\\.*)_tbl", &err);
  REQUIRE(g);
  std::vector<std::string> groups;
  REQUIRE(g->matches("db_eu", "users_tbl", &groups));
  REQUIRE(groups.size() == 3);
  CHECK(groups[1] == "eu");
  CHECK(groups[2] == "users");
  CHECK_FALSE(TablePattern::parse("orders", &err));
  CHECK(err.find("not a table pattern") != std::string::npos);
  CHECK_FALSE(TablePattern::parse("app.(x", &err));
}

TEST_CASE("a valid pipeline loads with defaults", "[config]") {
  ConnectorCatalog catalog;
  static OptionSet source("source 'x'");
  static OptionSet sink("sink 'y'");
  catalog.source_options = [](const std::string& t) -> const OptionSet* {
    return t == "x" ? &source : nullptr;
  };
  catalog.sink_options = [](const std::string& t) -> const OptionSet* {
    return t == "y" ? &sink : nullptr;
  };
  catalog.source_types = {"x"};
  catalog.sink_types = {"y"};
  Diagnostics d;
  auto pf = load_pipeline_text(
      "source:\n  type: x\n  tables: app.a, app.b\nsink:\n  type: y\npipeline:\n  "
      "execution.checkpointing.interval: 3s\n  state.dir: /var/tmp/s\n",
      "/etc/starcdc/orders.yaml", catalog, process_environment(), d);
  INFO(d.str());
  REQUIRE(pf);
  CHECK(pf->name == "orders");
  CHECK(pf->state_dir == "/var/tmp/s");
  CHECK(pf->pipeline.get_duration("checkpoint.interval").count() == 3000);
  CHECK(pf->pipeline.get_bytes("buffer.max-bytes") == 64ULL << 20);
  CHECK(pf->pipeline.get_string("schema.change.behavior") == "lenient");
  CHECK(pf->source.options.get_list("tables") == std::vector<std::string>{"app.a", "app.b"});
}

}  // namespace starcdc::config
