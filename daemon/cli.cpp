#include "daemon/cli.hpp"

namespace starcdc {

const char* usage() {
  return "usage: starcdc <command> [options]\n"
         "\n"
         "commands:\n"
         "  run -c FILE        run the pipeline in FILE until stopped (SIGTERM/SIGINT)\n"
         "  validate -c FILE   check FILE and report every problem (exit 2 if any)\n"
         "                     --print  also print the effective options (secrets masked)\n"
         "  status -c FILE     show the last checkpoint of the pipeline in FILE\n"
         "                     --json   as JSON\n"
         "  options            print the option reference (--markdown: docs/configuration.md)\n"
         "  version            print the version\n"
         "\n"
         "options for run:\n"
         "  --log-format json|text   json (default): one object per line; text: for terminals\n"
         "  --log-level LEVEL        trace, debug, info, warn, error (overrides log.level)\n";
}

std::optional<CliArgs> parse_cli(const std::vector<std::string>& args, std::string* error) {
  CliArgs out;
  if (args.empty()) {
    *error = "no command given";
    return std::nullopt;
  }
  out.command = args[0];
  if (out.command == "-h" || out.command == "--help") {
    out.command = "help";
  }
  if (out.command == "--version") {
    out.command = "version";
  }
  static const char* kCommands[] = {"run", "validate", "status", "options", "version", "help"};
  bool known = false;
  for (const char* c : kCommands) {
    known = known || out.command == c;
  }
  if (!known) {
    *error = "unknown command '" + out.command + "'";
    return std::nullopt;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      const std::string prefix = std::string(name) + "=";
      if (a.rfind(prefix, 0) == 0) {
        return a.substr(prefix.size());
      }
      if (i + 1 >= args.size()) {
        *error = std::string(name) + " needs a value";
        return std::nullopt;
      }
      return args[++i];
    };
    if (a == "-c" || a == "--config" || a.rfind("--config=", 0) == 0) {
      auto v = value(a == "-c" ? "-c" : "--config");
      if (!v) {
        return std::nullopt;
      }
      out.config = *v;
    } else if (a == "--log-format" || a.rfind("--log-format=", 0) == 0) {
      auto v = value("--log-format");
      if (!v) {
        return std::nullopt;
      }
      if (*v != "json" && *v != "text") {
        *error = "--log-format must be json or text";
        return std::nullopt;
      }
      out.log_format = *v;
    } else if (a == "--log-level" || a.rfind("--log-level=", 0) == 0) {
      auto v = value("--log-level");
      if (!v) {
        return std::nullopt;
      }
      out.log_level = *v;
    } else if (a == "--json") {
      out.json = true;
    } else if (a == "--print") {
      out.print = true;
    } else if (a == "--markdown") {
      out.markdown = true;
    } else {
      *error = "unknown option '" + a + "' for " + out.command;
      return std::nullopt;
    }
  }
  const bool needs_config =
      out.command == "run" || out.command == "validate" || out.command == "status";
  if (needs_config && out.config.empty()) {
    *error = out.command + " needs -c FILE";
    return std::nullopt;
  }
  return out;
}

}  // namespace starcdc
