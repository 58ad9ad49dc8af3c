// Fault rules injected by tests through POST /_emulator/faults.
// Thread: the emulator's single io_context thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emu {

enum class FaultKind : uint8_t {
  kHttpError,          // reply with an HTTP status and body instead of processing
  kDropMidBody,        // read part of the body, then close the connection (load aborted)
  kLoseResponse,       // process fully (commit happens), then close without replying
  kPublishTimeout,     // commit, report publish timeout, become VISIBLE later
  kDelay,              // wait before sending the final reply
  kAbortAfterPrepare,  // prepare replies OK, then the txn is aborted behind the client's back
  kErrorMessage,       // fail the request with a StarRocks error text (e.g. too many versions)
  kFeDown,             // close the FE listeners (HTTP and MySQL) for a while
  kDelayContinue,      // delay the answer to `Expect: 100-continue` (FE: the 307, BE: the 100)
  kBeRestart,          // the BE loses its PREPARE contexts; the FE aborts those txns later
};

struct FaultRule {
  int64_t id = 0;
  FaultKind kind = FaultKind::kHttpError;
  std::string endpoint = "any";  // stream_load begin load prepare commit rollback get_load_state
  std::string db;                // optional filters
  std::string table;
  std::string label;
  int64_t remaining = 1;  // uses left; -1 = until cleared
  int64_t hits = 0;
  int status = 500;
  std::string body;
  int64_t delay_ms = 0;
  int64_t visible_after_ms = 2000;
  int64_t duration_ms = 1000;
  int64_t after_bytes = 0;  // drop_mid_body: bytes to read before closing
  std::string message;
  std::string fe_reply = "failed";  // publish_timeout on an FE-handled commit: "failed" or "ok"
};

class Faults {
 public:
  // Parses one rule object or {"faults":[...]}; returns the new ids, or nullopt with *error.
  std::optional<std::vector<int64_t>> add_json(const std::string& body, std::string* error);
  // The first live rule of this kind matching the request; consumes one use.
  std::optional<FaultRule> take(FaultKind kind, const std::string& endpoint,
                                const std::string& db, const std::string& table,
                                const std::string& label);
  std::string to_json() const;
  void clear() { rules_.clear(); }

 private:
  std::vector<FaultRule> rules_;
  int64_t next_id_ = 1;
};

const char* fault_kind_name(FaultKind k);

}  // namespace emu
