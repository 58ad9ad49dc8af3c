// The one list of connector types this binary knows.
#pragma once

#include "pipeline/registry.hpp"

namespace starcdc {

void register_builtin_connectors(ConnectorRegistry& registry);

}  // namespace starcdc
