#include "pipeline/common/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace starcdc::detail {

void check_failed(const char* expr, const char* file, int line, const char* what) {
  std::fprintf(stderr, "starcdc: internal check failed: %s (%s) at %s:%d\n", expr, what, file,
               line);
  std::abort();
}

}  // namespace starcdc::detail
