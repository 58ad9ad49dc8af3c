// Options of the `file` sink.
#pragma once

#include "config/option_spec.hpp"

namespace starcdc::file {

const config::OptionSet& file_options();

}  // namespace starcdc::file
