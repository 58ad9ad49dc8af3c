// Command line: `starcdc <command> [options]`.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace starcdc {

struct CliArgs {
  std::string command;  // run, validate, status, options, version, help
  std::string config;   // -c / --config
  std::string log_format = "json";
  std::optional<std::string> log_level;  // overrides pipeline.log.level
  bool json = false;                     // status --json
  bool print = false;                    // validate --print
  bool markdown = false;                 // options --markdown
};

// Parses argv; on error returns nullopt and sets *error.
std::optional<CliArgs> parse_cli(const std::vector<std::string>& args, std::string* error);
const char* usage();

int cmd_run(const CliArgs& args);
int cmd_validate(const CliArgs& args);
int cmd_status(const CliArgs& args);
int cmd_options(const CliArgs& args);
int cmd_version(const CliArgs& args);

}  // namespace starcdc
