// Transaction labels: deterministic per (prefix, table, epoch), matching StarRocks'
// ^[-\w]{1,128}$: PREFIX-DB_TABLE-EPOCH, or PREFIX-tHASH-EPOCH when the table's name has other
// characters or is too long.
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/model/table_id.hpp"

namespace starcdc::starrocks {

// `segment` > 0 names the table's further transactions in one epoch (rows with another column
// set, a partial update): PREFIX-DB_TABLE-EPOCH-SEGMENT.
std::string make_label(const std::string& prefix, const TableId& table, uint64_t epoch,
                       uint64_t segment = 0);
// A label of an at-least-once load: unique per run and chunk, so a retry is deduplicated and
// another run never collides.
std::string make_batch_label(const std::string& prefix, const TableId& table, uint64_t epoch,
                             uint64_t seq, const std::string& run_id);

}  // namespace starcdc::starrocks
