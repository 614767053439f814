#include "base/error.h"

#include <cerrno>
#include <cstring>

namespace podctl {

Error Error::wrap(std::string_view context) const {
  Error e = *this;
  e.message = std::string(context) + ": " + message;
  return e;
}

Error sys_error(std::string_view what, int code) { return Error{code, std::string(what) + ": " + std::strerror(code)}; }

Error sys_error(std::string_view what) { return sys_error(what, errno); }

Error make_error(std::string_view message) { return Error{0, std::string(message)}; }

}  // namespace podctl
