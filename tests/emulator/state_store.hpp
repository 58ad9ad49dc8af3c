// --state-dir: the emulator's state (databases, tables, committed rows, remembered txns with the
// staged rows of PREPARED/COMMITTED ones) saved as one JSON file, so a restarted emulator keeps
// prepared transactions and labels as StarRocks does across restarts (spec §3.7). Txns still in
// PREPARE are not kept (their BE context is in memory only).
// Thread: the emulator's single io_context thread.
#pragma once

#include <string>

#include "catalog.hpp"
#include "txn_manager.hpp"

namespace emu {

// Writes <dir>/emulator-state.json (temp file + rename). False with *error on I/O failure.
bool save_state(const std::string& dir, const Catalog& catalog, const TxnManager& txns,
                std::string* error);
// Reads it back if present (a missing file is an empty state). False with *error if unreadable.
bool load_state(const std::string& dir, Catalog& catalog, TxnManager& txns, std::string* error);

}  // namespace emu
