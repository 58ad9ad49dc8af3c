// The `null` sink: encodes every row (JSON, like the file sink, or a fixed-size record) and
// discards it; commits succeed at once. For benchmarks of the pipeline itself.
#pragma once

#include "pipeline/registry.hpp"

namespace starcdc::null_sink {

SinkFactory null_sink_factory();

}  // namespace starcdc::null_sink
