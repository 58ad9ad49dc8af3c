// Walks tests/fixtures/kafka/<format>/ (and its bad/ folder): each NAME.json is a message value,
// NAME.key its key when there is one, NAME.options decoder options (key=value lines), and
// NAME.expected what the decoder makes of it (render.hpp), or "error: <message>".
// STARCDC_UPDATE_FIXTURES=1 rewrites the .expected files (review the diff before committing).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "render.hpp"
#include "sources/kafka/formats/message.hpp"

namespace starcdc::kafka {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

DecoderOptions options_for(Format f, const fs::path& file) {
  DecoderOptions o;
  if (f == Format::Json) {
    o.primary_key = {"id"};
    o.database = "kafka";
  }
  std::istringstream lines(fs::exists(file) ? slurp(file) : "");
  std::string line;
  while (std::getline(lines, line)) {
    const size_t eq = line.find('=');
    const std::string k = line.substr(0, eq);
    const std::string v = eq == std::string::npos ? "" : line.substr(eq + 1);
    if (k == "table_field") {
      o.table_field = v;
    } else if (k == "database_field") {
      o.database_field = v;
    } else if (k == "require_schema") {
      o.require_schema = v == "true";
    }
  }
  return o;
}

std::string run_fixture(Format f, const fs::path& json) {
  fs::path key_file = json;
  key_file.replace_extension(".key");
  fs::path options_file = json;
  options_file.replace_extension(".options");
  std::string key = fs::exists(key_file) ? slurp(key_file) : "";
  while (!key.empty() && key.back() == '\n') {
    key.pop_back();
  }
  std::string value = slurp(json);
  auto decoder = make_decoder(f, options_for(f, options_file));
  auto r = decoder->decode("topic_" + json.stem().string(), key, value);
  if (!r.ok()) {
    return std::string("error: ") + r.error().what() + "\n";
  }
  return render(*r.value());
}

TEST_CASE("Kafka message fixtures decode to their expected text", "[kafka][formats]") {
  const fs::path root = fs::path(STARCDC_SOURCE_DIR) / "tests/fixtures/kafka";
  const bool update = std::getenv("STARCDC_UPDATE_FIXTURES") != nullptr;
  size_t cases = 0;
  for (const char* name : {"debezium-json", "canal-json", "maxwell-json", "json"}) {
    const Format f = *format_from(name);
    for (const fs::path& dir : {root / name, root / name / "bad"}) {
      for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") {
          continue;
        }
        fs::path expected = entry.path();
        expected.replace_extension(".expected");
        const std::string got = run_fixture(f, entry.path());
        if (update) {
          std::ofstream(expected, std::ios::binary) << got;
        }
        INFO(entry.path().string());
        REQUIRE(fs::exists(expected));
        CHECK(got == slurp(expected));
        const bool bad = dir.filename() == "bad";
        CHECK(got.starts_with("error: ") == bad);
        ++cases;
      }
    }
  }
  CHECK(cases > 40);
}

}  // namespace
}  // namespace starcdc::kafka
