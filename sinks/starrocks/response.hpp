// The JSON replies of StarRocks' four response families (specs §1.6), read case-insensitively
// into one shape. Unknown keys are ignored; missing counters read as 0.
#pragma once

#include <cstdint>
#include <string>

namespace starcdc::starrocks {

struct LoadReply {
  int http_status = 0;
  std::string status;               // "OK", "Success", "LABEL_ALREADY_EXISTS", "FAILED", ...
  std::string message;              // Message / msg
  std::string existing_job_status;  // with a duplicate label
  std::string state;                // get_load_state: PREPARE, PREPARED, COMMITTED, VISIBLE, ...
  int64_t txn_id = -1;
  uint64_t loaded_rows = 0;
  uint64_t filtered_rows = 0;
  std::string error_url;
  std::string body;  // the raw body, for messages
  bool parsed = false;

  bool ok() const;  // OK / Success / Publish Timeout
  bool status_is(const char* s) const;
  // A short description for logs and errors: status and message (or the body).
  std::string describe() const;
};

// Parses `body` (any family); a body that is not a JSON object leaves parsed = false.
LoadReply parse_reply(int http_status, const std::string& body);

}  // namespace starcdc::starrocks
