// libFuzzer target: one Kafka message through the maxwell decoder (see kafka_fuzz.hpp).
#include "kafka_fuzz.hpp"

STARCDC_KAFKA_FUZZ_TARGET(starcdc::kafka::Format::MaxwellJson)
