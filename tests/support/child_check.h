// podctl tests - checks for code that runs in a forked child (death tests in throwaway
// namespaces), where gtest assertions cannot report: print the failure and exit 1.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::_Exit(1);                                                                \
    }                                                                               \
  } while (0)

#define CHECK_OK(st)                                                                                \
  do {                                                                                              \
    const auto& s_ = (st);                                                                          \
    if (!s_) {                                                                                      \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #st, s_.error().message.c_str()); \
      std::_Exit(1);                                                                                \
    }                                                                                               \
  } while (0)

namespace podctl::test {

inline uint32_t ipv4(const char* text) {
  in_addr a{};
  inet_pton(AF_INET, text, &a);
  return ntohl(a.s_addr);
}

}  // namespace podctl::test
