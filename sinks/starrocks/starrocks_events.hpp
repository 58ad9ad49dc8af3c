// Log lines and metrics of the StarRocks sink (component "sink.starrocks").
#pragma once

#include <cstdint>
#include <string_view>

namespace starcdc::starrocks_events {

void transaction_begun(std::string_view table, std::string_view label);
void transaction_committed(std::string_view table, std::string_view label, uint64_t rows,
                           int64_t ms);
void request_retried(std::string_view what, std::string_view error, int attempt, int64_t wait_ms);
void lingering_rolled_back(std::string_view table, std::string_view label, std::string_view state);
void recorded_transaction_committed(std::string_view label, std::string_view state);
void recorded_transaction_lost(std::string_view label, std::string_view state);
void ddl_applied(std::string_view table, std::string_view statement, int64_t ms);
void load_sent(uint64_t bytes, uint64_t rows, int64_t ms);

}  // namespace starcdc::starrocks_events
