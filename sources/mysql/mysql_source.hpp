// The `mysql` source (MySQL and MariaDB alike, as in Flink CDC): follows a MySQL 5.7/8.x or MariaDB
// 10.x/11.x server's binlog as a replica (our own protocol client and decoder), turning row
// events of the captured tables into ChangeEvents and table shapes into schema changes.
// Positions are transaction boundaries: binlog file and offset plus the GTID state, so a restart
// resumes by file and offset on the same server, or by GTID on another one (failover).
#pragma once

#include "pipeline/registry.hpp"

namespace starcdc::mysql {

SourceFactory mysql_source_factory();

}  // namespace starcdc::mysql
