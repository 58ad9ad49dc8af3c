// The format decoders behind make_decoder(), one per file.
#pragma once

#include <memory>

#include "sources/kafka/formats/message.hpp"

namespace starcdc::kafka {

std::unique_ptr<MessageDecoder> make_debezium_decoder(const DecoderOptions& options);
std::unique_ptr<MessageDecoder> make_canal_decoder(const DecoderOptions& options);
std::unique_ptr<MessageDecoder> make_maxwell_decoder(const DecoderOptions& options);
std::unique_ptr<MessageDecoder> make_plain_json_decoder(const DecoderOptions& options);

// The end of the JSON value starting at `p` (not past `end`), without parsing it: strings and
// nesting are followed, nothing is checked. nullptr when the text ends first.
const char* skip_json_value(const char* p, const char* end);
const char* skip_json_space(const char* p, const char* end);

}  // namespace starcdc::kafka
