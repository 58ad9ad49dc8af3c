#include "sources/mysql/binlog/binlog_file_reader.hpp"

#include <cstring>

#include "pipeline/common/error.hpp"
#include "sources/mysql/binlog/byte_reader.hpp"
#include "sources/mysql/binlog/event_header.hpp"
#include "sources/mysql/binlog/inflate.hpp"

namespace starcdc::mysql::binlog {
namespace {

constexpr uint32_t kMaxEventBytes = 0xFFFFFFFFU;
constexpr uint64_t kMaxGunzipBytes = uint64_t{4} << 30;

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.ends_with(".gz")) {
    name.resize(name.size() - 3);
  }
  return name;
}

[[noreturn]] void fail(const std::string& name, uint64_t pos, const std::string& what) {
  throw Error(ErrorKind::Data, "Binlog file " + name + ": " + what,
              name + ":" + std::to_string(pos));
}

}  // namespace

BinlogFileReader::BinlogFileReader(const std::string& path) : name_(base_name(path)) {
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (!file_) {
    fail(name_, 0, "cannot be opened.");
  }
  if (path.ends_with(".gz")) {
    std::vector<uint8_t> gz;
    uint8_t buf[65536];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof(buf), file_.get())) > 0) {
      gz.insert(gz.end(), buf, buf + n);
    }
    file_.reset();
    if (!gzip_decompress(gz, kMaxGunzipBytes, memory_)) {
      fail(name_, 0, "is not a valid gzip file.");
    }
  }
  uint8_t magic[4];
  if (!read(magic, 4) || std::memcmp(magic, kBinlogMagic, 4) != 0) {
    fail(name_, 0, "does not start with the binlog magic bytes fe 62 69 6e.");
  }
  position_ = 4;
}

BinlogFileReader::BinlogFileReader(std::span<const uint8_t> bytes, std::string name)
    : memory_(bytes.begin(), bytes.end()), name_(std::move(name)) {
  uint8_t magic[4];
  if (!read(magic, 4) || std::memcmp(magic, kBinlogMagic, 4) != 0) {
    fail(name_, 0, "does not start with the binlog magic bytes fe 62 69 6e.");
  }
  position_ = 4;
}

BinlogFileReader::~BinlogFileReader() = default;

bool BinlogFileReader::read(uint8_t* dst, size_t n) {
  if (file_) {
    return std::fread(dst, 1, n, file_.get()) == n;
  }
  if (memory_.size() - memory_pos_ < n) {
    return false;
  }
  std::memcpy(dst, memory_.data() + memory_pos_, n);
  memory_pos_ += n;
  return true;
}

std::optional<std::span<const uint8_t>> BinlogFileReader::next() {
  uint8_t header[kEventHeaderBytes];
  if (file_) {
    const size_t got = std::fread(header, 1, kEventHeaderBytes, file_.get());
    if (got == 0) {
      return std::nullopt;
    }
    if (got != kEventHeaderBytes) {
      fail(name_, position_, "ends inside an event header.");
    }
  } else {
    if (memory_pos_ == memory_.size()) {
      return std::nullopt;
    }
    if (!read(header, kEventHeaderBytes)) {
      fail(name_, position_, "ends inside an event header.");
    }
  }
  const uint32_t size = load_le32(header + 9);
  if (size < kEventHeaderBytes || size > kMaxEventBytes) {
    fail(name_, position_, "has an event of impossible size " + std::to_string(size) + ".");
  }
  event_.resize(size);
  std::memcpy(event_.data(), header, kEventHeaderBytes);
  if (!read(event_.data() + kEventHeaderBytes, size - kEventHeaderBytes)) {
    fail(name_, position_, "ends inside an event.");
  }
  position_ += size;
  return std::span<const uint8_t>(event_);
}

}  // namespace starcdc::mysql::binlog
