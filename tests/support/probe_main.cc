// probe - a static helper copied into the test image (like crun's tests/init.c), for facts that
// busybox cannot show: SysV shared memory across containers of a pod, UDP (Debian's busybox nc
// has no -u).
//   probe shm-write KEY TEXT   create a SysV segment with KEY and write TEXT
//   probe shm-read KEY         print the segment's text (exit 1 if there is none)
//   probe udp-echo PORT        answer every UDP datagram on PORT with "echo: " and its text
//   probe exe-watch SECONDS    an attacker (CVE-2019-5736): for SECONDS, watch /proc for any
//                              other process and try to open its /proc/PID/exe for writing;
//                              print one line per process seen: "EXE-LINK ERRNO" (0: written)
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc >= 4 && std::strcmp(argv[1], "shm-write") == 0) {
    int id = shmget(static_cast<key_t>(std::atoi(argv[2])), 4096, IPC_CREAT | 0600);
    if (id < 0) return std::perror("shmget"), 1;
    char* p = static_cast<char*>(shmat(id, nullptr, 0));
    if (p == reinterpret_cast<char*>(-1)) return std::perror("shmat"), 1;
    std::strncpy(p, argv[3], 4095);
    return 0;
  }
  if (argc >= 3 && std::strcmp(argv[1], "shm-read") == 0) {
    int id = shmget(static_cast<key_t>(std::atoi(argv[2])), 0, 0);
    if (id < 0) return std::perror("shmget"), 1;
    char* p = static_cast<char*>(shmat(id, nullptr, SHM_RDONLY));
    if (p == reinterpret_cast<char*>(-1)) return std::perror("shmat"), 1;
    std::printf("%s\n", p);
    return 0;
  }
  if (argc >= 3 && std::strcmp(argv[1], "udp-echo") == 0) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return std::perror("bind"), 1;
    for (;;) {
      char buf[512] = "echo: ";
      sockaddr_in peer{};
      socklen_t len = sizeof peer;
      ssize_t n = recvfrom(fd, buf + 6, sizeof buf - 7, 0, reinterpret_cast<sockaddr*>(&peer), &len);
      if (n > 0) sendto(fd, buf, static_cast<size_t>(n) + 6, 0, reinterpret_cast<sockaddr*>(&peer), len);
    }
  }
  if (argc >= 3 && std::strcmp(argv[1], "exe-watch") == 0) {
    time_t end = time(nullptr) + std::atoi(argv[2]);
    int self = getpid();
    static int seen[65536];
    while (time(nullptr) < end) {
      DIR* d = opendir("/proc");
      while (dirent* e = d ? readdir(d) : nullptr) {
        int pid = std::atoi(e->d_name);
        if (pid <= 1 || pid == self || pid >= 65536 || seen[pid]) continue;
        char path[64], link[512] = {};
        std::snprintf(path, sizeof path, "/proc/%d/exe", pid);
        ssize_t n = readlink(path, link, sizeof link - 1);
        int fd = open(path, O_WRONLY | O_APPEND);
        int err = fd >= 0 ? 0 : errno;
        if (fd >= 0) {
          if (write(fd, "", 0) < 0 || write(fd, "#", 1) != 1) err = errno;  // 0 stays: it was written
          close(fd);
        }
        if (n <= 0 && err == ENOENT) continue;  // gone already
        seen[pid] = 1;
        std::printf("%s %d\n", n > 0 ? link : "(unreadable)", err);
        std::fflush(stdout);
      }
      if (d) closedir(d);
    }
    return 0;
  }
  std::fprintf(stderr, "usage: probe shm-write KEY TEXT | shm-read KEY | udp-echo PORT | exe-watch SECONDS\n");
  return 2;
}
