// ByteBuffer: a growable byte buffer for load bodies and log lines. Appends never allocate once
// the capacity is reached by earlier use (clear() keeps the capacity).
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace starcdc {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(uint64_t capacity_bytes) { reserve(capacity_bytes); }
  ByteBuffer(ByteBuffer&& other) noexcept { swap(other); }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    ByteBuffer tmp(std::move(other));
    swap(tmp);
    return *this;
  }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  const char* data() const { return data_.get(); }
  char* data() { return data_.get(); }
  uint64_t size() const { return size_; }
  uint64_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_.get(), size_}; }
  void clear() { size_ = 0; }

  void reserve(uint64_t capacity_bytes) {
    if (capacity_bytes <= capacity_) {
      return;
    }
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity_bytes);
    if (size_ > 0) {
      std::memcpy(bigger.get(), data_.get(), size_);
    }
    data_ = std::move(bigger);
    capacity_ = capacity_bytes;
  }

  void append(std::string_view s) {
    if (s.empty()) {
      return;  // memcpy from a null view is undefined even for 0 bytes
    }
    ensure(s.size());
    std::memcpy(data_.get() + size_, s.data(), s.size());
    size_ += s.size();
  }
  void push_back(char c) {
    ensure(1);
    data_[size_++] = c;
  }
  template <typename Int>
  void append_int(Int v) {
    ensure(24);
    auto [end, ec] = std::to_chars(data_.get() + size_, data_.get() + size_ + 24, v);
    size_ = static_cast<uint64_t>(end - data_.get());
  }
  void append_double(double v);

  // Reserves n bytes at the end and returns a pointer to them; commit(k) keeps k of them.
  char* prepare(uint64_t n) {
    ensure(n);
    return data_.get() + size_;
  }
  void commit(uint64_t n) { size_ += n; }

  void swap(ByteBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

 private:
  void ensure(uint64_t extra) {
    if (size_ + extra > capacity_) {
      grow(size_ + extra);
    }
  }
  void grow(uint64_t need);

  std::unique_ptr<char[]> data_;
  uint64_t size_ = 0;
  uint64_t capacity_ = 0;
};

// Appends `s` as the inside of a JSON string (quotes not included): escapes ", \ and control
// characters; bytes >= 0x80 pass through (the caller guarantees UTF-8).
void append_json_escaped(ByteBuffer& out, std::string_view s);
// Appends `bytes` as standard base64 (RFC 4648, with '=' padding).
void append_base64(ByteBuffer& out, std::string_view bytes);
// Appends `s` as a quoted JSON string.
inline void append_json_string(ByteBuffer& out, std::string_view s) {
  out.push_back('"');
  append_json_escaped(out, s);
  out.push_back('"');
}

}  // namespace starcdc
