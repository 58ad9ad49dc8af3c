// The one place that includes Asio. Boost 1.74's asio/awaitable.hpp uses std::exchange without
// including <utility>, which g++ 12 rejects, so <utility> must come first.
#pragma once

// <utility> must come before every Asio header; keep clang-format from sorting it after them.
// clang-format off
#include <utility>
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace starcdc {
namespace asio = boost::asio;
}  // namespace starcdc
