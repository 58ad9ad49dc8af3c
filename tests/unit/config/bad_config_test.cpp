// Walks tests/fixtures/config/bad: each NAME.yaml must produce exactly the diagnostics in
// NAME.expected (byte for byte). A new case is two new files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/builtin_connectors.hpp"
#include "daemon/pipeline_loader.hpp"

namespace starcdc {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const config::OptionSet& secret_test_options() {
  static const config::OptionSet s = [] {
    config::OptionSet o("source 'secret-test'");
    o.add(config::OptionSpec::make("hostname", config::OptionType::String, "Host.").is_required());
    o.add(
        config::OptionSpec::make("password", config::OptionType::String, "Password.").is_secret());
    return o;
  }();
  return s;
}

// The built-in connectors plus a source with a secret option, like a database source has.
ConnectorRegistry test_registry() {
  ConnectorRegistry r;
  register_builtin_connectors(r);
  SourceFactory f;
  f.type = "secret-test";
  f.options = &secret_test_options();
  r.add(std::move(f));
  return r;
}

std::optional<std::string> test_env(const std::string& name) {
  if (name == "STARCDC_TEST_DIR") {
    return std::string("/var/tmp");
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("every bad configuration gives exactly its expected diagnostics", "[config]") {
  const fs::path dir = fs::path(STARCDC_SOURCE_DIR) / "tests/fixtures/config/bad";
  const ConnectorRegistry registry = test_registry();
  size_t cases = 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& yaml : files) {
    fs::path expected_path = yaml;
    expected_path.replace_extension(".expected");
    INFO("case " << yaml.filename().string());
    config::Diagnostics diags;
    auto pf = load_pipeline_text(read(yaml), yaml.filename().string(), registry, test_env, diags);
    CHECK_FALSE(pf.has_value());
    // STARCDC_UPDATE_GOLDEN=1 rewrites the .expected files (review the diff before committing).
    if (std::getenv("STARCDC_UPDATE_GOLDEN") != nullptr) {  // NOLINT(concurrency-mt-unsafe)
      std::ofstream(expected_path, std::ios::binary | std::ios::trunc) << diags.str();
    }
    REQUIRE(fs::exists(expected_path));
    CHECK(diags.str() == read(expected_path));
    ++cases;
  }
  CHECK(cases >= 25);
}

TEST_CASE("every example pipeline validates", "[config]") {
  const fs::path dir = fs::path(STARCDC_SOURCE_DIR) / "examples";
  const ConnectorRegistry registry = test_registry();
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".yaml") {
      continue;
    }
    INFO("example " << e.path().filename().string());
    config::Diagnostics diags;
    auto pf = load_pipeline(e.path().string(), registry, diags);
    CHECK(diags.str() == "");
    CHECK(pf.has_value());
    ++n;
  }
  CHECK(n >= 1);
}

}  // namespace starcdc
