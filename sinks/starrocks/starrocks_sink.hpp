// The `starrocks` sink: exactly-once through transaction Stream Load (one transaction per table
// and epoch, prepared at the barrier, committed after the checkpoint recorded it), or
// at-least-once through plain Stream Load with deduplicating labels; tables created and altered
// over the FE's MySQL protocol.
#pragma once

#include "pipeline/registry.hpp"

namespace starcdc::starrocks {

SinkFactory starrocks_sink_factory();

}  // namespace starcdc::starrocks
