// starcdc: keeps StarRocks tables in step with MySQL/MariaDB binlogs and Kafka topics.
#include <cstdio>
#include <string>
#include <vector>

#include "daemon/cli.hpp"
#include "daemon/exit_codes.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string error;
  auto cli = starcdc::parse_cli(args, &error);
  if (!cli) {
    std::fprintf(stderr, "starcdc: %s\n\n%s", error.c_str(), starcdc::usage());
    return starcdc::kExitConfig;
  }
  if (cli->command == "help") {
    std::fputs(starcdc::usage(), stdout);
    return starcdc::kExitOk;
  }
  if (cli->command == "run") {
    return starcdc::cmd_run(*cli);
  }
  if (cli->command == "validate") {
    return starcdc::cmd_validate(*cli);
  }
  if (cli->command == "status") {
    return starcdc::cmd_status(*cli);
  }
  if (cli->command == "options") {
    return starcdc::cmd_options(*cli);
  }
  return starcdc::cmd_version(*cli);
}
