// The kafka source's position: the next offset of every partition it owns, and the columns of
// the tables it learned from messages, as the JSON the checkpoint stores:
//   {"offsets": {"topic": {"0": 42, "1": 7}}, "schemas": {"db.table": {"columns": ..., "key":
//   ...}}}
// Thread: any.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace starcdc::kafka {

using PartitionKey = std::pair<std::string, int32_t>;
using Offsets = std::map<PartitionKey, int64_t>;  // the next offset to read

// `schemas` is the JSON object TableShapes::json() wrote.
std::string position_json(const Offsets& offsets, const std::string& schemas);
// The offsets of a position document; false when it is not a kafka source's position.
bool read_offsets(const rapidjson::Value& doc, Offsets& out);

}  // namespace starcdc::kafka
