// BinlogFileReader: the raw events of a binlog file (magic fe 62 69 6e, then whole v4 events),
// one at a time, for tests and tools; feed them to an EventDecoder. Thread: the caller's.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace starcdc::mysql::binlog {

inline constexpr uint8_t kBinlogMagic[4] = {0xFE, 0x62, 0x69, 0x6E};

class BinlogFileReader {
 public:
  // Opens a file; throws Error(Data) when it cannot be read or lacks the magic. A name ending in
  // ".gz" is decompressed first (whole, in memory).
  explicit BinlogFileReader(const std::string& path);
  // Reads events from bytes already in memory (they are copied); `name` is used in messages.
  BinlogFileReader(std::span<const uint8_t> bytes, std::string name);
  ~BinlogFileReader();
  BinlogFileReader(const BinlogFileReader&) = delete;
  BinlogFileReader& operator=(const BinlogFileReader&) = delete;

  // The next event's bytes, valid until the next call; nullopt at the end of the file. Throws
  // Error(Data) when the file ends inside an event or an event's size is impossible.
  std::optional<std::span<const uint8_t>> next();
  // File offset of the next event.
  uint64_t position() const { return position_; }
  // The file's base name ("mysql-bin.000001"), to give EventDecoder::set_file_name().
  const std::string& name() const { return name_; }

 private:
  bool read(uint8_t* dst, size_t n);

  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::vector<uint8_t> memory_;  // whole contents when not streaming from file_
  size_t memory_pos_ = 0;
  std::vector<uint8_t> event_;
  std::string name_;
  uint64_t position_ = 0;
};

}  // namespace starcdc::mysql::binlog
