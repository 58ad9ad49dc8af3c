// starrocks-emulator: a small StarRocks cluster (FE + BE) for tests, demos and benchmarks.
#include <csignal>
#include <cstdio>
#include <fstream>

#include "asio.hpp"
#include "emulator.hpp"
#include "options.hpp"

int main(int argc, char** argv) {
  int exit_code = 0;
  auto options = emu::parse_options(argc, argv, &exit_code);
  if (!options) {
    return exit_code;
  }
  std::signal(SIGPIPE, SIG_IGN);
  emu::asio::io_context io(1);
  emu::Emulator emulator(io, *options);
  try {
    emulator.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "starrocks-emulator: cannot listen: %s\n", e.what());
    return 1;
  }
  std::string ports = emulator.ports_json();
  if (!options->ports_file.empty()) {
    std::string tmp = options->ports_file + ".tmp";
    {
      std::ofstream f(tmp);
      f << ports << "\n";
    }
    if (std::rename(tmp.c_str(), options->ports_file.c_str()) != 0) {
      std::fprintf(stderr, "starrocks-emulator: cannot write %s\n", options->ports_file.c_str());
      return 1;
    }
  }
  emulator.log("listening " + ports + (options->discard ? " (discard mode)" : ""));
  emu::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    emulator.shutdown();
    io.stop();
  });
  io.run();
  return 0;
}
