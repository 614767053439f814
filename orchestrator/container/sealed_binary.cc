#include "orchestrator/container/sealed_binary.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>

namespace podctl {

Result<UniqueFd> sealed_copy(const std::string& binary) {
  UniqueFd in(::open(binary.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return fail(sys_error("open " + binary));
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return fail(sys_error("stat " + binary));
  UniqueFd mem(::memfd_create("podctl-enter", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!mem) return fail(sys_error("memfd_create"));
  for (off_t done = 0; done < st.st_size;) {
    ssize_t n = ::sendfile(mem.get(), in.get(), &done, static_cast<size_t>(st.st_size - done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(sys_error("copy " + binary + " into a memfd"));
  }
  if (::fcntl(mem.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    return fail(sys_error("seal the copy of " + binary));
  return mem;
}

std::string enter_binary_path() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string self = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  return self.substr(0, self.rfind('/') + 1) + "podctl-enter";
}

}  // namespace podctl
