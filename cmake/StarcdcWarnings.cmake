# starcdc_target_warnings(<target>): the warning set for our own code (third-party headers are
# SYSTEM includes, so their warnings stay out).
function(starcdc_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor -Wold-style-cast
    -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2)
  # -Wnull-dereference is left out: with -O2 it fires inside Boost.Asio's scheduler (inlined
  # into our code), where it cannot be silenced as a system header.
  # Boost 1.74's awaitable frames pair a sized operator delete with their own allocator; g++ 12
  # flags that as a mismatch inside Asio's headers wherever a coroutine is instantiated.
  target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
  if(STARCDC_SANITIZE)
    # g++ 12 at -O1 with sanitizers reports std::regex and std::function internals as maybe
    # uninitialized, and std::vector fills in tests as overflowing memsets or out-of-bounds
    # (known false positives).
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized -Wno-stringop-overflow
                           -Wno-array-bounds)
  endif()
  if(STARCDC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
