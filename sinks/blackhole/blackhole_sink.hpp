// The `blackhole` sink (Flink's name for it): encodes every row (JSON lines as the file sink
// writes them, or a fixed-size record) and discards it; commits succeed at once. For benchmarks
// of the pipeline itself.
#pragma once

#include "pipeline/registry.hpp"

namespace starcdc::blackhole {

SinkFactory blackhole_sink_factory();

}  // namespace starcdc::blackhole
