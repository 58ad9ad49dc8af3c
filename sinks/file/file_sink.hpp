// The `file` sink: JSON lines per table with StarRocks' transaction contract, built from temp
// files and renames. Loading appends to `.txn/<label>.part`; prepare fsyncs and renames it to
// `.txn/<label>.prepared`; commit renames that to `<db>.<table>/<epoch>.jsonl`; abort deletes.
// Recovery commits what the checkpoint recorded and deletes every other pending file.
#pragma once

#include "pipeline/registry.hpp"

namespace starcdc::file {

SinkFactory file_sink_factory();

}  // namespace starcdc::file
