// Options of the `values` source.
#pragma once

#include "config/diagnostics.hpp"
#include "config/option_spec.hpp"

namespace starcdc::values {

const config::OptionSet& values_options();
// Cross-option checks (schema changes at transaction boundaries, the inline `events` list).
void check_values_options(const config::OptionValues& o, const config::Location& where,
                          config::Diagnostics& diags);

}  // namespace starcdc::values
