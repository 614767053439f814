// podctl - errors as values: an errno-style code plus a message with context.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace podctl {

struct Error {
  int code = 0;         // errno for system errors, 0 when there is none
  std::string message;  // "what failed: object: reason"

  // Prepends context on the way up: "start container web: setns: Invalid argument".
  Error wrap(std::string_view context) const;
};

// [[nodiscard]]: a dropped Result is a dropped error. Where ignoring one is right, the call says
// so with (void) and a comment giving the reason.
template <class T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  Result(const std::expected<T, Error>& e) : std::expected<T, Error>(e) {}
  Result(std::expected<T, Error>&& e) : std::expected<T, Error>(std::move(e)) {}
};
using Status = Result<void>;

// Reads errno immediately, so call it right after the failing syscall.
Error sys_error(std::string_view what);
Error sys_error(std::string_view what, int code);
Error make_error(std::string_view message);

inline std::unexpected<Error> fail(Error e) { return std::unexpected(std::move(e)); }

}  // namespace podctl

// Statement macros keep fallible sequences readable as checklists (nsjail's RETURN_ON_FAILURE).
#define PODCTL_CONCAT_INNER(a, b) a##b
#define PODCTL_CONCAT(a, b) PODCTL_CONCAT_INNER(a, b)

#define PODCTL_TRY(expr)                                                                    \
  do {                                                                                      \
    auto podctl_try_result_ = (expr);                                                       \
    if (!podctl_try_result_) return std::unexpected(std::move(podctl_try_result_.error())); \
  } while (0)

#define PODCTL_TRY_CTX(expr, ctx)                                                          \
  do {                                                                                     \
    auto podctl_try_result_ = (expr);                                                      \
    if (!podctl_try_result_) return std::unexpected(podctl_try_result_.error().wrap(ctx)); \
  } while (0)

#define PODCTL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)        \
  auto tmp = (expr);                                        \
  if (!tmp) return std::unexpected(std::move(tmp.error())); \
  lhs = std::move(*tmp)

#define PODCTL_ASSIGN_OR_RETURN(lhs, expr) \
  PODCTL_ASSIGN_OR_RETURN_IMPL(PODCTL_CONCAT(podctl_assign_, __LINE__), lhs, expr)
