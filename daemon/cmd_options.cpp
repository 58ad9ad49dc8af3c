#include <cstdio>

#include "config/options_doc.hpp"
#include "daemon/builtin_connectors.hpp"
#include "daemon/cli.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/options_reference.hpp"

namespace starcdc {

int cmd_options(const CliArgs& /*args*/) {
  std::fputs(options_reference_markdown().c_str(), stdout);
  return kExitOk;
}

}  // namespace starcdc
