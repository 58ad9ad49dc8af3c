#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "pipeline/common/log.hpp"

int main(int argc, char* argv[]) {
  // Lifecycle logs of the code under test would drown the test report.
  starcdc::log::configure(starcdc::log::Format::Json, starcdc::log::Level::Error, "test");
  return Catch::Session().run(argc, argv);
}
