#pragma once
// hls::stream declared but not defined, for the "no heap" check of generated HLS code: an
// object file compiled against this header has undefined references to the stream's
// operations, and a reference to malloc/operator new can only come from the kernel itself
// (the C-simulation FIFO, which allocates, is kept out of the object).
namespace hls {
template <typename T, int DEPTH = 0>
class stream {
 public:
  stream();
  explicit stream(const char* name);
  ~stream();
  T read();
  void read(T& value);
  void write(const T& value);
  bool empty() const;
  bool full() const;
};
}  // namespace hls
