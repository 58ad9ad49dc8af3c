// starcdc: keeps StarRocks tables in step with MySQL/MariaDB binlogs and Kafka topics.
#include <malloc.h>

#include <cstdio>
#include <string>
#include <vector>

#include "daemon/cli.hpp"
#include "daemon/exit_codes.hpp"

int main(int argc, char** argv) {
  // Load chunks (64 KiB - 8 MiB) are allocated on the pipeline thread and freed on the control
  // thread. A fixed mmap threshold gives them their own mappings, returned to the system when
  // freed, so the resident size follows pipeline.buffer.max-bytes instead of glibc's dynamic
  // threshold keeping freed chunks in the heap.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
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
