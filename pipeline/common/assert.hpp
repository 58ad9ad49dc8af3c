// STARCDC_CHECK: always on, for invariants whose violation would corrupt state.
// STARCDC_ASSERT: debug builds only. Never use either on external input.
#pragma once

namespace starcdc::detail {
[[noreturn]] void check_failed(const char* expr, const char* file, int line, const char* what);
}  // namespace starcdc::detail

#define STARCDC_CHECK(expr, what)                                         \
  do {                                                                    \
    if (!(expr)) {                                                        \
      ::starcdc::detail::check_failed(#expr, __FILE__, __LINE__, (what)); \
    }                                                                     \
  } while (false)

#ifdef NDEBUG
#define STARCDC_ASSERT(expr) \
  do {                       \
  } while (false)
#else
#define STARCDC_ASSERT(expr) STARCDC_CHECK(expr, "assertion")
#endif
