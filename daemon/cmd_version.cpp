#include <cstdio>

#include "daemon/cli.hpp"
#include "daemon/exit_codes.hpp"

#ifndef STARCDC_VERSION
#define STARCDC_VERSION "0.0.0"
#endif

namespace starcdc {

int cmd_version(const CliArgs& /*args*/) {
  std::printf("starcdc %s\n", STARCDC_VERSION);
  return kExitOk;
}

}  // namespace starcdc
