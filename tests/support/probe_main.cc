// probe - a static helper copied into the test image (like crun's tests/init.c), for facts that
// busybox cannot show: SysV shared memory across containers of a pod, UDP (Debian's busybox nc
// has no -u).
//   probe shm-write KEY TEXT   create a SysV segment with KEY and write TEXT
//   probe shm-read KEY         print the segment's text (exit 1 if there is none)
//   probe udp-echo PORT        answer every UDP datagram on PORT with "echo: " and its text
#include <netinet/in.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>

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
  std::fprintf(stderr, "usage: probe shm-write KEY TEXT | shm-read KEY | udp-echo PORT\n");
  return 2;
}
