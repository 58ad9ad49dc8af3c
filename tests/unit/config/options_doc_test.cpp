#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/options_reference.hpp"

TEST_CASE("docs/configuration.md is the rendering of the option declarations", "[config]") {
  const auto path = std::filesystem::path(STARCDC_SOURCE_DIR) / "docs/configuration.md";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  INFO("regenerate with: build/starcdc options --markdown > docs/configuration.md");
  CHECK(ss.str() == starcdc::options_reference_markdown());
}
