// PARTIAL_UPDATE_ROWS JSON diffs (sql/json_diff.cc Json_diff_vector::read_binary): a sequence of
// { int<1> operation (0 REPLACE, 1 INSERT, 2 REMOVE), lenenc path length, path text, and for
// REPLACE/INSERT lenenc value length + binary JSON value }. They are applied to the before
// image's document, or, when that is absent (binlog_row_image=MINIMAL), rendered as a diff list:
// [{"op":"replace","path":"$.a","value":1},{"op":"remove","path":"$.b[0]"}].
// Thread: any (pure functions).
#pragma once

#include <cstdint>
#include <span>

namespace starcdc {
class ByteBuffer;
}

namespace starcdc::mysql::binlog {

// Appends the diff list as JSON text. Throws Error(Data) when malformed.
void append_json_diff_list(std::span<const uint8_t> diffs, ByteBuffer& out);

// Applies the diffs to the binary document `before` and appends the new document's compact text
// (same form as json_binary.hpp). Returns false when a path does not fit the document (then
// nothing useful is in `out`). Throws Error(Data) when malformed.
bool apply_json_diffs(std::span<const uint8_t> before, std::span<const uint8_t> diffs,
                      ByteBuffer& out);

}  // namespace starcdc::mysql::binlog
