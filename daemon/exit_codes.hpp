// Process exit codes (DESIGN.md, operations contract).
#pragma once

namespace starcdc {

constexpr int kExitOk = 0;       // clean stop
constexpr int kExitFailure = 1;  // other failure (data, internal, shutdown timeout)
constexpr int kExitConfig = 2;   // configuration error
constexpr int kExitRefused = 3;  // a source or sink refused: auth, privilege, binlog, purged

}  // namespace starcdc
