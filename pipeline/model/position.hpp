// Position: where the source is, opaque to the pipeline. The source owns its meaning (binlog file,
// offset and GTID set; Kafka partition offsets; row index of the values source) and serializes it
// as a JSON document, which the checkpoint stores verbatim.
#pragma once

#include <string>

namespace starcdc {

class Position {
 public:
  Position() = default;
  static Position from_json(std::string json) {
    Position p;
    p.json_ = std::move(json);
    return p;
  }
  const std::string& json() const { return json_; }
  bool empty() const { return json_.empty(); }
  bool operator==(const Position&) const = default;

 private:
  std::string json_;
};

}  // namespace starcdc
