// The `values` source: change events generated from a seed (any number of tables, columns,
// rows, a rate, mixed inserts/updates/deletes, periodic schema changes) or written inline in the
// pipeline file. Deterministic: the event at index i is the same in every run, so a restart
// from a checkpoint continues the exact same stream. Flink CDC's `values` connector plays the
// same part in its tests.
#pragma once

#include <memory>

#include "pipeline/registry.hpp"

namespace starcdc::values {

SourceFactory values_source_factory();

}  // namespace starcdc::values
