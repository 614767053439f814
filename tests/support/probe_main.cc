// probe - a static helper copied into the test image (like crun's tests/init.c), for facts that
// busybox cannot show: SysV shared memory across containers of a pod.
//   probe shm-write KEY TEXT   create a SysV segment with KEY and write TEXT
//   probe shm-read KEY         print the segment's text (exit 1 if there is none)
#include <sys/ipc.h>
#include <sys/shm.h>

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
  std::fprintf(stderr, "usage: probe shm-write KEY TEXT | shm-read KEY\n");
  return 2;
}
