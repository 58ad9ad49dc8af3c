#include "daemon/builtin_connectors.hpp"

#include "sinks/blackhole/blackhole_sink.hpp"
#include "sinks/file/file_sink.hpp"
#include "sinks/starrocks/starrocks_sink.hpp"
#include "sources/kafka/kafka_source.hpp"
#include "sources/mysql/mysql_source.hpp"
#include "sources/values/values_source.hpp"

namespace starcdc {

void register_builtin_connectors(ConnectorRegistry& registry) {
  registry.add(values::values_source_factory());
  registry.add(mysql::mysql_source_factory());
  registry.add(kafka::kafka_source_factory());
  registry.add(file::file_sink_factory());
  registry.add(blackhole::blackhole_sink_factory());
  registry.add(starrocks::starrocks_sink_factory());
}

}  // namespace starcdc
